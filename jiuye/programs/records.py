"""How a drill-down lists the programs module's records (``indicators.records``): claims, policy
documents and unemployment-benefit spells, fetched through ``visible_to``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiuye.core.money import format_yuan
from jiuye.indicators.records import RecordSource, register
from jiuye.programs import rules
from jiuye.programs.models import BenefitFact, Claim, Difficulty, Loan, PolicyDocument


def _program_name(code: str) -> str:
    program = rules.get(code)
    return str(program.name) if program else code


CLAIMS = RecordSource(
    records="claim",
    fetch=lambda user, ids: Claim.objects.visible_to(user).filter(pk__in=ids).select_related("payment"),
    columns=(
        (_("申请编号"), lambda c: c.number),
        (_("政策项目"), lambda c: _program_name(c.program)),
        (_("收款方"), lambda c: c.payee_name),
        (_("金额（元）"), lambda c: format_yuan(c.amount)),
        (_("支付日期"), lambda c: c.payment.paid_on if c.payment else ""),
    ),
    url=lambda c: reverse("programs:claim_detail", args=[c.pk]),
)
POLICIES = RecordSource(
    records="policy",
    fetch=lambda user, ids: PolicyDocument.objects.visible_to(user).filter(pk__in=ids),
    columns=(
        (_("文件标题"), lambda d: d.title),
        (_("文号"), lambda d: d.number),
        (_("印发日期"), lambda d: d.issued_on),
        (_("措施条数"), lambda d: d.measures),
    ),
    url=lambda d: reverse("programs:policy_edit", args=[d.pk]),
)
BENEFITS = RecordSource(
    records="benefit",
    fetch=lambda user, ids: BenefitFact.objects.visible_to(user).filter(pk__in=ids),
    columns=(
        (_("姓名"), lambda b: b.name),
        (_("公民身份号码（脱敏）"), lambda b: b.id_masked),
        (_("待遇起始日期"), lambda b: b.starts_on),
        (_("待遇终止日期"), lambda b: b.ends_on),
        (_("累计发放（元）"), lambda b: format_yuan(b.paid)),
    ),
    url=lambda b: reverse("programs:benefit_list") + f"?year={b.starts_on.year}",
)


DIFFICULTIES = RecordSource(
    records="difficulty",
    fetch=lambda user, ids: Difficulty.objects.visible_to(user).filter(pk__in=ids).select_related("person"),
    columns=(
        (_("姓名"), lambda d: d.person.name),
        (_("公民身份号码（脱敏）"), lambda d: d.person.id_masked),
        (_("认定日期"), lambda d: d.certified_on),
        (_("状态"), lambda d: d.get_status_display()),
    ),
    url=lambda d: reverse("programs:difficulty_detail", args=[d.pk]),
)


LOANS = RecordSource(
    records="loan",
    fetch=lambda user, ids: Loan.objects.visible_to(user).filter(pk__in=ids).select_related("person", "employer"),
    columns=(
        (_("创业项目"), lambda loan: loan.business),
        (_("借款人"), lambda loan: loan.person.name if loan.person else loan.employer.name if loan.employer else ""),
        (_("金额（元）"), lambda loan: format_yuan(loan.amount)),
        (_("放款日期"), lambda loan: loan.issued_on),
    ),
    url=lambda loan: reverse("programs:loan_detail", args=[loan.pk]),
)


def register_sources() -> None:
    """Called by the programs app's ``AppConfig.ready``."""
    for source in (CLAIMS, POLICIES, BENEFITS, DIFFICULTIES, LOANS):
        register(source)
