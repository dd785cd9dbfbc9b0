"""The programs module's pages: programs and their parameters, 免申即享 runs, claims through
review, approval, notice and payment, funds and budgets, policy documents, the insurance facts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuye.core import money
from jiuye.core.access import staff_view
from jiuye.core.audit import audit_record
from jiuye.core.forms import add_service_errors, form_step, initial_of, input_of, save_page
from jiuye.core.pagination import paginate
from jiuye.core.permissions import has_perm
from jiuye.core.scoping import can_write, code_from_typed, get_visible_or_404, read_prefix, require_writable
from jiuye.ledger import payments as ledger_payments
from jiuye.ledger.models import PaymentBatch
from jiuye.programs import actions, assistance, funds, loans, parameters, policies, posts, rules, selectors, services
from jiuye.programs.choices import ClaimSource, ClaimStatus, DifficultyCategory
from jiuye.programs.forms import (
    AccountForm,
    AllocateForm,
    AssistForm,
    BudgetForm,
    ClaimFilterForm,
    CompensateForm,
    DecideForm,
    DifficultyExitForm,
    DifficultyFilterForm,
    DifficultyForm,
    ExitForm,
    FollowUpForm,
    IssueForm,
    LoanForm,
    LoanReviewForm,
    ParamForm,
    PlaceForm,
    PolicyForm,
    PostForm,
    PublishForm,
    RejectForm,
    RepayForm,
    ReturnFileForm,
    RunForm,
    YearForm,
    application_form_class,
    stated_of,
)
from jiuye.programs.models import Parameter, PolicyDocument, Run
from jiuye.programs.permissions import (
    APPROVE_CLAIMS,
    EDIT_POLICIES,
    MAKE_CLAIMS,
    MANAGE_PROGRAMS,
    REVIEW_CLAIMS,
    VIEW_PAYMENTS,
    VIEW_PROGRAMS,
)
from jiuye.programs.rules import loans as rules_loans
from jiuye.programs.rules.base import FUND_LABELS, Program
from jiuye.regions import picker

PAGE_SIZE = 50
RETURN_FILE_LIMIT = 20 * 1024 * 1024


def _program(code: str) -> Program:
    program = rules.get(code)
    if program is None:
        raise Http404
    return program


def _year(request: HttpRequest) -> int:
    form = YearForm(request.GET or None)
    return (form.cleaned_data.get("year") if form.is_valid() else None) or timezone.localdate().year


@staff_view(VIEW_PROGRAMS)
def overview(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    year = _year(request)
    counts = selectors.status_counts(user=user)
    return render(
        request,
        "programs/overview.html",
        {
            "tab": "programs",
            "year": year,
            "year_form": YearForm(initial={"year": year}),
            "programs": [{"p": p, "fund": FUND_LABELS[p.fund]} for p in rules.all_programs()],
            "counts": [(code, label, counts.get(code, 0)) for code, label in ClaimStatus.choices],
            "budget": funds.budget_table(user=user, year=year),
        },
    )


def _param_rows(program: Program, user: Any) -> list[dict[str, Any]]:
    region = user.region_id or ""
    today = timezone.localdate()
    resolver = parameters.Resolver(program, today)
    rows = []
    history = list(Parameter.objects.filter(program=program.code).select_related("set_by"))
    prefix = read_prefix(user) or "-"
    for spec in program.params:
        value = resolver.values(region)[spec.key] if region else spec.default
        rows.append(
            {
                "spec": spec,
                "shown": parameters.shown(spec, value),
                "default": parameters.shown(spec, spec.default),
                "history": [
                    (h, parameters.shown(spec, h.value))
                    for h in history
                    if h.key == spec.key
                    and (h.region_code.startswith(prefix) or prefix.startswith(h.region_code.rstrip("0")))
                ],
            }
        )
    return rows


@staff_view(VIEW_PROGRAMS)
def program_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _program_page(request, _program(code))


def _program_page(
    request: HttpRequest, program: Program, *, param_form: ParamForm | None = None, run_form: RunForm | None = None
) -> HttpResponse:
    user: Any = request.user
    status = 422 if param_form is not None or run_form is not None else 200
    context = {
        "tab": "programs",
        "program": program,
        "fund_label": FUND_LABELS[program.fund],
        "params": _param_rows(program, user),
        "can_manage": has_perm(user, MANAGE_PROGRAMS),
        "can_make": has_perm(user, MAKE_CLAIMS),
        "param_form": param_form
        or picker.bind(
            ParamForm(program, initial={"effective_from": timezone.localdate(), "region": user.region_id}), user
        ),
        # A yearly program is usually checked for the year just ended (its facts are last year's).
        "run_form": run_form
        or picker.bind(
            RunForm(
                initial={
                    "region": user.region_id,
                    "year": timezone.localdate().year - (program.period == "year"),
                    "month": timezone.localdate().month,
                },
                monthly=program.period == "month",
            ),
            user,
        ),
        "runs": selectors.runs(user=user, program=program.code),
    }
    return render(request, "programs/program_detail.html", context, status=status)


@require_POST
@staff_view(MANAGE_PROGRAMS)
def param_set(request: HttpRequest, code: str) -> HttpResponse:
    program = _program(code)
    return form_step(
        request,
        picker.bind(ParamForm(program, request.POST), request.user),
        lambda data: parameters.set_value(
            actor=request.user,
            program=program,
            key=data["key"],
            region_code=code_from_typed(data["region"]) or "",
            effective_from=data["effective_from"],
            raw=data["value"],
            reason=data["reason"],
        ),
        message=_("参数已调整，自生效日期起适用。"),
        then=lambda _saved: reverse("programs:program_detail", args=[program.code]),
        refused=lambda form: _program_page(request, program, param_form=form),
    )


@require_POST
@staff_view(MAKE_CLAIMS)
def run(request: HttpRequest, code: str) -> HttpResponse:
    program = _program(code)
    return form_step(
        request,
        picker.bind(RunForm(request.POST, monthly=program.period == "month"), request.user),
        lambda data: services.proactive_run(
            actor=request.user,
            program=program,
            year=data["year"],
            month=data.get("month"),
            region_code=code_from_typed(data["region"]) or "",
        ),
        message=lambda r: (
            _("核查 %(checked)d 个对象，拟享受 %(proposed)d 个，金额 %(amount)s 元；已有申请 %(already)d 个。")
            % {
                "checked": r.checked,
                "proposed": r.proposed,
                "amount": money.format_yuan(r.amount),
                "already": r.already,
            }
        ),
        then=lambda r: reverse("programs:run_detail", args=[r.pk]),
        refused=lambda form: _program_page(request, program, run_form=form),
    )


@staff_view(VIEW_PROGRAMS)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(Run.objects.all(), request.user, pk=pk)  # type: ignore[arg-type]
    return render(
        request,
        "programs/run_detail.html",
        {
            "tab": "programs",
            "run": item,
            "program": rules.get(item.program),
            "claims": item.claims.order_by("number")[:50],
        },
    )


# --- claims -------------------------------------------------------------------------------------


@staff_view(VIEW_PROGRAMS)
def claim_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = picker.bind(ClaimFilterForm(request.GET or None), user)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    region = code_from_typed(data.get("region") or "") or ""
    rows = selectors.claim_list(
        user=user,
        program=data.get("program", ""),
        status=data.get("status", ""),
        region=region.rstrip("0") if region else "",
        q=data.get("q", ""),
        year=data.get("year"),
    )
    page = paginate(rows, PAGE_SIZE, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    status = data.get("status", "")
    return render(
        request,
        "programs/claim_list.html",
        {
            "tab": "claims",
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "names": {p.code: p.name for p in rules.all_programs()},
            "can_make": has_perm(user, MAKE_CLAIMS),
            "can_review": has_perm(user, REVIEW_CLAIMS) and status == ClaimStatus.SUBMITTED,
            "can_approve": has_perm(user, APPROVE_CLAIMS) and status == ClaimStatus.REVIEWED,
            "can_publish": has_perm(user, APPROVE_CLAIMS) and status == ClaimStatus.APPROVED,
            "can_pay": has_perm(user, APPROVE_CLAIMS) and status in (ClaimStatus.NOTICED, "failed"),
            "publish_form": picker.bind(
                PublishForm(initial={"starts_on": timezone.localdate(), "region": user.region_id}), user
            ),
            "status": status,
        },
    )


def _ids(request: HttpRequest) -> list[int]:
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    if not ids:
        raise ValidationError(_("请先勾选申请。"))
    return ids[:2000]


@require_POST
@staff_view(VIEW_PROGRAMS)
def claim_bulk(request: HttpRequest) -> HttpResponse:
    """The list's bulk steps: county review, city approval, public notice, payment."""
    action = request.POST.get("action", "")
    back = request.POST.get("back", "")
    back = back if back.startswith("/") and not back.startswith("//") else reverse("programs:claim_list")
    try:
        ids = _ids(request)
        if action in ("review", "approve"):
            step = services.review if action == "review" else services.approve
            if not has_perm(request.user, REVIEW_CLAIMS if action == "review" else APPROVE_CLAIMS):  # type: ignore[arg-type]
                raise Http404
            result = step(actor=request.user, ids=ids)
            messages.success(request, _("已办理 %(n)d 件。") % {"n": len(result.done)})
            for number, why in result.refused[:20]:
                messages.warning(request, f"{number}：{why}")
        elif action == "publish":
            if not has_perm(request.user, APPROVE_CLAIMS):  # type: ignore[arg-type]
                raise Http404
            form = picker.bind(PublishForm(request.POST), request.user)
            if not form.is_valid():
                raise ValidationError(
                    [f"{form.fields[k].label}：{'；'.join(str(e) for e in v)}" for k, v in form.errors.items()]
                )
            notice = services.publish(
                actor=request.user,
                ids=ids,
                title=form.cleaned_data["title"],
                starts_on=form.cleaned_data["starts_on"],
                region_code=code_from_typed(form.cleaned_data["region"]) or "",
            )
            messages.success(request, _("已发布公示，截止 %(d)s。") % {"d": notice.ends_on.isoformat()})
            return redirect("programs:notice_detail", pk=notice.pk)
        elif action == "pay":
            if not has_perm(request.user, APPROVE_CLAIMS):  # type: ignore[arg-type]
                raise Http404
            paid = funds.pay(actor=request.user, ids=ids)
            for batch in paid.batches:
                messages.success(request, _("已生成支付批次 %(r)s。") % {"r": batch.reference})
            for number, why in paid.skipped[:20]:
                messages.warning(request, f"{number}：{why}")
            if len(paid.batches) == 1:
                return redirect("programs:batch_detail", pk=paid.batches[0].pk)
        else:
            raise ValidationError(_("请选择要办理的操作。"))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(back)


