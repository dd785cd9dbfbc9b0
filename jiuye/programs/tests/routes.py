"""The programs module's routes in the access matrix, and the objects they open: a claim (a
training-subsidy application of a person), a notice with it, a payment batch and a policy
document, in the user's scope or in county B."""

from __future__ import annotations

from datetime import date
from typing import Any

from jiuye.accounts.models import User
from jiuye.conftest import make_user
from jiuye.core.permissions import Role
from jiuye.core.tests.matrix import Route, World
from jiuye.ledger.models import PaymentBatch
from jiuye.programs import policies, services
from jiuye.programs.permissions import (
    APPROVE_CLAIMS,
    EDIT_POLICIES,
    MAKE_CLAIMS,
    MANAGE_PROGRAMS,
    REVIEW_CLAIMS,
    VIEW_PAYMENTS,
    VIEW_PROGRAMS,
)
from jiuye.registry.models import Person
from jiuye.registry.tests import factories as registry_factories

NEIGHBOUR_VILLAGE = "610902001003"  # 汉滨区老城街道


def _village(world: World, user: User, own: bool) -> str:
    return world.owned_village_user(user).region_id if own else NEIGHBOUR_VILLAGE


def _claim(world: World, user: User, own: bool) -> Any:
    key = ("claim", user.pk if own else 0, own)
    made = world.cache.get(key)
    if made is None:
        home = registry_factories.household(world.writer, village=_village(world, user, own))
        person = registry_factories.person(world.writer, home)
        made = world.cache[key] = services.apply(
            actor=world.writer,
            data=services.Application(
                program="training",
                year=date.today().year,
                id_number=Person.objects.get(pk=person.pk).id_number,
                stated={"occupation": "电工", "level": "4", "certified_on": date.today().isoformat()},
                bank_account="6217000123456789012",
            ),
        )
    return made


def claim(world: World, user: User, own: bool) -> dict[str, Any]:
    return {"pk": _claim(world, user, own).pk}


def notice(world: World, user: User, own: bool) -> dict[str, Any]:
    """A notice of a claim taken through review and approval by two other officers."""
    key = ("notice", user.pk if own else 0, own)
    made = world.cache.get(key)
    if made is None:
        item = _claim(world, user, own)
        county = item.region_code[:6] + "000000"
        reviewer = make_user(f"reviewer_{item.pk}", Role.COUNTY_OFFICER, county)
        approver = make_user(f"approver_{item.pk}", Role.CITY_ADMIN, "610900000000")
        services.review(actor=reviewer, ids=[item.pk])
        services.approve(actor=approver, ids=[item.pk])
        # published for the user's own area when it holds the claim (a town's notice), else the county's
        area = user.region_id if own and item.region_code.startswith(user.region_id.rstrip("0")) else county
        made = world.cache[key] = services.publish(
            actor=approver, ids=[item.pk], title="公示", starts_on=date.today(), region_code=area
        )
    return {"pk": made.pk}


def run(world: World, user: User, own: bool) -> dict[str, Any]:
    from jiuye.programs.models import Run

    region = _village(world, user, own)
    made = Run.objects.create(program="refund", period="2025", region_code=region, run_by=world.writer)
    return {"pk": made.pk}


def _post(world: World, user: User, own: bool) -> Any:
    from jiuye.programs import posts

    key = ("post", user.pk if own else 0, own)
    made = world.cache.get(key)
    if made is None:
        made = world.cache[key] = posts.post_save(
            actor=world.writer,
            data=posts.PostInput(
                name="保洁", kind="rural", region=_village(world, user, own), monthly_subsidy=80_000, places=500
            ),
        )
    return made


def post(world: World, user: User, own: bool) -> dict[str, Any]:
    return {"pk": _post(world, user, own).pk}


def placement(world: World, user: User, own: bool) -> dict[str, Any]:
    from jiuye.programs import posts

    item = _post(world, user, own)
    home = registry_factories.household(world.writer, village=item.region_id)
    person = registry_factories.person(world.writer, home, groups=("poverty_alleviated",))
    made = posts.place(actor=world.writer, post=item, person=person, starts_on=date.today())
    return {"pk": made.pk}


def difficulty(world: World, user: User, own: bool) -> dict[str, Any]:
    from jiuye.programs import assistance

    home = registry_factories.household(world.writer, village=_village(world, user, own))
    person = registry_factories.person(world.writer, home)
    made = assistance.register(
        actor=world.writer,
        person=person,
        data=assistance.DifficultyInput(("long_unemployed",), date.today(), "失业登记满一年"),
    )
    return {"pk": made.pk}


def difficulty_exit(world: World, user: User, own: bool) -> dict[str, Any]:
    return {**difficulty(world, user, own), "step": "exit"}


