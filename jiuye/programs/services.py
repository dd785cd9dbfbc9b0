"""Claims on programs, from the application or the 免申即享 run to the payment: every step is a
small audited service. The rule decides eligibility and amount from the facts; people decide
the rest (maker–checker): a county officer other than the maker reviews, the city approves (not
the maker, not the reviewer), the notice runs its working days, and only then is it paid."""

from __future__ import annotations

import secrets
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core import money
from jiuye.core.approval import clean_note
from jiuye.core.audit import audit_record
from jiuye.core.db import retrying_atomic
from jiuye.core.masking import mask_id_number
from jiuye.core.permissions import has_perm
from jiuye.core.scoping import code_level, code_prefix, read_prefix, require_writable
from jiuye.programs import actions, facts, parameters, rules
from jiuye.programs.choices import ClaimSource, ClaimStatus, Stage
from jiuye.programs.models import Claim, Notice, Run
from jiuye.programs.permissions import APPROVE_CLAIMS, MAKE_CLAIMS, REVIEW_CLAIMS
from jiuye.programs.rules.base import Decision, FactKind, Payee, Period, Program

NOTICE_WORKING_DAYS = getattr(settings, "JIUYE_NOTICE_WORKING_DAYS", 5)


def program_or_error(code: str) -> Program:
    program = rules.get(code)
    if program is None:
        raise ValidationError({"program": _("没有这个政策项目。")})
    return program


def period_key(program: Program, year: int, month: int | None, stated: Mapping[str, Any]) -> str:
    """What "the same period" means for the program: the year, the month, once ever, or the
    event the facts name (the occupation and level of a certificate, a loan's interest period)."""
    if program.period == Period.YEAR:
        return str(year)
    if program.period == Period.MONTH:
        if month is None or not 1 <= month <= 12:
            raise ValidationError({"month": _("请填写享受月份。")})
        return f"{year}-{month:02d}"
    if program.period == Period.ONCE:
        return "once"
    return "|".join(" ".join(str(stated.get(k, "")).split()) for k in program.event_fields)


def period_label(claim: Claim) -> str:
    if claim.period == "once":
        return _("%(y)s年（一次性）") % {"y": claim.year}
    if claim.period.isdigit():
        return _("%(y)s年度") % {"y": claim.period}
    return claim.period.replace("|", " ")


def _amount_check(amount: int) -> None:
    if type(amount) is not int or not 0 < amount <= money.MAX_FEN:
        raise ValidationError(_("金额应为正的整数分。"))


def _live(program: str, period: str, keys: Sequence[str]) -> dict[str, Claim]:
    found = {}
    for start in range(0, len(keys), 5000):
        for claim in Claim.objects.filter(
            program=program, period=period, subject_key__in=keys[start : start + 5000]
        ).exclude(status=ClaimStatus.REJECTED):
            found[claim.subject_key] = claim
    return found


# --- 免申即享 ---------------------------------------------------------------------------------