@staff_view(VIEW_PROGRAMS)
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_page(request, selectors.claim_get(user=request.user, pk=pk))


def _claim_page(
    request: HttpRequest, claim: Any, *, reject_form: RejectForm | None = None, account_form: AccountForm | None = None
) -> HttpResponse:
    user: Any = request.user
    program = rules.get(claim.program)
    params = []
    if program:
        for spec in program.params:
            if spec.key in claim.params:
                params.append((spec.label, parameters.shown(spec, claim.params[spec.key])))
    return render(
        request,
        "programs/claim_detail.html",
        {
            "tab": "claims",
            "claim": claim,
            "program": program,
            "period": services.period_label(claim),
            "params": params,
            "can_review": services.can_review(user, claim),
            "can_approve": services.can_approve(user, claim),
            "can_reject": services.can_reject(user, claim),
            "can_account": has_perm(user, MAKE_CLAIMS)
            and (claim.status not in (ClaimStatus.PAYING, ClaimStatus.REJECTED) or funds.payable(claim))
            and claim.region_code.startswith(read_prefix(user) or "-"),
            "reject_form": reject_form or RejectForm(),
            "account_form": account_form or AccountForm(),
        },
        status=422 if reject_form or account_form else 200,
    )


@require_POST
@staff_view(VIEW_PROGRAMS)
def claim_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    claim = selectors.claim_get(user=request.user, pk=pk)
    if step in ("review", "approve"):
        if not has_perm(request.user, REVIEW_CLAIMS if step == "review" else APPROVE_CLAIMS):  # type: ignore[arg-type]
            raise Http404
        result = (services.review if step == "review" else services.approve)(actor=request.user, ids=[claim.pk])
        for _number, why in result.refused:
            messages.error(request, why)
        if result.done:
            messages.success(request, _("已审核通过。") if step == "review" else _("已审批通过。"))
        return redirect("programs:claim_detail", pk=claim.pk)
    back = reverse("programs:claim_detail", args=[claim.pk])
    if step == "reject":
        return form_step(
            request,
            RejectForm(request.POST),
            lambda data: services.reject(actor=request.user, claim_id=claim.pk, reason=data["reason"]),
            message=_("已驳回。"),
            then=lambda _saved: back,
            refused=lambda form: _claim_page(request, claim, reject_form=form),
        )
    if step == "account":
        if not has_perm(request.user, MAKE_CLAIMS):  # type: ignore[arg-type]
            raise Http404
        return form_step(
            request,
            AccountForm(request.POST),
            lambda data: services.set_account(actor=request.user, claim_id=claim.pk, bank_account=data["bank_account"]),
            message=_("收款账户已确认。"),
            then=lambda _saved: back,
            refused=lambda form: _claim_page(request, claim, account_form=form),
        )
    raise Http404