def loan(world: World, user: User, own: bool) -> dict[str, Any]:
    from jiuye.programs import loans

    home = registry_factories.household(world.writer, village=_village(world, user, own))
    person = registry_factories.person(world.writer, home, groups=("graduate",))
    made = loans.apply(
        actor=world.writer,
        data=loans.LoanInput(kind="individual", business="网店", amount=1_000_000, term_months=12, person=person),
    )
    return {"pk": made.pk}


def loan_repay(world: World, user: User, own: bool) -> dict[str, Any]:
    return {**loan(world, user, own), "step": "repay"}


def program(world: World, user: User, own: bool) -> dict[str, Any]:
    return {"code": "refund"}


def claim_reject(world: World, user: User, own: bool) -> dict[str, Any]:
    return {**claim(world, user, own), "step": "reject"}


def batch(world: World, user: User, own: bool) -> dict[str, Any]:
    from jiuye.ledger import payments
    from jiuye.programs import funds

    region = _village(world, user, own)
    county = region[:6] + "000000"
    fund = funds.fund_account("employment", county, 2026)
    payee = funds.payee_account("person", f"test{region}{PaymentBatch.objects.count()}", "收款人", region)
    made = payments.batch_create(
        actor=world.writer,
        reference=f"T{region}{PaymentBatch.objects.count()}",
        fund=fund,
        payments=[
            payments.PaymentInput(
                f"T{region}{PaymentBatch.objects.count()}", payee, "收款人", "6217000123456789012", 100, "测试"
            )
        ],
    )
    return {"pk": made.pk}


def policy(world: World, user: User, own: bool) -> dict[str, Any]:
    region = _village(world, user, own)[:6] + "000000"
    doc = policies.save(
        actor=world.writer,
        data={
            "title": "关于稳就业的若干措施",
            "number": "",
            "issuer": "县人民政府",
            "issued_on": date(2026, 3, 1),
            "level": "county",
            "theme": "employment",
            "measures": 12,
            "programs": [],
            "note": "",
            "region": region,
        },
    )
    return {"pk": doc.pk}


TARGETS = {
    "programs_claim": claim,
    "programs_claim_reject": claim_reject,
    "programs_notice": notice,
    "programs_batch": batch,
    "programs_policy": policy,
    "programs_program": program,
    "programs_run": run,
    "programs_post": post,
    "programs_placement": placement,
    "programs_difficulty": difficulty,
    "programs_difficulty_exit": difficulty_exit,
    "programs_loan": loan,
    "programs_loan_repay": loan_repay,
}


