"""Dated person facts (``registry.history``): labour ability, willingness, key groups and household
change from a day, so that a month recomputed later counts what was true in it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from jiuye.accounts.models import User
from jiuye.conftest import login
from jiuye.imports import services as imports
from jiuye.imports.tests.test_registry_import import row, write_csv
from jiuye.indicators.models import Measurement
from jiuye.indicators.services import compute_period
from jiuye.indicators.snapshot import add_months
from jiuye.registry import services
from jiuye.registry.choices import EmploymentStatus, Fact
from jiuye.registry.models import Person, PersonChange
from jiuye.registry.tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)
LAST_MONTH = add_months(THIS_MONTH, -1)
COUNTY = "610924000000"
OTHER_VILLAGE = "610924100200"


def figure(code: str, period: date, region: str = COUNTY) -> Decimal:
    return Measurement.objects.filter(indicator=code, region_code=region, period=period).values_list(
        "value", flat=True
    ).first() or Decimal(0)


@pytest.fixture
def seeker(personas: dict[str, User]) -> Person:
    """A willing, able, unemployed person of working age, alone in a household: a zero-employment
    household, from a year ago."""
    officer = personas["county_a"]
    return factories.person(
        officer,
        factories.household(officer),
        status=EmploymentStatus.UNEMPLOYED,
        since=TODAY - timedelta(days=365),
        birth=date(1985, 6, 15),
    )


def test_a_change_dated_after_a_month_leaves_that_month_as_it_was(personas: dict[str, User], seeker: Person) -> None:
    """The issue's own test: compute a month, change a person's willingness dated after it,
    recompute that month: no difference; the new month differs."""
    compute_period(LAST_MONTH)
    before = {code: figure(code, LAST_MONTH) for code in ("willing_labour", "zero_employment_households")}
    assert before == {"willing_labour": 1, "zero_employment_households": 1}
    services.person_update(
        actor=personas["county_a"],
        person=seeker,
        version=seeker.version,
        changes={"willing": False},
        effective=THIS_MONTH,
    )
    compute_period(LAST_MONTH)
    compute_period(THIS_MONTH)
    assert {code: figure(code, LAST_MONTH) for code in before} == before
    assert figure("willing_labour", THIS_MONTH) == 0
    assert figure("zero_employment_households", THIS_MONTH) == 0  # no willing member: no labour


def test_key_groups_and_households_are_dated_too(personas: dict[str, User], seeker: Person) -> None:
    officer = personas["county_a"]
    services.status_change(
        actor=officer, person=seeker, status=EmploymentStatus.IN_COUNTY, start=TODAY - timedelta(days=300)
    )
    services.person_set_groups(actor=officer, person=seeker, groups=["poverty_alleviated"], effective=THIS_MONTH)
    region, old_household = seeker.household.region, seeker.household_id
    elsewhere = factories.household(officer, village=OTHER_VILLAGE)
    factories.person(officer, elsewhere)
    services.person_move(actor=officer, person=seeker, household=elsewhere, effective=THIS_MONTH)
    compute_period(LAST_MONTH)
    compute_period(THIS_MONTH)
    assert figure("poverty_alleviated_working", LAST_MONTH) == 0  # not yet 脱贫人口 then
    assert figure("poverty_alleviated_working", THIS_MONTH) == 1
    assert figure("willing_labour", LAST_MONTH, region.code) == 1  # still in the first village then
    assert figure("willing_labour", THIS_MONTH, region.code) == 0
    assert figure("willing_labour", THIS_MONTH, OTHER_VILLAGE) == 2
    assert figure("willing_labour", THIS_MONTH, region.code[:9] + "000") == 2  # both villages lie in 城关镇
    facts = list(PersonChange.objects.filter(person=seeker).values_list("fact", "before", "after", "effective"))
    assert (Fact.GROUP, "", "poverty_alleviated", THIS_MONTH) in facts
    assert (Fact.HOUSEHOLD, str(old_household), str(elsewhere.pk), THIS_MONTH) in facts


def test_a_change_cannot_be_dated_before_the_last_one_nor_after_today(
    personas: dict[str, User], seeker: Person, tmp_path: Path
) -> None:
    officer = personas["county_a"]
    services.person_update(
        actor=officer, person=seeker, version=seeker.version, changes={"labor_ability": "weak"}, effective=THIS_MONTH
    )
    seeker.refresh_from_db()
    with pytest.raises(ValidationError, match="不能早于该项上一次变更"):
        services.person_update(
            actor=officer,
            person=seeker,
            version=seeker.version,
            changes={"labor_ability": "skilled"},
            effective=THIS_MONTH - timedelta(days=1),
        )
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.person_set_groups(
            actor=officer, person=seeker, groups=["veteran"], effective=TODAY + timedelta(days=1)
        )
    # The ledger's day is the change's day: an older ledger that says otherwise is reported back.
    line = row(
        **{
            "户编号": seeker.household.number,
            "公民身份号码": seeker.id_number,
            "劳动能力": "技能劳动力",
            "就业状态": "未就业",
            "就业开始日期": seeker.status_since.isoformat(),
        }
    )
    path = write_csv(tmp_path / "old.csv", [line])
    job = imports.import_run(
        job=imports.import_stage(
            user=officer, source=path, original_name="old.csv", as_of=THIS_MONTH - timedelta(days=2)
        )
    )
    assert job.rejected == 1
    assert list(job.row_errors.values_list("column", flat=True)) == ["劳动能力"]
    newer = imports.import_run(
        job=imports.import_stage(user=officer, source=path, original_name="new.csv", as_of=TODAY)
    )
    assert (newer.updated, newer.rejected) == (1, 0)
    assert PersonChange.objects.filter(person=seeker, fact=Fact.LABOR_ABILITY, effective=TODAY).exists()


def test_the_history_shows_on_the_persons_page_sensitive_groups_only_with_the_label(
    personas: dict[str, User], seeker: Person
) -> None:
    officer = personas["county_a"]
    services.person_set_groups(actor=officer, person=seeker, groups=["poverty_alleviated", "veteran"])

    def history(user: User) -> str:
        page = login(Client(), user).get(f"/registry/persons/{seeker.pk}/").content.decode()
        start = page.index("信息变更记录")
        return page[start : page.index("</table>", start)]

    granted = history(officer)
    assert "脱贫人口" in granted and "退役军人" in granted
    plain = personas["town_a"]
    User.objects.filter(pk=plain.pk).update(sensitive_access=False)
    shown = history(User.objects.get(pk=plain.pk))
    assert "退役军人" in shown and "脱贫人口" not in shown


def test_a_household_left_in_another_county_is_not_named(personas: dict[str, User]) -> None:
    admin = personas["city_admin"]
    theirs = factories.household(admin, village="610902001003")
    mover = factories.person(admin, theirs, relation="head")
    ours = factories.household(admin)
    factories.person(admin, ours)
    services.person_move(actor=admin, person=mover, household=ours)
    from jiuye.registry.selectors import person_changes

    moved = next(c for c in person_changes(user=personas["county_a"], person=mover) if c.fact == "家庭户")
    assert (moved.before, moved.after) == ("—", ours.number)
    whole = next(c for c in person_changes(user=admin, person=mover) if c.fact == "家庭户")
    assert whole.before == theirs.number
