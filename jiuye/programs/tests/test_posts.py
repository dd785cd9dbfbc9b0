"""Public-welfare posts: a placement opens the person's 公益性岗位 spell and 就业登记 through the
registry, within the program's limits; an exit closes it; the month's payroll is a 免申即享 run
that proposes one subsidy per person at a post for at least half the month."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jiuye.accounts.models import User
from jiuye.conftest import CsrfClient
from jiuye.programs import parameters, posts, rules, services
from jiuye.programs.models import Claim, Placement
from jiuye.registry.choices import EmploymentStatus
from jiuye.registry.models import EmploymentSpell, Person, Registration
from jiuye.registry.tests import factories as registry_factories

pytestmark = pytest.mark.django_db

VILLAGE = "610924100001"


def _post(actor: Any, **extra: Any) -> Any:
    data = {
        "name": "村道保洁",
        "kind": "rural",
        "region": VILLAGE,
        "monthly_subsidy": 80_000,
        "places": 2,
        **extra,
    }
    return posts.post_save(actor=actor, data=posts.PostInput(**data))


def _person(actor: Any, *, groups: tuple[str, ...] = ("poverty_alleviated",), birth: date = date(1975, 3, 1)) -> Person:
    home = registry_factories.household(actor, village=VILLAGE)
    return registry_factories.person(actor, home, groups=groups, birth=birth)


def test_a_placement_opens_the_spell_and_an_exit_closes_it(personas: dict[str, User]) -> None:
    officer = personas["county_a"]
    post = _post(officer)
    person = _person(officer)
    start = timezone.localdate() - timedelta(days=90)
    placement = posts.place(actor=officer, post=post, person=person, starts_on=start)
    assert placement.term_ends_on == posts.add_months(start, 36) - timedelta(days=1)
    spell = EmploymentSpell.objects.get(person=person, end__isnull=True)
    assert (spell.status, spell.start) == (EmploymentStatus.PUBLIC_WELFARE, start)
    assert Registration.objects.filter(person=person, kind="employment", date=start, form="public_welfare").exists()
    day = timezone.localdate() - timedelta(days=10)
    posts.leave(actor=officer, placement=placement, day=day, reason="resigned")
    spell = EmploymentSpell.objects.get(person=person, end__isnull=True)
    assert (spell.status, spell.start) == (EmploymentStatus.UNEMPLOYED, day + timedelta(days=1))
    assert EmploymentSpell.objects.get(person=person, status=EmploymentStatus.PUBLIC_WELFARE).end == day


def test_the_programs_limits_refuse_a_placement_with_the_reason(personas: dict[str, User]) -> None:
    officer, admin = personas["county_a"], personas["city_admin"]
    post = _post(officer, places=1)
    start = timezone.localdate() - timedelta(days=30)
    with pytest.raises(ValidationError, match="安置人员类别"):
        posts.place(actor=officer, post=post, person=_person(officer, groups=("veteran",)), starts_on=start)
    with pytest.raises(ValidationError, match="年龄不超过 60"):
        posts.place(actor=officer, post=post, person=_person(officer, birth=date(1950, 1, 1)), starts_on=start)
    first = _person(officer)
    posts.place(actor=officer, post=post, person=first, starts_on=start)
    with pytest.raises(ValidationError, match="已满"):
        posts.place(actor=officer, post=post, person=_person(officer), starts_on=start)
    # The city admin lowers the repeat limit to one placement: a second placement is refused.
    parameters.set_value(
        actor=admin,
        program=rules.get("public_welfare"),  # type: ignore[arg-type]
        key="max_placements",
        region_code="610900000000",
        effective_from=start - timedelta(days=400),
        raw="1",
        reason="市局文件：每人限安置一次",
    )
    posts.leave(
        actor=officer, placement=Placement.objects.get(person=first), day=start + timedelta(days=5), reason="other"
    )
    with pytest.raises(ValidationError, match="达到上限"):
        posts.place(actor=officer, post=post, person=first, starts_on=start + timedelta(days=10))


def test_the_month_payroll_proposes_one_subsidy_per_person_at_a_post(personas: dict[str, User]) -> None:
    officer, admin = personas["county_a"], personas["city_admin"]
    post = _post(officer, monthly_subsidy=200_000)  # above the standard's cap of 1,500 元
    today = timezone.localdate()
    month_start = today.replace(day=1) - timedelta(days=1)
    month_start = month_start.replace(day=1)  # last month: a whole month behind us
    whole = _person(officer)
    posts.place(actor=officer, post=post, person=whole, starts_on=month_start - timedelta(days=40))
    late = _person(officer)
    posts.place(actor=officer, post=post, person=late, starts_on=month_start + timedelta(days=25))  # a few days
    run = services.proactive_run(
        actor=admin,
        program=rules.get("public_welfare"),  # type: ignore[arg-type]
        year=month_start.year,
        month=month_start.month,
        region_code="610924000000",
    )
    assert (run.checked, run.proposed) == (2, 1) and run.refused == {"在岗不足半月": 1}
    claim = Claim.objects.get(run=run)
    assert (claim.person_id, claim.amount, claim.period) == (whole.pk, 150_000, f"{month_start:%Y-%m}")
    again = services.proactive_run(
        actor=admin,
        program=rules.get("public_welfare"),  # type: ignore[arg-type]
        year=month_start.year,
        month=month_start.month,
        region_code="610924000000",
    )
    assert again.proposed == 0 and again.already == 1


def test_a_placement_through_the_form_with_csrf_and_a_refusal_saves_nothing(personas: dict[str, User]) -> None:
    officer = personas["county_a"]
    post = _post(officer)
    client = CsrfClient(officer)
    stranger = _person(officer, groups=("veteran",))
    refused = client.post(
        f"/programs/posts/{post.pk}/place/",
        {"id_number": stranger.id_number, "starts_on": timezone.localdate().isoformat()},
    )
    assert refused.status_code == 422 and "安置人员类别" in refused.content.decode()
    assert not Placement.objects.exists()
    person = _person(officer)
    done = client.post(
        f"/programs/posts/{post.pk}/place/",
        {"id_number": Person.objects.get(pk=person.pk).id_number, "starts_on": timezone.localdate().isoformat()},
    )
    assert done.status_code == 302 and Placement.objects.filter(person=person).exists()
