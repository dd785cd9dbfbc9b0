"""The real-name labour-force registry: households, persons, employment spells, registrations,
and zero-employment households with their cases."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuye.core.cases import CaseMeasureBase, DeadlineCase
from jiuye.core.crypto import EncryptedTextField
from jiuye.core.scoping import ScopedModel, ScopedQuerySet
from jiuye.registry import actions
from jiuye.registry.choices import (
    CaseStatus,
    Education,
    EmploymentForm,
    EmploymentStatus,
    Fact,
    Gender,
    KeyGroup,
    LaborAbility,
    MeasureKind,
    PersonState,
    Place,
    RegistrationKind,
    Relation,
    Source,
    UnemploymentEnd,
    UnemploymentReason,
)


class Household(ScopedModel):
    """A household (户) in a village, numbered uniquely within it."""

    personal_data: ClassVar[bool] = True

    # Indexed by the unique (region, number) below; a second single-column index would only slow writes.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("村(社区)"),
        on_delete=models.PROTECT,
        related_name="households",
        db_index=False,
    )
    number = models.CharField(_("户编号"), max_length=40)
    # "<village code>/<number>": one indexed equality for the bulk lookups of an import. Unique as
    # a constraint, not a field option, so that PostgreSQL gets no second ``LIKE`` index.
    key = models.CharField(_("户键"), max_length=53, editable=False)
    relocation_site = models.CharField(_("易地搬迁安置点"), max_length=100, blank=True)
    zero_employment = models.BooleanField(_("零就业家庭"), default=False)
    has_labor = models.BooleanField(_("有劳动力"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("家庭户")
        verbose_name_plural = _("家庭户")
        constraints = [
            models.UniqueConstraint(fields=["region", "number"], name="household_number_in_village"),
            models.UniqueConstraint(fields=["key"], name="household_key_unique"),
        ]
        # The flagged households only (a few percent): listing them by region reads this alone
        # (PostgreSQL: an index-only scan, the household number carried in the index).
        indexes = [
            models.Index(
                fields=["region", "id"],
                include=["number"],
                condition=models.Q(zero_employment=True),
                name="household_zero_region_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id}-{self.number}"

    @staticmethod
    def make_key(region_code: str, number: str) -> str:
        return f"{region_code}/{number}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.key = self.make_key(self.region_id, self.number)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Person(ScopedModel):
    """A resident in the registry. The ID number and phone are stored encrypted."""

    personal_data: ClassVar[bool] = True

    # Indexed by ``person_household_facts`` below, which also carries the zero-employment facts.
    household = models.ForeignKey(
        Household, verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="members", db_index=False
    )
    # The household's village, kept with the row so that scoping is one indexed predicate.
    # Indexed by (region, status) below; a second single-column index would only slow writes.
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("村(社区)"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    relation = models.CharField(_("与户主关系"), max_length=16, choices=Relation.choices)
    name = models.CharField(_("姓名"), max_length=30)
    name_pinyin = models.CharField(_("姓名拼音"), max_length=300, blank=True)
    id_number = EncryptedTextField(_("公民身份号码"), purpose="registry.person.id_number")
    # Hashes are looked up by equality only: unique as a constraint and indexed in Meta, so that
    # PostgreSQL gets no ``LIKE`` index beside each (two fewer indexes to keep up on every insert).
    id_hash = models.CharField(_("身份号码索引"), max_length=64)
    id_masked = models.CharField(_("公民身份号码（脱敏）"), max_length=18)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    phone = EncryptedTextField(_("联系电话"), purpose="registry.person.phone", blank=True)
    phone_hash = models.CharField(_("电话索引"), max_length=64, blank=True)
    phone_masked = models.CharField(_("联系电话（脱敏）"), max_length=20, blank=True)
    education = models.CharField(_("文化程度"), max_length=16, choices=Education.choices, blank=True)
    labor_ability = models.CharField(_("劳动能力"), max_length=16, choices=LaborAbility.choices)
    willing = models.BooleanField(_("就业意愿"))
    status = models.CharField(_("当前就业状态"), max_length=20, choices=EmploymentStatus.choices)
    status_since = models.DateField(_("状态起始日期"))
    state = models.CharField(_("在册状态"), max_length=12, choices=PersonState.choices, default=PersonState.ACTIVE)
    state_date = models.DateField(_("在册状态日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        indexes = [
            # The registry list's order: a county's first page is an index range scan, with or
            # without a status filter.
            models.Index(fields=["region", "household", "id"], name="person_region_order"),
            models.Index(fields=["status", "region", "household", "id"], name="person_status_region_order"),
            models.Index(fields=["phone_hash"], name="person_phone_hash"),
            # A household's members, carrying what the zero-employment verdict reads: the nightly
            # recompute over every household is an index-only scan in household order
            # (PostgreSQL; other databases index the household alone).
            models.Index(
                fields=["household"],
                include=["state", "willing", "labor_ability", "birth_date", "status"],
                name="person_household_facts",
            ),
        ]
        constraints = [models.UniqueConstraint(fields=["id_hash"], name="person_id_hash_unique")]

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: date) -> int:
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


class PersonGroup(models.Model):
    """Membership of a person in a key group (重点群体)."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="groups", db_index=False
    )  # the unique (person, group) index serves lookups by person
    group = models.CharField(_("人员类别"), max_length=24, choices=KeyGroup.choices)

    class Meta:
        verbose_name = _("重点群体身份")
        verbose_name_plural = _("重点群体身份")
        constraints = [models.UniqueConstraint(fields=["person", "group"], name="person_group_once")]
        indexes = [models.Index(fields=["group", "person"], name="group_person")]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.group}"