def proactive_run(
    *, actor: Any, program: Program, year: int, region_code: str, month: int | None = None, today: date | None = None
) -> Run:
    """Find every beneficiary of a held-facts program in a region for a year from the data held,
    decide each by the rule with the parameters in force for its region, and propose a claim for
    each one eligible that has no live claim for the period. Nothing is paid: the proposals go to
    county review like applications."""
    if not has_perm(actor, MAKE_CLAIMS):
        raise PermissionDenied
    gather = facts.GATHER.get(program.code)
    if not program.held or gather is None:
        raise ValidationError({"program": _("该项目需由申请人申报，不能免申即享。")})
    if code_level(region_code) is None:
        raise ValidationError({"region": _("请选择核查范围。")})
    require_writable(actor, region_code)
    today = today or timezone.localdate()
    if not 2000 <= year <= today.year:
        raise ValidationError({"year": _("年度应在 2000 年至今年之间。")})
    period = period_key(program, year, month, {})
    as_of = min(date(year, 12, 31), today)
    if program.period == Period.MONTH and date(year, month or 1, 1) > today:
        raise ValidationError({"month": _("不能核查未来的月份。")})
    started = time.monotonic()
    candidates = gather(year=year, prefix=code_prefix(region_code), as_of=as_of, month=month)
    resolver = parameters.Resolver(program, as_of)
    live = _live(program.code, period, [c.subject_key for c in candidates])
    refused: Counter[str] = Counter()
    new: list[tuple[Any, Decision, dict[str, Any]]] = []
    seen: set[str] = set()
    for c in candidates:
        if c.subject_key in live or c.subject_key in seen:
            continue
        params = resolver.values(c.region_code)
        decision = program.evaluate(c.facts, params)
        if decision.eligible:
            seen.add(c.subject_key)
            new.append((c, decision, params))
        else:
            refused.update(decision.failed)
    with transaction.atomic():
        run = Run.objects.create(
            program=program.code,
            period=period,
            region_code=region_code,
            checked=len(candidates),
            proposed=len(new),
            already=len(live),
            refused=dict(refused.most_common()),
            amount=sum(d.amount for _c, d, _p in new),
            run_by=actor,
        )
        claims = [
            Claim(
                number=f"M{run.pk:06d}{i:06d}",
                program=program.code,
                period=period,
                year=year,
                subject_key=c.subject_key,
                person_id=c.person_id,
                payee_kind=c.payee_kind,
                payee_code=c.payee_code,
                payee_name=c.payee_name[:200],
                payee_id_masked=c.payee_id_masked[:20],
                region_code=c.region_code,
                amount=d.amount,
                facts=c.facts,
                params=p,
                reasons=list(d.reasons),
                source=ClaimSource.PROACTIVE,
                run=run,
                bank_account=c.bank_account,
                bank_account_masked=mask_id_number(c.bank_account) if c.bank_account else "",
                status=ClaimStatus.SUBMITTED,
                created_by=actor,
            )
            for i, (c, d, p) in enumerate(new, start=1)
        ]
        try:
            with transaction.atomic():
                Claim.objects.bulk_create(claims, batch_size=2000)
        except IntegrityError as exc:
            raise ValidationError(_("另一次核查或申请同时提交了相同对象，请重新执行核查。")) from exc
        run.seconds = round(time.monotonic() - started)
        run.save(update_fields=["seconds"])
        audit_record(
            action=actions.PROACTIVE_RUN,
            actor=actor,
            obj=run,
            after={
                "program": program.code,
                "period": period,
                "checked": run.checked,
                "proposed": run.proposed,
                "already": run.already,
                "amount": run.amount,
            },
        )
    return run


# --- applications -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Application:
    program: str
    year: int
    month: int | None = None
    id_number: str = ""  # the person's, for a person's program
    credit_code: str = ""  # the unit's, for a unit's program
    stated: Mapping[str, Any] = field(default_factory=dict)  # the program's fields, as typed
    bank_account: str = ""
    evidence: str = ""
    source: str = ClaimSource.APPLICATION


