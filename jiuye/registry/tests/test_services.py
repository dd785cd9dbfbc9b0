"""Registry services: status history, registrations, zero-employment cases, moves, scope."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from freezegun import freeze_time

from jiuye.accounts.models import User
from jiuye.core.models import AuditEvent
from jiuye.regions.models import Region
from jiuye.registry import services
from jiuye.registry.choices import (
    CaseStatus,
    EmploymentForm,
    EmploymentStatus,
    LaborAbility,
    PersonState,
    Relation,
    UnemploymentEnd,
    UnemploymentReason,
)
from jiuye.registry.models import EmploymentSpell, Person, Registration, ZeroEmploymentCase, ZeroEmploymentRule
from jiuye.registry.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(personas: dict[str, User]) -> User:
    return personas["village_a"]


def test_a_new_person_gets_an_open_spell_and_encrypted_identifiers(clerk: User) -> None:
    from django.db import connection

    home = factories.household(clerk)
    number = factories.id_number()
    person = factories.person(clerk, home, id_number=number, phone="13812345678")
    assert person.id_masked == number[:6] + "********" + number[-4:]
    assert person.phone_masked == "138****5678"
    assert EmploymentSpell.objects.get(person=person).end is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM registry_person WHERE id = %s", [person.pk])
        stored_id, stored_phone = cursor.fetchone()
    assert number not in stored_id and "13812345678" not in stored_phone
    assert Person.objects.get(id_hash=services.id_hash(number)).pk == person.pk
    event = AuditEvent.objects.get(action="registry.person_create", object_id=str(person.pk))
    assert event.after["id_number"] == person.id_masked


def test_a_status_change_closes_the_previous_spell_and_history_answers_past_dates(clerk: User) -> None:
    home = factories.household(clerk)
    person = factories.person(clerk, home, since=date(2025, 1, 1))
    services.status_change(actor=clerk, person=person, status=EmploymentStatus.OUT_OF_PROVINCE, start=date(2025, 3, 1))
    services.status_change(actor=clerk, person=person, status=EmploymentStatus.FARMING, start=date(2025, 9, 10))
    spells = list(EmploymentSpell.objects.filter(person=person).order_by("start"))
    assert [(s.start, s.end) for s in spells] == [
        (date(2025, 1, 1), date(2025, 2, 28)),
        (date(2025, 3, 1), date(2025, 9, 9)),
        (date(2025, 9, 10), None),
    ]
    assert spells[1].place == "out_of_province"
    assert services.status_on(person=person, day=date(2024, 12, 31)) is None
    assert services.status_on(person=person, day=date(2025, 2, 28)) == EmploymentStatus.UNEMPLOYED
    assert services.status_on(person=person, day=date(2025, 3, 1)) == EmploymentStatus.OUT_OF_PROVINCE
    assert services.status_on(person=person, day=date(2026, 1, 1)) == EmploymentStatus.FARMING
    person.refresh_from_db()
    assert (person.status, person.status_since, person.version) == (EmploymentStatus.FARMING, date(2025, 9, 10), 3)


def test_a_status_cannot_start_before_the_current_one_or_in_the_future(clerk: User) -> None:
    person = factories.person(clerk, factories.household(clerk), since=date(2025, 5, 1))
    with pytest.raises(ValidationError):
        services.status_change(actor=clerk, person=person, status=EmploymentStatus.FLEXIBLE, start=date(2025, 4, 30))
    with pytest.raises(ValidationError):
        services.status_change(
            actor=clerk, person=person, status=EmploymentStatus.FLEXIBLE, start=timezone.localdate() + timedelta(days=1)
        )


def test_zero_employment_case_opens_closes_and_reopens(clerk: User) -> None:
    home = factories.household(clerk)
    with freeze_time("2026-03-01"):
        person = factories.person(clerk, home, since=date(2026, 1, 1))
        home.refresh_from_db()
        assert home.zero_employment and home.has_labor
        case = ZeroEmploymentCase.objects.get(household=home)
        assert (case.status, case.opened_on, case.deadline) == (CaseStatus.OPEN, date(2026, 3, 1), date(2026, 3, 31))
    with freeze_time("2026-03-20"):
        services.status_change(actor=clerk, person=person, status=EmploymentStatus.IN_COUNTY, start=date(2026, 3, 18))
        case.refresh_from_db()
        home.refresh_from_db()
        assert case.status == CaseStatus.CLOSED and case.closed_on == date(2026, 3, 20) and not home.zero_employment
    with freeze_time("2026-07-01"):
        services.status_change(actor=clerk, person=person, status=EmploymentStatus.UNEMPLOYED, start=date(2026, 6, 30))
        cases = list(ZeroEmploymentCase.objects.filter(household=home).order_by("opened_on"))
        assert [c.status for c in cases] == [CaseStatus.CLOSED, CaseStatus.OPEN]
    assert AuditEvent.objects.filter(action="registry.zero_case_open").count() == 2


def test_the_rule_parameters_are_data(clerk: User) -> None:
    rule = ZeroEmploymentRule.objects.get()
    rule.employed_statuses = [*rule.employed_statuses, EmploymentStatus.FARMING]
    rule.save()
    home = factories.household(clerk)
    factories.person(clerk, home, status=EmploymentStatus.FARMING)
    home.refresh_from_db()
    assert not home.zero_employment


def test_changing_the_rule_judges_every_household_again(personas: dict[str, User], clerk: User) -> None:
    admin = personas["city_admin"]
    today = timezone.localdate()
    # Labour only while the upper age is 60 or more: aged 58.
    older = factories.household(clerk)
    factories.person(clerk, older, birth=date(today.year - 58, 1, 1))
    # Labour (aged 30, unemployed) beside a farmer: employed only if farming counts.
    farm = factories.household(clerk)
    factories.person(clerk, farm, birth=date(today.year - 30, 1, 1))
    factories.person(clerk, farm, relation=Relation.SPOUSE, status=EmploymentStatus.FARMING)
    assert set(ZeroEmploymentCase.objects.filter(status=CaseStatus.OPEN).values_list("household_id", flat=True)) == {
        older.pk,
        farm.pk,
    }

    employed = sorted({*services.zero_rule().employed, EmploymentStatus.FARMING})
    result = services.zero_rule_update(actor=admin, min_age=16, max_age=55, employed=employed, clear_days=45)
    assert (result["closed"], result["opened"]) == (2, 0)
    notes = dict(ZeroEmploymentCase.objects.values_list("household_id", "close_note"))
    assert notes == {older.pk: "家庭已无劳动力", farm.pk: "已有成员就业"}
    older.refresh_from_db()
    assert not older.zero_employment and not older.has_labor
    event = AuditEvent.objects.get(action="registry.zero_rule_update")
    assert (event.before["max_age"], event.after["max_age"], event.after["clear_days"]) == (60, 55, 45)

    # A household found under the new rule gets the new number of days.
    home = factories.household(clerk)
    factories.person(clerk, home, birth=date(today.year - 40, 1, 1))
    case = ZeroEmploymentCase.objects.get(household=home)
    assert case.deadline - case.opened_on == timedelta(days=45)


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("min_age", {"min_age": 10}),
        ("max_age", {"max_age": 90}),
        ("employed", {"employed": []}),
        ("employed", {"employed": [EmploymentStatus.UNEMPLOYED]}),
        ("clear_days", {"clear_days": 0}),
    ],
)
def test_a_bad_rule_is_refused_and_changes_nothing(
    personas: dict[str, User], field: str, values: dict[str, Any]
) -> None:
    before = services.zero_rule()
    args: dict[str, Any] = {"min_age": 16, "max_age": 60, "employed": [EmploymentStatus.IN_COUNTY], "clear_days": 30}
    with pytest.raises(ValidationError) as refused:
        services.zero_rule_update(actor=personas["city_admin"], **{**args, **values})
    assert field in refused.value.message_dict
    assert services.zero_rule() == before
    assert not AuditEvent.objects.filter(action="registry.zero_rule_update").exists()


def test_only_the_city_may_change_the_rule(personas: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        services.zero_rule_update(
            actor=personas["county_a"], min_age=16, max_age=60, employed=[EmploymentStatus.IN_COUNTY], clear_days=30
        )


def test_exactly_one_head_per_household(clerk: User) -> None:
    home = factories.household(clerk)
    factories.person(clerk, home, relation=Relation.HEAD)
    with pytest.raises(ValidationError, match="户主"):
        factories.person(clerk, home, relation=Relation.HEAD)
    factories.person(clerk, home, relation=Relation.SPOUSE)


def test_the_same_id_number_cannot_be_registered_twice(clerk: User) -> None:
    number = factories.id_number()
    factories.person(clerk, factories.household(clerk), id_number=number)
    with pytest.raises(ValidationError, match="已在台账"):
        factories.person(clerk, factories.household(clerk), id_number=number.lower())


def test_a_stale_edit_is_refused_and_says_what_changed(clerk: User) -> None:
    person = factories.person(clerk, factories.household(clerk))
    stale = Person.objects.get(pk=person.pk)
    services.person_update(actor=clerk, person=person, version=person.version, changes={"name": "张卫"})
    with pytest.raises(services.StaleEdit) as info:
        services.person_update(actor=clerk, person=stale, version=stale.version, changes={"education": "junior"})
    assert info.value.changed["name"] == ("张伟", "张卫")
    assert Person.objects.get(pk=person.pk).name_pinyin.startswith("zhangwei")


def test_one_open_unemployment_registration_and_its_end(clerk: User) -> None:
    person = factories.person(clerk, factories.household(clerk))
    village = Region.objects.get(code=person.region_id)
    services.registration_unemployment(
        actor=clerk, person=person, day=date(2026, 1, 5), reason=UnemploymentReason.CONTRACT_ENDED, region=village
    )
    with pytest.raises(ValidationError, match="未注销"):
        services.registration_unemployment(
            actor=clerk, person=person, day=date(2026, 2, 5), reason=UnemploymentReason.OTHER, region=village
        )
    services.registration_employment(
        actor=clerk, person=person, day=date(2026, 3, 1), form=EmploymentForm.EMPLOYER, region=village
    )
    ended = Registration.objects.get(person=person, kind="unemployment")
    assert (ended.ended_on, ended.end_reason) == (date(2026, 3, 1), UnemploymentEnd.EMPLOYED)
    with pytest.raises(ValidationError, match="没有未注销"):
        services.registration_end(actor=clerk, person=person, day=date(2026, 3, 2), reason=UnemploymentEnd.OTHER)
    assert Registration.objects.get(person=person, kind="employment").urban is True  # a 社区居委会


def test_death_ends_registration_and_clears_the_household(clerk: User) -> None:
    home = factories.household(clerk)
    person = factories.person(clerk, home)
    village = Region.objects.get(code=person.region_id)
    services.registration_unemployment(
        actor=clerk, person=person, day=date(2026, 1, 5), reason=UnemploymentReason.OTHER, region=village
    )
    services.person_set_state(actor=clerk, person=person, state=PersonState.DECEASED, on=date(2026, 2, 1))
    home.refresh_from_db()
    assert not home.zero_employment and not home.has_labor
    assert Registration.objects.get(person=person).end_reason == UnemploymentEnd.DECEASED


def test_a_death_or_departure_comes_after_everything_recorded(clerk: User) -> None:
    person = factories.person(clerk, factories.household(clerk), since=date(2025, 1, 1))
    village = Region.objects.get(code=person.region_id)
    services.status_change(actor=clerk, person=person, status=EmploymentStatus.OUT_OF_PROVINCE, start=date(2025, 6, 1))
    services.registration_unemployment(
        actor=clerk, person=person, day=date(2025, 3, 1), reason=UnemploymentReason.OTHER, region=village
    )
    services.registration_end(actor=clerk, person=person, day=date(2025, 7, 1), reason=UnemploymentEnd.OTHER)
    person.refresh_from_db()
    version = person.version
    for state, day, named in [
        (PersonState.DECEASED, date(2025, 5, 31), "2025-07-01"),  # before the status: the latest fact is named
        (PersonState.EMIGRATED, date(2025, 7, 1), "2025-07-01"),  # the registration ended that day
        (PersonState.MOVED_OUT, date(1985, 6, 14), "出生日期"),
    ]:
        with pytest.raises(ValidationError, match=named):
            services.person_set_state(actor=clerk, person=person, state=state, on=day)
    person.refresh_from_db()
    assert (person.state, person.version) == (PersonState.ACTIVE, version)
    # Returned to the registry: a later departure cannot be dated before the return.
    services.person_set_state(actor=clerk, person=person, state=PersonState.MOVED_OUT, on=date(2025, 7, 2))
    services.person_set_state(actor=clerk, person=person, state=PersonState.ACTIVE, on=date(2025, 9, 1))
    with pytest.raises(ValidationError, match="2025-09-01"):
        services.person_set_state(actor=clerk, person=person, state=PersonState.DECEASED, on=date(2025, 8, 1))
    services.person_set_state(actor=clerk, person=person, state=PersonState.DECEASED, on=date(2025, 9, 2))
    person.refresh_from_db()
    assert (person.state, person.state_date) == (PersonState.DECEASED, date(2025, 9, 2))


def test_moving_needs_write_scope_on_both_sides(personas: dict[str, User]) -> None:
    county_a, county_b = personas["county_a"], personas["county_b"]
    person = factories.person(county_a, factories.household(county_a))
    target_b = factories.household(county_b, village="610902001003")
    with pytest.raises(Http404):
        services.person_move(actor=county_a, person=person, household=target_b)
    target_a = factories.household(county_a, village="610924101200")
    moved = services.person_move(actor=county_a, person=person, household=target_a)
    assert moved.region_id == "610924101200" and moved.relation == Relation.HEAD  # alone in it: its head
    city = personas["city_admin"]
    assert services.person_move(actor=city, person=moved, household=target_b).region_id == "610902001003"


def test_moving_into_a_household_with_a_head_and_into_an_empty_one(personas: dict[str, User]) -> None:
    officer = personas["county_a"]
    home = factories.household(officer)
    head = factories.person(officer, home, name="王父")
    son = factories.person(officer, home, relation=Relation.CHILD, name="王子", birth=date(1998, 1, 1))
    other_home = factories.household(officer)
    factories.person(officer, other_home, name="李户主")
    # A head moving into a household that has one becomes 其他 there (edited afterwards).
    moved = services.person_move(actor=officer, person=head, household=other_home)
    assert moved.relation == Relation.OTHER
    # 分户: the son sets up his own household and heads it.
    own = factories.household(officer, number="分户-1")
    moved_son = services.person_move(actor=officer, person=son, household=own)
    assert moved_son.relation == Relation.HEAD
    event = AuditEvent.objects.filter(action="registry.person_move").latest("seq")
    assert (event.before["relation"], event.after["relation"]) == (Relation.CHILD, Relation.HEAD)


def test_writes_outside_the_write_scope_are_404(personas: dict[str, User]) -> None:
    person = factories.person(personas["county_a"], factories.household(personas["county_a"]))
    for key in ("county_b", "leader", "system_admin"):
        with pytest.raises(Http404):
            services.status_change(
                actor=personas[key], person=person, status=EmploymentStatus.FLEXIBLE, start=date(2026, 1, 2)
            )
        with pytest.raises(Http404):
            services.person_set_groups(actor=personas[key], person=person, groups=["graduate"])
    assert not person.groups.exists()


def test_personal_rows_are_hidden_from_the_admin_roles(personas: dict[str, User]) -> None:
    factories.person(personas["county_a"], factories.household(personas["county_a"]))
    assert Person.objects.visible_to(personas["county_a"]).count() == 1
    assert Person.objects.visible_to(personas["county_b"]).count() == 0
    for key in ("system_admin", "security_admin", "audit_admin"):
        assert Person.objects.visible_to(personas[key]).count() == 0


def test_reveals_raise_an_alert_above_the_daily_line_and_stop_at_the_limit(
    personas: dict[str, User], settings: Any
) -> None:
    from jiuye.core.models import AuditEvent

    settings.JIUYE_REVEAL_ALERT_PER_DAY = 3
    settings.JIUYE_REVEAL_DAILY_LIMIT = 5
    admin = personas["county_a"]
    person = factories.person(personas["city_admin"], factories.household(personas["city_admin"]))
    for _ in range(4):
        services.person_reveal(actor=admin, person=person, field="phone", reason="核对")
    alerts = AuditEvent.objects.filter(action="security.reveal_rate_alert", actor_id=admin.pk)
    assert alerts.count() == 1 and alerts.get().after["reveals_today"] == 4
    services.person_reveal(actor=admin, person=person, field="id_number", reason="核对")
    assert alerts.count() == 1  # one alert a day, not one per reveal
    with pytest.raises(ValidationError):
        services.person_reveal(actor=admin, person=person, field="id_number", reason="核对")
    assert AuditEvent.objects.filter(action="registry.reveal", actor_id=admin.pk).count() == 5


def test_every_service_refuses_a_value_outside_its_choices_and_writes_nothing(clerk: User) -> None:
    """The forms, the API and the import check enumerations; the services check them again, for
    any other caller (a command, a later module). A bad value is the field's message, not a row."""
    home = factories.household(clerk)
    person = factories.person(clerk, home, status=EmploymentStatus.UNEMPLOYED)
    case = ZeroEmploymentCase.objects.get(household=home)
    empty = factories.household(clerk)
    audited = AuditEvent.objects.count()
    today = timezone.localdate()
    attempts: list[tuple[str, Any]] = [
        ("status", lambda: services.status_change(actor=clerk, person=person, status="county", start=today)),
        (
            "place",
            lambda: services.status_change(actor=clerk, person=person, status="in_county", start=today, place="x"),
        ),
        (
            "source",
            lambda: services.status_change(actor=clerk, person=person, status="in_county", start=today, source="x"),
        ),
        (
            "labor_ability",
            lambda: services.person_update(
                actor=clerk, person=person, version=person.version, changes={"labor_ability": "strong"}
            ),
        ),
        (
            "relation",
            lambda: services.person_update(
                actor=clerk, person=person, version=person.version, changes={"relation": "boss"}
            ),
        ),
        ("group", lambda: services.person_set_groups(actor=clerk, person=person, groups=["graduate", "astronaut"])),
        ("state", lambda: services.person_set_state(actor=clerk, person=person, state="vanished", on=today)),
        (
            "form",
            lambda: services.registration_employment(
                actor=clerk, person=person, day=today, form="x", region=person.region
            ),
        ),
        (
            "form",
            lambda: services.registration_employment(
                actor=clerk, person=person, day=today, form="", region=person.region
            ),
        ),
        (
            "reason",
            lambda: services.registration_unemployment(
                actor=clerk, person=person, day=today, reason="x", region=person.region
            ),
        ),
        ("kind", lambda: services.case_add_measure(actor=clerk, case=case, kind="prayer", day=today)),
        ("relation", lambda: factories.person(clerk, home, relation="boss")),
        ("education", lambda: factories.person(clerk, empty, education="phd")),
    ]
    for field, attempt in attempts:
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert field in refused.value.message_dict, (field, refused.value.message_dict)
    person.refresh_from_db()
    assert (person.status, person.labor_ability, person.relation, person.state) == (
        EmploymentStatus.UNEMPLOYED,
        LaborAbility.ORDINARY,
        Relation.HEAD,
        PersonState.ACTIVE,
    )
    assert EmploymentSpell.objects.filter(person=person).count() == 1
    assert not person.groups.exists() and not Registration.objects.filter(person=person).exists()
    assert not case.measures.exists() and Person.objects.count() == 1
    assert AuditEvent.objects.count() == audited