class PersonChange(models.Model):
    """A dated change of a fact the statistics read (labour ability, willingness, household,
    relation, a key group entered or left): the value holds from ``effective`` on. What held on an
    earlier day is the ``before`` of the first change after that day, so the person's row keeps
    only today's values and a month recomputed later still counts what was true then. A value
    recorded when the person was registered holds from the start (there is no change before it).

    For a key group, ``before``/``after`` are the group's code or empty: entered (before empty) or
    left (after empty)."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="changes", db_index=False
    )  # the (person, fact, effective) index serves lookups by person
    fact = models.CharField(_("变更事项"), max_length=16, choices=Fact.choices)
    before = models.CharField(_("变更前"), max_length=40, blank=True)
    after = models.CharField(_("变更后"), max_length=40, blank=True)
    effective = models.DateField(_("生效日期"))
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("人员信息变更")
        verbose_name_plural = _("人员信息变更")
        ordering = ["person", "effective", "id"]
        indexes = [
            models.Index(fields=["person", "fact", "effective"], name="change_person_fact"),
            # A snapshot of a past day reads the changes after it: few, by date.
            models.Index(fields=["effective"], name="change_effective"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.fact} {self.before}→{self.after} {self.effective}"


class EmploymentSpell(models.Model):
    """One stretch of one employment status; the open spell (no end) is the current one."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="spells", db_index=False
    )  # the (person, start) index serves lookups by person
    status = models.CharField(_("就业状态"), max_length=20, choices=EmploymentStatus.choices)
    place = models.CharField(_("就业地点类别"), max_length=16, choices=Place.choices, blank=True)
    location = models.CharField(_("就业地点"), max_length=100, blank=True)
    employer_name = models.CharField(_("就业单位"), max_length=200, blank=True)
    employer_credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    monthly_income = models.BigIntegerField(_("月收入（分）"), null=True, blank=True)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    verified_at = models.DateField(_("核实日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True, blank=True
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("就业状态记录")
        verbose_name_plural = _("就业状态记录")
        ordering = ["person", "start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(end__isnull=True), name="one_open_spell"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="spell_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["person", "start"], name="spell_person_start")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.status} {self.start}–{self.end or ''}"


class Registration(models.Model):
    """A formal act the statistics count: 就业登记 or 失业登记 (ended by 注销)."""

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="registrations")
    region = models.ForeignKey("regions.Region", verbose_name=_("登记地"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("登记类型"), max_length=16, choices=RegistrationKind.choices)
    date = models.DateField(_("登记日期"))
    urban = models.BooleanField(_("城镇"))
    form = models.CharField(_("就业形式"), max_length=16, choices=EmploymentForm.choices, blank=True)
    employer_name = models.CharField(_("就业单位"), max_length=200, blank=True)
    employer_credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    reason = models.CharField(_("失业原因"), max_length=20, choices=UnemploymentReason.choices, blank=True)
    ended_on = models.DateField(_("注销日期"), null=True, blank=True)
    end_reason = models.CharField(_("注销原因"), max_length=12, choices=UnemploymentEnd.choices, blank=True)
    note = models.TextField(_("备注"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True, blank=True
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("就业失业登记")
        verbose_name_plural = _("就业失业登记")
        ordering = ["person", "date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(kind="unemployment", ended_on__isnull=True),
                name="one_open_unemployment_registration",
            ),
            models.UniqueConstraint(fields=["person", "kind", "date"], name="registration_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.date}"


class ZeroEmploymentRule(models.Model):
    """The parameters of the 零就业家庭 rule, as data (one row)."""

    min_age = models.PositiveSmallIntegerField(_("劳动年龄下限"), default=16)
    max_age = models.PositiveSmallIntegerField(_("劳动年龄上限"), default=60)
    employed_statuses = models.JSONField(_("计为就业的状态"), default=list)
    clear_days = models.PositiveSmallIntegerField(_("清零期限（天）"), default=30)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("零就业家庭认定参数")
        verbose_name_plural = _("零就业家庭认定参数")

    def __str__(self) -> str:
        return f"{self.min_age}–{self.max_age}, {self.clear_days}d"


class ZeroEmploymentCase(DeadlineCase):
    """A household found with nobody employed: open until a member is employed (a deadline case,
    ``core.cases``: its deadline is the rule's days to clear it). It opens and closes with the
    household's verdict, so it is never reopened by hand: a household found again opens a new one."""

    personal_data: ClassVar[bool] = True
    assign_action = actions.ZERO_CASE_ASSIGN
    measure_action = actions.ZERO_CASE_MEASURE
    close_action = actions.ZERO_CASE_CLOSE

    household = models.ForeignKey(Household, verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="cases")
    # The household's village, copied at opening (a household never changes village): the case
    # list of a city is read, filtered, counted and grouped from this table alone.
    region_code = models.CharField(_("所属区划"), max_length=12)
    # The zero-employment words for the deadline case's fields.
    status = models.CharField(_("状态"), max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_on = models.DateField(_("认定日期"))
    deadline = models.DateField(_("清零期限"))
    closed_on = models.DateField(_("清零日期"), null=True, blank=True)
    close_note = models.CharField(_("清零说明"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("零就业家庭")
        verbose_name_plural = _("零就业家庭")
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(status="open"), name="one_open_case_per_household"
            )
        ]
        indexes = [
            models.Index(fields=["status", "deadline", "id"], name="case_status_deadline"),
            models.Index(fields=["region_code", "status"], name="case_region_status"),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.opened_on}"


class CaseMeasure(CaseMeasureBase):
    """A measure taken for a zero-employment household (帮扶措施)."""

    case = models.ForeignKey(
        ZeroEmploymentCase, verbose_name=_("零就业家庭"), on_delete=models.CASCADE, related_name="measures"
    )
    kind = models.CharField(_("措施类型"), max_length=24, choices=MeasureKind.choices)

    class Meta:
        verbose_name = _("帮扶措施")
        verbose_name_plural = _("帮扶措施")
        ordering = ["case", "date", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.date}"