def parse_stated(program: Program, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The application's facts as the rule reads them; every field's problem reported by name."""
    errors: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    for f in program.fields:
        value = raw.get(f.key, "")
        text = " ".join(str(value if value is not None else "").split())
        if text == "":
            errors[f.key] = _("请填写%(label)s。") % {"label": f.label}
            continue
        try:
            if f.kind == FactKind.FEN:
                parsed[f.key] = value if type(value) is int else money.parse_yuan(text)
            elif f.kind == FactKind.BP:
                parsed[f.key] = parameters.parse_percent(text)
            elif f.kind == FactKind.COUNT:
                if not text.isdigit() or int(text) > parameters.MAX_COUNT:
                    raise ValidationError(_("应为不小于0的整数。"))
                parsed[f.key] = int(text)
            elif f.kind == FactKind.DATE:
                parsed[f.key] = date.fromisoformat(text).isoformat()
            elif f.kind == FactKind.CHOICE:
                if text not in {c for c, _label in f.choices}:
                    raise ValidationError(_("请从所列选项中选择。"))
                parsed[f.key] = text
            else:
                parsed[f.key] = text[:100]
        except money.MoneyError as exc:
            errors[f.key] = str(exc)
        except ValueError:
            errors[f.key] = _("日期格式应为 YYYY-MM-DD。")
        except ValidationError as exc:
            errors[f.key] = "；".join(exc.messages)
    if errors:
        raise ValidationError(errors)
    return parsed


def _months_used(program: Program, subject_key: str) -> int:
    """Months a person has already been subsidised under a program (live claims, any period)."""
    return sum(
        int(c.facts.get("months", 0))
        for c in Claim.objects.filter(program=program.code, subject_key=subject_key).exclude(
            status=ClaimStatus.REJECTED
        )
    )


def person_for(actor: Any, id_number: str) -> Any:
    """The registry person of an ID number in the actor's write scope (refused with the reason)."""
    from jiuye.registry.selectors import person_writable_by_id

    return person_writable_by_id(user=actor, id_number=id_number)


def _employer_for(actor: Any, credit_code: str) -> Any:
    from jiuye.employers.models import Employer

    employer = Employer.objects.editable_by(actor).filter(credit_code=credit_code.strip().upper()).first()
    if employer is None:
        raise ValidationError({"credit_code": _("用工主体名录中没有您辖区内的这个单位。")})
    return employer


@retrying_atomic
def apply(*, actor: Any, data: Application, today: date | None = None) -> Claim:
    """An application at the window, by import or through the API. For a held-facts program the
    facts are the ones held (what the applicant says is not what decides); otherwise the stated
    facts, with the registry's key groups added for a person. Refused with the rule's reasons."""
    if not has_perm(actor, MAKE_CLAIMS):
        raise PermissionDenied
    program = program_or_error(data.program)
    if not program.applicable:
        raise ValidationError({"program": _("该项目按年度核查发放（在项目页执行核查），无需申请。")})
    today = today or timezone.localdate()
    if not 2000 <= data.year <= today.year:
        raise ValidationError({"year": _("年度应在 2000 年至今年之间。")})
    person = None
    if program.held:
        subject = data.credit_code.strip().upper() if program.code == "refund" else ""
        if program.code != "refund":
            person = person_for(actor, data.id_number)
            subject = str(person.pk)
        found = facts.GATHER[program.code](
            year=data.year, prefix=code_prefix(actor.region_id), as_of=today, subject=subject, month=data.month
        )
        if not found:
            raise ValidationError(
                _("没有找到该对象 %(y)s 年的相关数据（失业保险缴费、就业或创业记录），无法认定。") % {"y": data.year}
            )
        candidate = found[0]
        require_writable(actor, candidate.region_code)
        stated: dict[str, Any] = candidate.facts
        period = period_key(program, data.year, data.month, {})
    else:
        stated = parse_stated(program, data.stated)
        stated["applied_on"] = today.isoformat()
        if program.payee == Payee.PERSON:
            person = person_for(actor, data.id_number)
            stated["groups"] = facts.groups_of([person.pk]).get(person.pk, [])
            subject_key = facts.person_key(person.pk)
            candidate = facts.Candidate(
                subject_key=subject_key,
                payee_kind=Payee.PERSON,
                payee_code=subject_key,
                payee_name=person.name,
                payee_id_masked=person.id_masked,
                region_code=person.region_id,
                person_id=person.pk,
                facts=stated,
            )
        else:
            employer = _employer_for(actor, data.credit_code)
            candidate = facts.Candidate(
                subject_key=facts.employer_key(employer.credit_code),
                payee_kind=Payee.EMPLOYER,
                payee_code=employer.credit_code,
                payee_name=employer.name,
                payee_id_masked=employer.credit_code,
                region_code=employer.region_id,
                facts=stated,
            )
        if "months" in stated and program.code == "social_insurance":
            stated["months_used"] = _months_used(program, candidate.subject_key)
        period = period_key(program, data.year, data.month, stated)
    existing = _live(program.code, period, [candidate.subject_key]).get(candidate.subject_key)
    if existing is not None:
        raise ValidationError(
            _("该对象已有同一项目、同一期间的申请（编号 %(n)s，%(s)s），不能重复享受。")
            % {"n": existing.number, "s": existing.get_status_display()}
        )
    params = parameters.in_force(program, candidate.region_code, today)
    decision = program.evaluate(stated, params)
    if not decision.eligible:
        raise ValidationError([_("不符合享受条件：")] + [line for line in decision.reasons if line.startswith("✗")])
    account = " ".join(data.bank_account.split()).replace(" ", "") or candidate.bank_account
    if account and not account.isdigit():
        raise ValidationError({"bank_account": _("银行账号应为数字。")})
    claim = Claim(
        number="S" + timezone.now().strftime("%y%m%d") + secrets.token_hex(4).upper(),
        program=program.code,
        period=period,
        year=data.year,
        subject_key=candidate.subject_key,
        person_id=candidate.person_id,
        payee_kind=candidate.payee_kind,
        payee_code=candidate.payee_code,
        payee_name=candidate.payee_name,
        payee_id_masked=candidate.payee_id_masked,
        region_code=candidate.region_code,
        amount=decision.amount,
        facts=stated,
        params=params,
        reasons=list(decision.reasons),
        source=data.source,
        evidence=data.evidence[:2000],
        bank_account=account,
        bank_account_masked=mask_id_number(account) if account else "",
        status=ClaimStatus.SUBMITTED,
        created_by=actor,
    )
    _amount_check(claim.amount)
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError as exc:
        raise ValidationError(_("该对象已有同一项目、同一期间的申请，不能重复享受。")) from exc
    audit_record(
        action=actions.CLAIM_CREATE,
        actor=actor,
        obj=claim,
        after={"program": program.code, "period": period, "amount": claim.amount, "source": data.source},
    )
    return claim


# --- review, approval, rejection ----------------------------------------------------------------


def _in_read_scope(actor: Any, claim: Claim) -> bool:
    prefix = read_prefix(actor)
    return prefix is not None and claim.region_code.startswith(prefix)


def can_review(actor: Any, claim: Claim) -> bool:
    return (
        claim.status == ClaimStatus.SUBMITTED
        and has_perm(actor, REVIEW_CLAIMS)
        and _in_read_scope(actor, claim)
        and claim.created_by_id != actor.pk
    )


def can_approve(actor: Any, claim: Claim) -> bool:
    return (
        claim.status == ClaimStatus.REVIEWED
        and has_perm(actor, APPROVE_CLAIMS)
        and _in_read_scope(actor, claim)
        and actor.pk not in (claim.created_by_id, claim.reviewed_by_id)
    )


def can_reject(actor: Any, claim: Claim) -> bool:
    if claim.status == ClaimStatus.SUBMITTED:
        return can_review(actor, claim)
    if claim.status in (ClaimStatus.REVIEWED, ClaimStatus.APPROVED, ClaimStatus.NOTICED):
        return (
            has_perm(actor, APPROVE_CLAIMS)
            and _in_read_scope(actor, claim)
            and actor.pk not in (claim.created_by_id, claim.reviewed_by_id)
        )
    return False


@dataclass
class Decided:
    done: list[Claim] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (number, why)


def _locked(actor: Any, ids: Sequence[int]) -> list[Claim]:
    """The claims, locked, that the actor may see; one outside the scope is as if absent (404)."""
    claims = list(Claim.objects.visible_to(actor).select_for_update().filter(pk__in=list(ids)).order_by("pk"))
    if len(claims) != len(set(ids)):
        raise Http404
    return claims


def _why_not(actor: Any, claim: Claim, step: str) -> str:
    if (step == "review" and claim.status != ClaimStatus.SUBMITTED) or (
        step == "approve" and claim.status != ClaimStatus.REVIEWED
    ):
        return _("当前状态为“%(s)s”，不能办理此步骤。") % {"s": claim.get_status_display()}
    if claim.created_by_id == actor.pk:
        return _("不能审核或审批自己受理的申请。")
    if claim.reviewed_by_id == actor.pk:
        return _("县级审核人不能再作市级审批。")
    return _("您没有办理此步骤的权限。")


@retrying_atomic
def review(*, actor: Any, ids: Sequence[int], note: str = "") -> Decided:
    """County review passed for each claim the actor may review; the others are told why."""
    return _step(actor, ids, "review", note)


@retrying_atomic
def approve(*, actor: Any, ids: Sequence[int], note: str = "") -> Decided:
    """City approval for each reviewed claim; the others are told why."""
    return _step(actor, ids, "approve", note)


def _step(actor: Any, ids: Sequence[int], step: str, note: str) -> Decided:
    if not has_perm(actor, REVIEW_CLAIMS if step == "review" else APPROVE_CLAIMS):
        raise PermissionDenied
    result = Decided()
    now = timezone.now()
    for claim in _locked(actor, ids):
        allowed = can_review(actor, claim) if step == "review" else can_approve(actor, claim)
        if not allowed:
            result.refused.append((claim.number, _why_not(actor, claim, step)))
            continue
        if step == "review":
            claim.status, claim.reviewed_by, claim.reviewed_at = ClaimStatus.REVIEWED, actor, now
            fields_ = ["status", "reviewed_by", "reviewed_at"]
        else:
            claim.status, claim.approved_by, claim.approved_at = ClaimStatus.APPROVED, actor, now
            fields_ = ["status", "approved_by", "approved_at"]
        claim.save(update_fields=fields_)
        audit_record(
            action=actions.CLAIM_REVIEW if step == "review" else actions.CLAIM_APPROVE,
            actor=actor,
            obj=claim,
            after={"amount": claim.amount, "note": clean_note(note)},
        )
        result.done.append(claim)
    return result


@retrying_atomic
def reject(*, actor: Any, claim_id: int, reason: str) -> Claim:
    """Rejection with a reason, at review, approval or during the notice (an objection upheld)."""
    reason = clean_note(reason)
    if not reason:
        raise ValidationError({"reason": _("驳回时请写明理由。")})
    (claim,) = _locked(actor, [claim_id])
    if not can_reject(actor, claim):
        if claim.status in (ClaimStatus.PAYING, ClaimStatus.REJECTED):
            raise ValidationError(_("当前状态为“%(s)s”，不能驳回。") % {"s": claim.get_status_display()})
        raise PermissionDenied
    stage = {
        ClaimStatus.SUBMITTED: Stage.REVIEW,
        ClaimStatus.REVIEWED: Stage.APPROVAL,
        ClaimStatus.APPROVED: Stage.APPROVAL,
        ClaimStatus.NOTICED: Stage.NOTICE,
    }[ClaimStatus(claim.status)]
    before = claim.status
    claim.status = ClaimStatus.REJECTED
    claim.rejected_by, claim.rejected_at = actor, timezone.now()
    claim.rejected_stage, claim.rejection_reason = stage, reason
    claim.save(update_fields=["status", "rejected_by", "rejected_at", "rejected_stage", "rejection_reason"])
    audit_record(
        action=actions.CLAIM_REJECT,
        actor=actor,
        obj=claim,
        before={"status": before},
        after={"stage": stage, "reason": reason},
    )
    return claim


@retrying_atomic
def set_account(*, actor: Any, claim_id: int, bank_account: str) -> Claim:
    """The payee's bank account confirmed (a 免申即享 employer confirms its account; a person
    gives the account of the social-security card). Not once the claim is in a payment batch."""
    account = "".join(bank_account.split())
    if not account.isdigit() or not 8 <= len(account) <= 30:
        raise ValidationError({"bank_account": _("银行账号应为 8 到 30 位数字。")})
    claim = (
        Claim.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("payment")
        .filter(pk=claim_id)
        .first()
    )
    if claim is None:
        raise Http404
    require_writable(actor, claim.region_code)
    failed = claim.payment is not None and claim.payment.status == "failed"
    if claim.status == ClaimStatus.REJECTED or (claim.status == ClaimStatus.PAYING and not failed):
        raise ValidationError(_("当前状态为“%(s)s”，不能修改收款账户。") % {"s": claim.get_status_display()})
    before = claim.bank_account_masked
    claim.bank_account, claim.bank_account_masked = account, mask_id_number(account)
    claim.save(update_fields=["bank_account", "bank_account_masked"])
    audit_record(
        action=actions.CLAIM_ACCOUNT,
        actor=actor,
        obj=claim,
        before={"account": before},
        after={"account": claim.bank_account_masked},
    )
    return claim


# --- public notice ------------------------------------------------------------------------------


def add_working_days(start: date, days: int) -> date:
    """The last day of a notice of ``days`` working days from ``start`` (weekends skipped; the
    statutory holidays are not known here: the officer picks a later end when they fall in)."""
    day, left = start, days
    while True:
        if day.weekday() < 5:
            left -= 1
            if left == 0:
                return day
        day += timedelta(days=1)


@retrying_atomic
def publish(*, actor: Any, ids: Sequence[int], title: str, starts_on: date, region_code: str) -> Notice:
    """Put approved claims on public notice for the set number of working days."""
    if not has_perm(actor, APPROVE_CLAIMS):
        raise PermissionDenied
    if not title.strip():
        raise ValidationError({"title": _("请填写公示标题。")})
    claims = _locked(actor, ids)
    if not claims:
        raise ValidationError(_("请选择要公示的申请。"))
    wrong = [c.number for c in claims if c.status != ClaimStatus.APPROVED]
    if wrong:
        raise ValidationError(_("只能公示已审批的申请：%(n)s 不是。") % {"n": "、".join(wrong[:10])})
    if code_level(region_code) is None or not all(c.region_code.startswith(code_prefix(region_code)) for c in claims):
        raise ValidationError({"region_code": _("公示区划应包含所选申请的区划。")})
    notice = Notice.objects.create(
        number="GS" + timezone.now().strftime("%Y%m%d") + secrets.token_hex(3).upper(),
        title=title.strip()[:200],
        region_code=region_code,
        starts_on=starts_on,
        ends_on=add_working_days(starts_on, NOTICE_WORKING_DAYS),
        created_by=actor,
    )
    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(status=ClaimStatus.NOTICED, notice=notice)
    audit_record(
        action=actions.NOTICE_PUBLISH,
        actor=actor,
        obj=notice,
        after={"claims": len(claims), "total": sum(c.amount for c in claims), "ends_on": notice.ends_on.isoformat()},
    )
    return notice


NOTICE_HEADER = ("序号", "姓名（单位名称）", "身份证号码（统一社会信用代码）", "享受项目", "金额（元）", "享受期间")


def notice_rows(notice: Notice) -> list[tuple[Any, ...]]:
    """The notice's rows: name, masked ID (a unit's code is public), item, amount, period. Nothing
    else: no phone, no address, no full ID number."""
    rows = []
    claims = notice.claims.exclude(status=ClaimStatus.REJECTED).order_by("program", "region_code", "number")
    for i, claim in enumerate(claims, start=1):
        program = rules.get(claim.program)
        rows.append(
            (
                i,
                claim.payee_name,
                claim.payee_id_masked,
                str(program.name) if program else claim.program,
                money.format_yuan(claim.amount),
                period_label(claim),
            )
        )
    return rows