@staff_view(MAKE_CLAIMS)
def claim_new(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("program") or request.POST.get("program") or ""
    program = rules.get(code)
    if program is None or not program.applicable:
        choices = [p for p in rules.all_programs() if p.applicable]
        return render(request, "programs/claim_pick.html", {"tab": "claims", "programs": choices})
    form_class = application_form_class(program)
    return save_page(
        request,
        form_class(request.POST or None),
        lambda data: services.apply(
            actor=request.user,
            data=services.Application(
                program=program.code,
                year=data["year"],
                month=data.get("month"),
                id_number=data.get("id_number", ""),
                credit_code=data.get("credit_code", ""),
                stated=stated_of(program, data),
                bank_account=data.get("bank_account", ""),
                evidence=data.get("evidence", ""),
                source=ClaimSource.APPLICATION,
            ),
        ),
        message=_("申请已受理，待县级审核。"),
        then=lambda saved: reverse("programs:claim_detail", args=[saved.pk]),
        template="programs/claim_form.html",
        context={"tab": "claims", "program": program},
    )


# --- notices ------------------------------------------------------------------------------------


@staff_view(VIEW_PROGRAMS)
def notice_list(request: HttpRequest) -> HttpResponse:
    page = paginate(selectors.notices(user=request.user), PAGE_SIZE, request.GET.get("page"))
    return render(
        request,
        "programs/notice_list.html",
        {"tab": "notices", "page": page, "query": "", "today": timezone.localdate()},
    )


@staff_view(VIEW_PROGRAMS)
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(user=request.user, pk=pk)
    return render(
        request,
        "programs/notice_detail.html",
        {
            "tab": "notices",
            "notice": notice,
            "header": services.NOTICE_HEADER,
            "rows": services.notice_rows(notice),
            "today": timezone.localdate(),
            "can_pay": has_perm(request.user, APPROVE_CLAIMS),  # type: ignore[arg-type]
            "payable": list(notice.claims.filter(status=ClaimStatus.NOTICED).values_list("pk", flat=True)),
        },
    )


@staff_view(VIEW_PROGRAMS)
def notice_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The notice as a workbook to publish: name, masked ID, item, amount, period (no phone)."""
    import io

    from jiuye.core.tabular import listing_workbook, safe_cell

    notice = selectors.notice_get(user=request.user, pk=pk)
    rows = services.notice_rows(notice)
    buffer = io.BytesIO()
    book, sheet = listing_workbook(
        buffer,
        user=request.user,
        title=_("公示名单"),
        columns=services.NOTICE_HEADER,
        widths=(6, 28, 24, 22, 14, 18),
        personal_data=False,
    )
    # The workbook streams rows in order (rows 0 and 1 are written): the notice's title and period
    # head every printed page and close the list.
    period = _("公示期 %(a)s 至 %(b)s") % {"a": f"{notice.starts_on:%Y-%m-%d}", "b": f"{notice.ends_on:%Y-%m-%d}"}
    title = notice.title.replace("&", "&&")  # a literal & in an Excel header is written twice
    sheet.set_header(f"&C&14{title}\n&10{period}")
    for r, row in enumerate(rows, start=2):
        sheet.write_row(r, 0, [safe_cell(v) for v in row])
    sheet.write_string(len(rows) + 3, 0, safe_cell(f"{notice.title}（{period}）"))
    book.close()
    audit_record(action=actions.NOTICE_EXPORT, actor=request.user, obj=notice, after={"rows": len(rows)})
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=f"{notice.number}-公示名单.xlsx")


# --- payment batches ------------------------------------------------------------------------------


def _batch(request: HttpRequest, pk: int) -> PaymentBatch:
    batch = PaymentBatch.objects.visible_to(request.user).filter(pk=pk).select_related("fund").first()  # type: ignore[arg-type]
    if batch is None:
        raise Http404
    return batch


@staff_view(VIEW_PAYMENTS)
def batch_list(request: HttpRequest) -> HttpResponse:
    from django.db.models import Count, Sum

    rows = (
        PaymentBatch.objects.visible_to(request.user)  # type: ignore[arg-type]
        .select_related("fund")
        .annotate(n=Count("payments"), total=Sum("payments__amount"))
        .order_by("-created_at")
    )
    page = paginate(rows, PAGE_SIZE, request.GET.get("page"))
    return render(request, "programs/batch_list.html", {"tab": "payments", "page": page, "query": ""})


@staff_view(VIEW_PAYMENTS)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _batch_page(request, _batch(request, pk))


def _batch_page(
    request: HttpRequest, batch: PaymentBatch, *, result: Any = None, form: ReturnFileForm | None = None
) -> HttpResponse:
    """The batch's page; with the reconciliation of a return file, or a refused upload (422)."""
    return render(
        request,
        "programs/batch_detail.html",
        {
            "tab": "payments",
            "batch": batch,
            "payments": batch.payments.order_by("number").select_related("claim"),
            "can_pay": has_perm(request.user, APPROVE_CLAIMS),  # type: ignore[arg-type]
            "form": form or ReturnFileForm(),
            "result": result,
        },
        status=422 if form is not None and result is None else 200,
    )


@staff_view(APPROVE_CLAIMS)
def batch_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    import io

    batch = _batch(request, pk)
    content = ledger_payments.payment_file(actor=request.user, batch=batch)
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=f"{batch.reference}-支付文件.csv")


