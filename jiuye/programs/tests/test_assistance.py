"""就业困难人员 认定 and 就业援助: registered by one officer and certified by another; the person joins
the registry's group; the assistance case is due within its days and closes with the first
assistance delivered; an exit takes the person out of the group; 援助率 = assisted ÷ certified."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jiuye.accounts.models import User
from jiuye.conftest import CsrfClient, make_user
from jiuye.core.cases import CaseState
from jiuye.core.permissions import Role
from jiuye.indicators import services as indicator_services
from jiuye.programs import assistance
from jiuye.programs.models import AssistanceCase, Difficulty
from jiuye.registry.models import PersonGroup
from jiuye.registry.tests import factories as registry_factories

pytestmark = pytest.mark.django_db

COUNTY_A = "610924000000"


@pytest.fixture
def checker(personas: dict[str, User]) -> User:
    return make_user("county_a_checker", Role.COUNTY_OFFICER, COUNTY_A)


def _registered(officer: Any, *, days_ago: int = 20) -> Difficulty:
    person = registry_factories.person(officer, registry_factories.household(officer))
    return assistance.register(
        actor=officer,
        person=person,
        data=assistance.DifficultyInput(
            categories=("long_unemployed",),
            applied_on=timezone.localdate() - timedelta(days=days_ago),
            evidence="失业登记满一年，经社区核实",
        ),
    )


def test_a_certification_by_another_officer_joins_the_group_and_opens_the_case(
    personas: dict[str, User], checker: User
) -> None:
    maker = personas["town_a"]
    item = _registered(maker)
    with pytest.raises(PermissionDenied):
        assistance.decide(actor=maker, item=item, certify=True)  # the town officer may not certify
    with pytest.raises(ValidationError, match="不予认定时请写明理由"):
        assistance.decide(actor=checker, item=item, certify=False)
    day = timezone.localdate() - timedelta(days=10)
    assistance.decide(actor=checker, item=item, certify=True, day=day)
    assert PersonGroup.objects.filter(person=item.person, group="hard_to_employ").exists()
    case = AssistanceCase.objects.get(difficulty=item)
    assert (case.opened_on, case.deadline, case.status) == (day, day + timedelta(days=30), CaseState.OPEN)
    with pytest.raises(ValidationError, match="已有待认定或已认定"):
        assistance.register(
            actor=maker,
            person=item.person,
            data=assistance.DifficultyInput(("disabled",), timezone.localdate(), "残疾人证及社区核实"),
        )


def test_nobody_certifies_his_own_registration(personas: dict[str, User]) -> None:
    officer = personas["county_a"]
    item = _registered(officer)
    with pytest.raises(PermissionDenied):
        assistance.decide(actor=officer, item=item, certify=True)


def test_assistance_delivered_closes_the_case_and_the_rate_follows(personas: dict[str, User], checker: User) -> None:
    officer = personas["county_a"]
    first, second = _registered(officer), _registered(officer)
    day = timezone.localdate() - timedelta(days=15)
    for item in (first, second):
        assistance.decide(actor=checker, item=item, certify=True, day=day)
    assistance.assist(actor=officer, item=first, kind="guidance", day=day + timedelta(days=1), note="职业指导")
    assert AssistanceCase.objects.get(difficulty=first).status == CaseState.OPEN  # guidance is not yet assistance
    assistance.assist(actor=officer, item=first, kind="referral", day=day + timedelta(days=2), note="推荐保洁岗位")
    case = AssistanceCase.objects.get(difficulty=first)
    assert (case.status, case.closed_on) == (CaseState.CLOSED, day + timedelta(days=2))
    with pytest.raises(ValidationError):
        assistance.assist(actor=officer, item=first, kind="training", day=day + timedelta(days=3))
    today = timezone.localdate()
    figures = indicator_services.compute_figures(date(today.year, today.month, 1))
    assert figures.get("programs.difficulty_certified", COUNTY_A) == 2
    assert figures.get("programs.difficulty_assisted", COUNTY_A) == 1
    assert figures.get("programs.assistance_rate", COUNTY_A) == 50


def test_an_exit_takes_the_person_out_of_the_group(personas: dict[str, User], checker: User) -> None:
    officer = personas["county_a"]
    item = _registered(officer)
    assistance.decide(actor=checker, item=item, certify=True, day=timezone.localdate() - timedelta(days=5))
    assistance.exit_(actor=officer, item=item, day=timezone.localdate() - timedelta(days=1), reason="employed")
    item.refresh_from_db()
    assert (
        item.status == "exited" and not PersonGroup.objects.filter(person=item.person, group="hard_to_employ").exists()
    )
    assert AssistanceCase.objects.get(difficulty=item).status == CaseState.CLOSED


def test_the_form_with_csrf_refuses_without_evidence_and_saves_nothing(personas: dict[str, User]) -> None:
    officer = personas["county_a"]
    person = registry_factories.person(officer, registry_factories.household(officer))
    client = CsrfClient(officer)
    data = {"id_number": person.id_number, "categories": ["disabled"], "applied_on": timezone.localdate().isoformat()}
    refused = client.post("/programs/difficulty/new/", {**data, "evidence": ""})
    assert refused.status_code == 422 and not Difficulty.objects.exists()
    done = client.post("/programs/difficulty/new/", {**data, "evidence": "残疾人证编号 6109…"})
    assert done.status_code == 302 and Difficulty.objects.filter(person=person).exists()
