"""Enumerations of the registry, with the Chinese labels the field uses (IMPORT-TEMPLATES §1)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class LaborAbility(models.TextChoices):
    SKILLED = "skilled", _("技能劳动力")
    ORDINARY = "ordinary", _("普通劳动力")
    WEAK = "weak", _("弱劳动力或半劳动力")
    LOST = "lost", _("丧失劳动力")
    NONE = "none", _("无劳动力")


class EmploymentStatus(models.TextChoices):
    IN_COUNTY = "in_county", _("县内务工")
    IN_PROVINCE = "in_province", _("省内县外务工")
    OUT_OF_PROVINCE = "out_of_province", _("省外务工")
    SELF_EMPLOYED = "self_employed", _("自主创业")
    FLEXIBLE = "flexible", _("灵活就业")
    PUBLIC_WELFARE = "public_welfare", _("公益性岗位")
    FARMING = "farming", _("务农")
    UNEMPLOYED = "unemployed", _("未就业")
    STUDENT = "student", _("在校学生")
    RETIRED_OTHER = "retired_other", _("退休或其他")


class Place(models.TextChoices):
    IN_COUNTY = "in_county", _("县内")
    IN_PROVINCE = "in_province", _("省内县外")
    OUT_OF_PROVINCE = "out_of_province", _("省外")


# Where the work is, implied by the status (the place column refines it for the other statuses).
STATUS_PLACE = {
    EmploymentStatus.IN_COUNTY: Place.IN_COUNTY,
    EmploymentStatus.IN_PROVINCE: Place.IN_PROVINCE,
    EmploymentStatus.OUT_OF_PROVINCE: Place.OUT_OF_PROVINCE,
}


class Education(models.TextChoices):
    PRIMARY = "primary", _("小学及以下")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    VOCATIONAL = "vocational", _("中专/中技")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    POSTGRADUATE = "postgraduate", _("研究生")


class KeyGroup(models.TextChoices):
    POVERTY_ALLEVIATED = "poverty_alleviated", _("脱贫人口")
    MONITORED = "monitored", _("监测对象")
    RELOCATED = "relocated", _("易地搬迁")
    GRADUATE = "graduate", _("高校毕业生")
    HARD_TO_EMPLOY = "hard_to_employ", _("就业困难人员")
    RETURNED_MIGRANT = "returned_migrant", _("返乡农民工")
    DISABLED = "disabled", _("残疾人")
    VETERAN = "veteran", _("退役军人")


# Key groups that are sensitive personal information (PIPL Art. 28; GB/T 35273 Annex B; security
# bar 1.6): poverty and household hardship, disability. Shown only under the security label
# (``core.permissions.can_view_sensitive``), like incomes and full birth dates.
SENSITIVE_GROUPS = frozenset(
    {KeyGroup.POVERTY_ALLEVIATED, KeyGroup.MONITORED, KeyGroup.HARD_TO_EMPLOY, KeyGroup.DISABLED}
)


def group_choices(*, sensitive: bool) -> list[tuple[str, Any]]:
    """The key groups a user may see and set: all of them under the label, else the others."""
    return [(value, label) for value, label in KeyGroup.choices if sensitive or value not in SENSITIVE_GROUPS]


class Source(models.TextChoices):
    VISIT = "visit", _("入户走访")
    IMPORT = "import", _("台账导入")
    REGISTRATION = "registration", _("就业失业登记")
    FORM = "form", _("页面录入")
    API = "api", _("接口")
    REFERRAL = "referral", _("岗位推荐录用")
    PLACEMENT = "placement", _("公益性岗位安置")


class PersonState(models.TextChoices):
    ACTIVE = "active", _("在册")
    MOVED_OUT = "moved_out", _("迁出")
    DECEASED = "deceased", _("死亡")
    EMIGRATED = "emigrated", _("出国（境）定居")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class RegistrationKind(models.TextChoices):
    EMPLOYMENT = "employment", _("就业登记")
    UNEMPLOYMENT = "unemployment", _("失业登记")


class EmploymentForm(models.TextChoices):
    EMPLOYER = "employer", _("单位就业")
    FLEXIBLE = "flexible", _("灵活就业")
    SELF_EMPLOYED = "self_employed", _("自主创业")
    PUBLIC_WELFARE = "public_welfare", _("公益性岗位")


class UnemploymentReason(models.TextChoices):
    CONTRACT_ENDED = "contract_ended", _("解除或终止劳动合同")
    BUSINESS_ENDED = "business_ended", _("个体经营终止")
    GRADUATE = "graduate", _("毕业未就业")
    OTHER = "other", _("其他")


class UnemploymentEnd(models.TextChoices):
    EMPLOYED = "employed", _("已就业")
    MOVED = "moved", _("迁出")
    RETIRED = "retired", _("退休")
    DECEASED = "deceased", _("死亡")
    OTHER = "other", _("其他")


class Fact(models.TextChoices):
    """The facts of a person the statistics read besides the status, kept as dated history."""

    LABOR_ABILITY = "labor_ability", _("劳动能力")
    WILLING = "willing", _("就业意愿")
    HOUSEHOLD = "household", _("家庭户")
    RELATION = "relation", _("与户主关系")
    GROUP = "group", _("人员类别")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("待清零")
    CLOSED = "closed", _("已清零")


class MeasureKind(models.TextChoices):
    JOB_REFERRAL = "job_referral", _("岗位推荐")
    PUBLIC_WELFARE_POST = "public_welfare_post", _("公益性岗位安置")
    TRAINING = "training", _("技能培训")
    OTHER = "other", _("其他")