ROUTES = [
    Route("programs:overview", perm=VIEW_PROGRAMS, fuzz_query=("year",)),
    Route("programs:program_detail", perm=VIEW_PROGRAMS, target="programs_program", shared=True, fuzz_forms=True),
    Route(
        "programs:param_set",
        "POST",
        perm=MANAGE_PROGRAMS,
        target="programs_program",
        shared=True,
        data={"key": "x"},
        ok=(422,),
    ),
    Route("programs:run", "POST", perm=MAKE_CLAIMS, target="programs_program", shared=True, data={}, ok=(422,)),
    Route(
        "programs:claim_step",
        "POST",
        perm=VIEW_PROGRAMS,
        target="programs_claim_reject",
        data={"reason": ""},
        ok=(422,),
    ),
    Route("programs:claim_bulk", "POST", perm=VIEW_PROGRAMS, data={"action": "review"}, ok=(302,)),
    Route("programs:claim_list", perm=VIEW_PROGRAMS, fuzz_query=("program", "status", "year", "region", "q", "page")),
    Route("programs:claim_new", perm=MAKE_CLAIMS, query="program=training", fuzz_forms=True),
    Route("programs:claim_new", "POST", perm=MAKE_CLAIMS, query="program=training", data={"year": "x"}, ok=(422,)),
    Route("programs:claim_detail", perm=VIEW_PROGRAMS, target="programs_claim", fuzz_forms=True),
    Route("programs:notice_list", perm=VIEW_PROGRAMS, fuzz_query=("page",)),
    Route("programs:notice_detail", perm=VIEW_PROGRAMS, target="programs_notice"),
    Route("programs:notice_export", perm=VIEW_PROGRAMS, target="programs_notice"),
    Route("programs:batch_list", perm=VIEW_PAYMENTS, fuzz_query=("page",)),
    Route("programs:batch_detail", perm=VIEW_PAYMENTS, target="programs_batch"),
    Route("programs:batch_file", perm=APPROVE_CLAIMS, target="programs_batch"),
    Route("programs:batch_return", "POST", perm=APPROVE_CLAIMS, target="programs_batch", data={}, ok=(422,)),
    Route("programs:fund_list", perm=VIEW_PROGRAMS, fuzz_query=("year",)),
    Route("programs:run_detail", perm=VIEW_PROGRAMS, target="programs_run"),
    Route("programs:fund_allocate", "POST", perm=MANAGE_PROGRAMS, data={"source": "x"}, ok=(422,)),
    Route("programs:budget_set", "POST", perm=MANAGE_PROGRAMS, data={"program": "x"}, ok=(422,)),
    Route("programs:policy_list", perm=VIEW_PROGRAMS, fuzz_query=("year", "page")),
    Route("programs:policy_create", perm=EDIT_POLICIES, fuzz_forms=True),
    Route("programs:policy_create", "POST", perm=EDIT_POLICIES, data={"title": ""}, ok=(422,)),
    Route("programs:policy_edit", perm=EDIT_POLICIES, target="programs_policy"),
    Route("programs:post_list", perm=VIEW_PROGRAMS, fuzz_query=("page",)),
    Route("programs:post_create", perm=MAKE_CLAIMS, fuzz_forms=True),
    Route("programs:post_create", "POST", perm=MAKE_CLAIMS, data={"name": ""}, ok=(422,)),
    Route("programs:post_detail", perm=VIEW_PROGRAMS, target="programs_post", fuzz_forms=True),
    Route("programs:post_edit", perm=MAKE_CLAIMS, target="programs_post"),
    Route("programs:post_place", "POST", perm=MAKE_CLAIMS, target="programs_post", data={"id_number": "1"}, ok=(422,)),
    Route(
        "programs:placement_exit",
        "POST",
        perm=MAKE_CLAIMS,
        target="programs_placement",
        data={"reason": "x"},
        ok=(422,),
    ),
    Route("programs:difficulty_list", perm=VIEW_PROGRAMS, fuzz_query=("status", "overdue", "page")),
    Route("programs:difficulty_create", perm=MAKE_CLAIMS, fuzz_forms=True),
    Route("programs:difficulty_create", "POST", perm=MAKE_CLAIMS, data={"id_number": "1"}, ok=(422,)),
    Route("programs:difficulty_detail", perm=VIEW_PROGRAMS, target="programs_difficulty", fuzz_forms=True),
    Route(
        "programs:difficulty_decide",
        "POST",
        perm=REVIEW_CLAIMS,
        target="programs_difficulty",
        data={"certify": "no", "day": "2026-01-01"},
        ok=(422,),
    ),
    Route(
        "programs:difficulty_step",
        "POST",
        perm=MAKE_CLAIMS,
        target="programs_difficulty_exit",
        data={"day": "2026-01-01", "reason": "x"},
        ok=(422,),
    ),
    Route("programs:loan_list", perm=VIEW_PROGRAMS, fuzz_query=("page",)),
    Route("programs:loan_create", perm=MAKE_CLAIMS, fuzz_forms=True),
    Route("programs:loan_create", "POST", perm=MAKE_CLAIMS, data={"kind": "x"}, ok=(422,)),
    Route("programs:loan_detail", perm=VIEW_PROGRAMS, target="programs_loan", fuzz_forms=True),
    Route("programs:loan_review", "POST", perm=REVIEW_CLAIMS, target="programs_loan", data={"approve": "x"}, ok=(422,)),
    Route("programs:loan_step", "POST", perm=MAKE_CLAIMS, target="programs_loan_repay", data={"day": "x"}, ok=(422,)),
    Route("programs:insurance_list", perm=VIEW_PROGRAMS, fuzz_query=("year", "page")),
    Route("programs:benefit_list", perm=VIEW_PROGRAMS, fuzz_query=("year", "page")),
    Route("api-1.0.0:claim_list", perm=VIEW_PROGRAMS, api=True),
    Route("api-1.0.0:loan_list", perm=VIEW_PROGRAMS, api=True),
    Route("api-1.0.0:loan_detail", perm=VIEW_PROGRAMS, api=True, target="programs_loan"),
    Route(
        "api-1.0.0:loan_create",
        "POST",
        perm=MAKE_CLAIMS,
        api=True,
        data={"kind": "individual", "id_number": "1", "business": "x", "amount": 100, "term_months": 12},
        ok=(422,),
    ),
    Route("api-1.0.0:post_list", perm=VIEW_PROGRAMS, api=True),
    Route("api-1.0.0:difficulty_list", perm=VIEW_PROGRAMS, api=True),
    Route("api-1.0.0:claim_detail", perm=VIEW_PROGRAMS, api=True, target="programs_claim"),
    Route(
        "api-1.0.0:claim_create",
        "POST",
        perm=MAKE_CLAIMS,
        api=True,
        data={"program": "training", "year": 2026, "id_number": "1", "stated": {}},
        ok=(422,),
    ),
]