@require_POST
@staff_view(APPROVE_CLAIMS)
def batch_return(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    form = ReturnFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _batch_page(request, batch, form=form)
    upload = form.cleaned_data["file"]
    if upload.size > RETURN_FILE_LIMIT:
        form.add_error("file", _("文件过大（上限 20MB）。"))
        return _batch_page(request, batch, form=form)
    try:
        result = ledger_payments.reconcile(actor=request.user, batch=batch, content=upload.read())
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _batch_page(request, batch, form=form)
    return _batch_page(request, _batch(request, pk), result=result)


# --- funds and budgets ------------------------------------------------------------------------------


@staff_view(VIEW_PROGRAMS)
def fund_list(request: HttpRequest) -> HttpResponse:
    return _funds_page(request)


def _funds_page(
    request: HttpRequest, *, allocate_form: AllocateForm | None = None, budget_form: BudgetForm | None = None
) -> HttpResponse:
    user: Any = request.user
    year = _year(request)
    return render(
        request,
        "programs/funds.html",
        {
            "tab": "funds",
            "year": year,
            "year_form": YearForm(initial={"year": year}),
            "funds": funds.funds(user=user),
            "budget": funds.budget_table(user=user, year=year),
            "can_manage": has_perm(user, MANAGE_PROGRAMS),
            "allocate_form": allocate_form or picker.bind(AllocateForm(initial={"year": year}), user),
            "budget_form": budget_form or picker.bind(BudgetForm(initial={"year": year}), user),
        },
        status=422 if allocate_form or budget_form else 200,
    )


@require_POST
@staff_view(MANAGE_PROGRAMS)
def fund_allocate(request: HttpRequest) -> HttpResponse:
    return form_step(
        request,
        picker.bind(AllocateForm(request.POST), request.user),
        lambda d: funds.allocate(
            actor=request.user,
            source=d["source"],
            county=code_from_typed(d["county"]) or "",
            year=d["year"],
            amount=d["amount"],
            memo=d["memo"],
        ),
        message=_("资金已拨入。"),
        then=lambda _journal: reverse("programs:fund_list"),
        refused=lambda form: _funds_page(request, allocate_form=form),
    )


@require_POST
@staff_view(MANAGE_PROGRAMS)
def budget_set(request: HttpRequest) -> HttpResponse:
    return form_step(
        request,
        picker.bind(BudgetForm(request.POST), request.user),
        lambda d: funds.budget_set(
            actor=request.user,
            year=d["year"],
            county=code_from_typed(d["county"]) or "",
            program=d["program"],
            amount=d["amount"],
        ),
        message=_("预算已保存。"),
        then=lambda budget: reverse("programs:fund_list") + f"?year={budget.year}",
        refused=lambda form: _funds_page(request, budget_form=form),
    )


# --- policy documents and facts ------------------------------------------------------------------------


@staff_view(VIEW_PROGRAMS)
def policy_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = YearForm(request.GET or None)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    page = paginate(selectors.policies(user=user, year=year), PAGE_SIZE, request.GET.get("page"))
    return render(
        request,
        "programs/policy_list.html",
        {
            "tab": "policies",
            "form": form,
            "page": page,
            "query": f"year={year}" if year else "",
            "names": {p.code: p.name for p in rules.all_programs()},
            "can_edit": has_perm(user, EDIT_POLICIES),
        },
    )


@staff_view(EDIT_POLICIES)
def policy_create(request: HttpRequest) -> HttpResponse:
    return _policy_form(request, None)


@staff_view(EDIT_POLICIES)
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    doc = selectors.policy_get(user=request.user, pk=pk)
    require_writable(request.user, doc.region_code)
    return _policy_form(request, doc)


def _policy_form(request: HttpRequest, doc: PolicyDocument | None) -> HttpResponse:
    user: Any = request.user
    initial: dict[str, Any] = {"region": user.region_id}
    if doc is not None:
        initial = {
            f: getattr(doc, f)
            for f in ("title", "number", "issuer", "issued_on", "level", "theme", "measures", "programs", "note")
        }
        initial["region"] = doc.region_code
    return save_page(
        request,
        picker.bind(PolicyForm(request.POST or None, initial=initial), user),
        lambda data: policies.save(actor=user, data=data, doc=doc),
        message=_("政策文件已保存。"),
        then=lambda saved: reverse("programs:policy_list"),
        template="programs/policy_form.html",
        context={"tab": "policies", "doc": doc},
    )


def _facts_page(request: HttpRequest, rows: Any, template: str) -> HttpResponse:
    """A list of facts from the insurance agency, by year."""
    form = YearForm(request.GET or None)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    page = paginate(rows(user=request.user, year=year), PAGE_SIZE, request.GET.get("page"))
    return render(
        request, template, {"tab": "facts", "form": form, "page": page, "query": f"year={year}" if year else ""}
    )


@staff_view(VIEW_PROGRAMS)
def insurance_list(request: HttpRequest) -> HttpResponse:
    return _facts_page(request, selectors.insurance_facts, "programs/insurance_list.html")


@staff_view(VIEW_PROGRAMS)
def benefit_list(request: HttpRequest) -> HttpResponse:
    return _facts_page(request, selectors.benefit_facts, "programs/benefit_list.html")


# --- public-welfare posts -------------------------------------------------------------------------------


@staff_view(VIEW_PROGRAMS)
def post_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    rows = selectors.posts(user=user)
    page = paginate(rows, PAGE_SIZE, request.GET.get("page"))
    return render(
        request,
        "programs/post_list.html",
        {"tab": "posts", "page": page, "query": "", "can_edit": has_perm(user, MAKE_CLAIMS)},
    )


@staff_view(MAKE_CLAIMS)
def post_create(request: HttpRequest) -> HttpResponse:
    return _post_form(request, None)


@staff_view(MAKE_CLAIMS)
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_get(user=request.user, pk=pk)
    require_writable(request.user, post.region_id)
    return _post_form(request, post)


def _post_form(request: HttpRequest, post: Any) -> HttpResponse:
    user: Any = request.user
    initial: dict[str, Any] = {"region": user.region_id, "active": True}
    if post is not None:
        initial = {
            **initial_of(posts.PostInput, post, region=post.region_id),
            "employer_credit_code": post.employer.credit_code if post.employer else "",
        }
    return save_page(
        request,
        picker.bind(PostForm(request.POST or None, initial=initial), user),
        lambda data: posts.post_save(
            actor=user,
            data=input_of(posts.PostInput, {**data, "region": code_from_typed(data["region"]) or ""}),
            post=post,
        ),
        message=_("岗位已保存。"),
        then=lambda saved: reverse("programs:post_detail", args=[saved.pk]),
        template="programs/post_form.html",
        context={"tab": "posts", "post": post},
    )


@staff_view(VIEW_PROGRAMS)
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_page(request, selectors.post_get(user=request.user, pk=pk))


def _post_page(
    request: HttpRequest, post: Any, *, place_form: PlaceForm | None = None, exit_form: ExitForm | None = None
) -> HttpResponse:
    user: Any = request.user
    today = timezone.localdate()
    return render(
        request,
        "programs/post_detail.html",
        {
            "tab": "posts",
            "post": post,
            "placements": selectors.placements(user=user, post=post),
            "open": posts.open_count(post),
            "can_edit": can_write(user, post.region_id) and has_perm(user, MAKE_CLAIMS),
            "place_form": place_form or PlaceForm(initial={"starts_on": today}),
            "exit_form": exit_form or ExitForm(initial={"day": today}),
            "today": today,
        },
        status=422 if place_form or exit_form else 200,
    )


@require_POST
@staff_view(MAKE_CLAIMS)
def post_place(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_get(user=request.user, pk=pk)
    require_writable(request.user, post.region_id)
    return form_step(
        request,
        PlaceForm(request.POST),
        lambda d: posts.place(
            actor=request.user,
            post=post,
            person=services.person_for(request.user, d["id_number"]),
            starts_on=d["starts_on"],
            months=d.get("months"),
        ),
        message=_("已安置上岗，就业状态和就业登记已记入劳动力台账。"),
        then=lambda _placement: reverse("programs:post_detail", args=[post.pk]),
        refused=lambda form: _post_page(request, post, place_form=form),
    )


@require_POST
@staff_view(MAKE_CLAIMS)
def placement_exit(request: HttpRequest, pk: int) -> HttpResponse:
    placement = selectors.placement_get(user=request.user, pk=pk)
    return form_step(
        request,
        ExitForm(request.POST),
        lambda d: posts.leave(
            actor=request.user, placement=placement, day=d["day"], reason=d["reason"], next_status=d["next_status"]
        ),
        message=_("已办理退出。"),
        then=lambda _placement: reverse("programs:post_detail", args=[placement.post_id]),
        refused=lambda form: _post_page(request, placement.post, exit_form=form),
    )


# --- 就业困难人员 and 就业援助 ---------------------------------------------------------------------------


@staff_view(VIEW_PROGRAMS)
def difficulty_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = DifficultyFilterForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    rows = selectors.difficulties(user=user, status=data.get("status", ""), overdue=bool(data.get("overdue")))
    page = paginate(rows, PAGE_SIZE, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programs/difficulty_list.html",
        {
            "tab": "difficulty",
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_edit": has_perm(user, MAKE_CLAIMS),
            "today": timezone.localdate(),
        },
    )


@staff_view(MAKE_CLAIMS)
def difficulty_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user

    def save(data: dict[str, Any]) -> Any:
        person = services.person_for(user, data["id_number"])
        return assistance.register(
            actor=user,
            person=person,
            data=assistance.DifficultyInput(
                categories=tuple(data["categories"]), applied_on=data["applied_on"], evidence=data["evidence"]
            ),
        )

    return save_page(
        request,
        DifficultyForm(request.POST or None, initial={"applied_on": timezone.localdate()}),
        save,
        message=_("已登记，待另一名县区经办人员认定。"),
        then=lambda saved: reverse("programs:difficulty_detail", args=[saved.pk]),
        template="programs/difficulty_form.html",
        context={"tab": "difficulty"},
    )


@staff_view(VIEW_PROGRAMS)
def difficulty_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _difficulty_page(request, selectors.difficulty_get(user=request.user, pk=pk))


def _difficulty_page(request: HttpRequest, item: Any, *, refused: Any = None, which: str = "") -> HttpResponse:
    """The 认定's page; with a refused form (``which`` names it), that form and its errors (422)."""
    user: Any = request.user
    today = timezone.localdate()
    case = getattr(item, "case", None) if item.status != "pending" else None
    forms_ = {
        "decide": DecideForm(initial={"day": today, "certify": "yes"}),
        "assist": AssistForm(initial={"day": today}),
        "exit": DifficultyExitForm(initial={"day": today}),
    }
    if refused is not None:
        forms_[which] = refused
    return render(
        request,
        "programs/difficulty_detail.html",
        {
            "tab": "difficulty",
            "item": item,
            "labels": dict(DifficultyCategory.choices),
            "case": case,
            "measures": case.measures.all() if case else [],
            "can_decide": assistance.can_decide(user, item),
            "can_edit": can_write(user, item.region_code) and has_perm(user, MAKE_CLAIMS),
            "decide_form": forms_["decide"],
            "assist_form": forms_["assist"],
            "exit_form": forms_["exit"],
        },
        status=422 if refused is not None else 200,
    )


@require_POST
@staff_view(REVIEW_CLAIMS)
def difficulty_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """认定 by a county officer (not the one who registered it: the service refuses)."""
    return _difficulty_step(request, pk, "decide")


@require_POST
@staff_view(MAKE_CLAIMS)
def difficulty_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """An assistance measure or the exit."""
    if step not in ("assist", "exit"):
        raise Http404
    return _difficulty_step(request, pk, step)


# Each step of a 认定's page: its form and the service it runs (user, 认定, cleaned data).
DIFFICULTY_STEPS: dict[str, tuple[Any, Any]] = {
    "decide": (
        DecideForm,
        lambda user, item, d: assistance.decide(
            actor=user, item=item, certify=d["certify"], day=d["day"], note=d["note"]
        ),
    ),
    "assist": (
        AssistForm,
        lambda user, item, d: assistance.assist(actor=user, item=item, kind=d["kind"], day=d["day"], note=d["note"]),
    ),
    "exit": (
        DifficultyExitForm,
        lambda user, item, d: assistance.exit_(actor=user, item=item, day=d["day"], reason=d["reason"]),
    ),
}


def _difficulty_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    item = selectors.difficulty_get(user=request.user, pk=pk)
    form_class, act = DIFFICULTY_STEPS[step]
    return form_step(
        request,
        form_class(request.POST),
        lambda d: act(request.user, item, d),
        message=_("已保存。"),
        then=lambda _saved: reverse("programs:difficulty_detail", args=[item.pk]),
        refused=lambda form: _difficulty_page(request, item, refused=form, which=step),
    )


# --- 创业担保贷款 ----------------------------------------------------------------------------------------


@staff_view(VIEW_PROGRAMS)
def loan_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    page = paginate(selectors.loans(user=user), PAGE_SIZE, request.GET.get("page"))
    for loan in page.object_list:
        loan.overdue = loans.is_overdue(loan)
    return render(
        request,
        "programs/loan_list.html",
        {"tab": "loans", "page": page, "query": "", "can_edit": has_perm(user, MAKE_CLAIMS)},
    )


@staff_view(MAKE_CLAIMS)
def loan_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user

    def save(data: dict[str, Any]) -> Any:
        from jiuye.employers.models import Employer

        kind = data["kind"]
        person = services.person_for(user, data["id_number"]) if kind != "enterprise" else None
        partners = tuple(
            services.person_for(user, number.strip())
            for number in data["partners"].replace("，", ",").split(",")
            if number.strip()
        )
        employer = None
        if kind == "enterprise":
            employer = (
                Employer.objects.editable_by(user).filter(credit_code=data["credit_code"].strip().upper()).first()
            )
            if employer is None:
                raise ValidationError({"credit_code": _("用工主体名录中没有您辖区内的这个单位。")})
        return loans.apply(
            actor=user,
            data=loans.LoanInput(
                kind=kind,
                business=data["business"],
                amount=data["amount"],
                term_months=data["term_months"],
                person=person,
                partners=partners if kind == "partnership" else (),
                employer=employer,
                staff=data.get("staff"),
                new_hires=data.get("new_hires"),
                arrears=bool(data.get("arrears")),
            ),
        )

    return save_page(
        request,
        LoanForm(request.POST or None),
        save,
        message=_("贷款申请已受理，待县级审核。"),
        then=lambda saved: reverse("programs:loan_detail", args=[saved.pk]),
        template="programs/loan_form.html",
        context={"tab": "loans"},
    )


@staff_view(VIEW_PROGRAMS)
def loan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _loan_page(request, selectors.loan_get(user=request.user, pk=pk))


# Each step of a loan's page: its form and the service it runs (user, loan, cleaned data).
LOAN_STEPS: dict[str, tuple[Any, Any]] = {
    "review": (
        LoanReviewForm,
        lambda user, loan, d: loans.review(actor=user, loan=loan, approve=d["approve"], note=d["note"]),
    ),
    "issue": (IssueForm, lambda user, loan, d: loans.issue(actor=user, loan=loan, data=loans.IssueInput(**d))),
    "repay": (
        RepayForm,
        lambda user, loan, d: loans.repay(actor=user, loan=loan, day=d["day"], principal=d["principal"]),
    ),
    "compensate": (
        CompensateForm,
        lambda user, loan, d: loans.compensate(actor=user, loan=loan, day=d["day"], amount=d["amount"]),
    ),
    "follow_up": (
        FollowUpForm,
        lambda user, loan, d: loans.follow_up(
            actor=user, loan=loan, day=d["day"], running=d["running"], jobs=d["jobs"], note=d["note"]
        ),
    ),
}


def _loan_page(request: HttpRequest, loan: Any, *, refused: Any = None, which: str = "") -> HttpResponse:
    user: Any = request.user
    today = timezone.localdate()
    forms_ = {
        name: cls(initial={"day": today, "issued_on": today, "running": True})
        for name, (cls, _act) in LOAN_STEPS.items()
    }
    if refused is not None:
        forms_[which] = refused
    schedule = []
    if loan.issued_on and loan.due_on:
        for year in range(loan.issued_on.year, loan.due_on.year + 1):
            candidate = next(
                iter(
                    loans.gather_interest(
                        year=year, prefix=loan.region_code, as_of=date(year, 12, 31), subject=str(loan.pk)
                    )
                ),
                None,
            )
            if candidate is not None:
                decision = rules_loans.interest_subsidy(
                    candidate.facts,
                    parameters.in_force(rules_loans.LOAN_INTEREST, loan.region_code, date(year, 12, 31)),
                )
                schedule.append({"year": year, "days": candidate.facts["days"], "amount": decision.amount})
    return render(
        request,
        "programs/loan_detail.html",
        {
            "tab": "loans",
            "loan": loan,
            "outstanding": loans.outstanding(loan),
            "overdue": loans.is_overdue(loan),
            "schedule": schedule,
            "can_review": loans.can_review(user, loan),
            "can_edit": can_write(user, loan.region_code) and has_perm(user, MAKE_CLAIMS),
            "forms": forms_,
        },
        status=422 if refused is not None else 200,
    )


@require_POST
@staff_view(REVIEW_CLAIMS)
def loan_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _loan_step(request, pk, "review")


@require_POST
@staff_view(MAKE_CLAIMS)
def loan_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in ("issue", "repay", "compensate", "follow_up"):
        raise Http404
    return _loan_step(request, pk, step)


def _loan_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    loan = selectors.loan_get(user=request.user, pk=pk)
    form_class, act = LOAN_STEPS[step]
    return form_step(
        request,
        form_class(request.POST),
        lambda d: act(request.user, loan, d),
        message=_("已保存。"),
        then=lambda _saved: reverse("programs:loan_detail", args=[loan.pk]),
        refused=lambda form: _loan_page(request, loan, refused=form, which=step),
    )
