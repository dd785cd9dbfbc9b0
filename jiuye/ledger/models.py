"""A double-entry ledger in integer 分: accounts, journals (凭证) and their lines.

Every journal has at least two lines whose amounts sum to zero; a line's amount is a non-zero
integer of 分 (positive: the account receives, negative: it gives). Posted journals and lines are
never changed or deleted: a mistake is corrected by a reversing journal (冲销), at most one per
journal. A fund account (资金来源) never goes below zero. Each journal may carry an idempotency
key, unique: the same payment submitted again finds the journal already posted."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuye.core.crypto import EncryptedTextField
from jiuye.core.scoping import ScopedModel, ScopedQuerySet


class AccountKind(models.TextChoices):
    FUND = "fund", _("资金来源")
    PROGRAM = "program", _("项目支出")
    PAYEE = "payee", _("收款人")
    BANK = "bank", _("银行清算")
    APPROPRIATION = "appropriation", _("预算拨入")


class Immutable(models.Model):
    """Rows that, once written, stay as they are."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError("a posted ledger row is never changed: post a reversal")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("a posted ledger row is never deleted: post a reversal")


class Account(ScopedModel):
    """An account: a fund by source and year, a program's spending, a payee, the bank's clearing."""

    scope_field: ClassVar[str] = "region_code"

    code = models.CharField(_("账户代码"), max_length=80)
    name = models.CharField(_("账户名称"), max_length=200)
    kind = models.CharField(_("账户类别"), max_length=16, choices=AccountKind.choices)
    region_code = models.CharField(_("所属区划"), max_length=12)
    year = models.PositiveSmallIntegerField(_("资金年度"), null=True, blank=True)
    opened_at = models.DateTimeField(_("开立时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("资金账户")
        verbose_name_plural = _("资金账户")
        constraints = [models.UniqueConstraint(fields=["code"], name="ledger_account_code_unique")]
        indexes = [models.Index(fields=["region_code", "kind"], name="ledger_account_region_kind")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Journal(Immutable, ScopedModel):
    """One posting (记账凭证): its lines sum to zero."""

    scope_field: ClassVar[str] = "region_code"

    region_code = models.CharField(_("所属区划"), max_length=12)
    memo = models.CharField(_("摘要"), max_length=200)
    idempotency_key = models.CharField(_("幂等键"), max_length=100, null=True, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲销的凭证"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记账人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    posted_at = models.DateTimeField(_("记账时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("记账凭证")
        verbose_name_plural = _("记账凭证")
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"], condition=Q(idempotency_key__isnull=False), name="ledger_journal_key_once"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.memo}"


class Line(Immutable):
    """One line of a journal: an account receives (+) or gives (−) this many 分."""

    journal = models.ForeignKey(Journal, verbose_name=_("记账凭证"), on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, verbose_name=_("资金账户"), on_delete=models.PROTECT, related_name="lines")
    amount = models.BigIntegerField(_("金额（分）"))

    class Meta:
        verbose_name = _("凭证分录")
        verbose_name_plural = _("凭证分录")
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="ledger_line_not_zero")]
        indexes = [models.Index(fields=["account", "journal"], name="ledger_line_account")]

    def __str__(self) -> str:
        return f"{self.journal_id} {self.account_id} {self.amount}"


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("待发送")
    SENT = "sent", _("已发送银行")
    RECONCILED = "reconciled", _("已对账")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("待支付")
    PAID = "paid", _("已支付")
    FAILED = "failed", _("支付失败")


class PaymentBatch(ScopedModel):
    """Payments from one fund sent to the bank in one file (支付批次)."""

    scope_field: ClassVar[str] = "region_code"

    reference = models.CharField(_("批次号"), max_length=40)
    fund = models.ForeignKey(Account, verbose_name=_("付款资金账户"), on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(_("所属区划"), max_length=12)
    status = models.CharField(_("状态"), max_length=12, choices=BatchStatus.choices, default=BatchStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("支付批次")
        verbose_name_plural = _("支付批次")
        constraints = [models.UniqueConstraint(fields=["reference"], name="ledger_batch_reference_unique")]

    def __str__(self) -> str:
        return self.reference


class Payment(ScopedModel):
    """One payment of a batch. Its journal (fund → payee) is posted when the bank's return file
    says it was paid, under the payment's own idempotency key."""

    scope_field: ClassVar[str] = "region_code"
    personal_data: ClassVar[bool] = True

    batch = models.ForeignKey(
        PaymentBatch, verbose_name=_("支付批次"), on_delete=models.PROTECT, related_name="payments"
    )
    number = models.CharField(_("支付编号"), max_length=40)
    payee = models.ForeignKey(Account, verbose_name=_("收款账户"), on_delete=models.PROTECT, related_name="+")
    payee_name = models.CharField(_("收款人"), max_length=200)
    bank_account = EncryptedTextField(_("银行账号"), purpose="ledger.payment.bank_account")
    bank_account_masked = models.CharField(_("银行账号（脱敏）"), max_length=40)
    amount = models.BigIntegerField(_("金额（分）"))
    purpose = models.CharField(_("用途"), max_length=100)
    region_code = models.CharField(_("所属区划"), max_length=12)
    status = models.CharField(
        _("支付状态"), max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    failure_reason = models.CharField(_("失败原因"), max_length=200, blank=True)
    paid_on = models.DateField(_("支付日期"), null=True, blank=True)  # the day the return file said paid
    journal = models.OneToOneField(
        Journal, verbose_name=_("记账凭证"), on_delete=models.PROTECT, null=True, blank=True, related_name="payment"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("支付明细")
        verbose_name_plural = _("支付明细")
        constraints = [
            models.UniqueConstraint(fields=["number"], name="ledger_payment_number_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_payment_positive"),
        ]

    def __str__(self) -> str:
        return self.number
