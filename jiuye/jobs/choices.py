"""The jobs module's choices, with their Chinese labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkTime(models.TextChoices):
    FULL = "full", _("全职")
    PART = "part", _("兼职/零工")


class WishedTime(models.TextChoices):
    ANY = "any", _("不限")
    FULL = "full", _("全职")
    PART = "part", _("兼职/零工")


class PostingSource(models.TextChoices):
    FORM = "form", _("页面录入")
    IMPORT = "import", _("批量导入")
    API = "api", _("接口")
    EVENT = "event", _("招聘活动")


class EventKind(models.TextChoices):
    SPRING_BREEZE = "spring_breeze", _("春风行动")
    PRIVATE_MONTH = "private_month", _("民营企业招聘月")
    CAMPUS = "campus", _("校园招聘")
    ONLINE = "online", _("网络招聘")
    GIG_MARKET = "gig_market", _("零工市场")
    OTHER = "other", _("其他专场招聘")


class Stage(models.TextChoices):
    """A referral's course: recommended → interviewed → intention reached → hired (or declined)."""

    REFERRED = "referred", _("已推荐")
    INTERVIEW = "interview", _("已面试")
    INTENTION = "intention", _("达成就业意向")
    HIRED = "hired", _("已录用")
    DECLINED = "declined", _("未录用")


STAGE_ORDER = [Stage.REFERRED, Stage.INTERVIEW, Stage.INTENTION, Stage.HIRED]
INTENTION_REACHED = (Stage.INTENTION, Stage.HIRED)
