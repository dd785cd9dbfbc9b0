"""How a drill-down lists the jobs module's records (``indicators.records``): recruitment events
and postings, fetched through ``visible_to``. Persons (intentions, hires, interns) are the
registry's ``person`` records."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiuye.indicators.records import RecordSource, register
from jiuye.jobs.models import Posting, RecruitmentEvent

EVENTS = RecordSource(
    records="event",
    fetch=lambda user, ids: RecruitmentEvent.objects.visible_to(user).filter(pk__in=ids).select_related("region"),
    columns=(
        (_("活动名称"), lambda e: e.name),
        (_("活动类型"), lambda e: e.get_kind_display()),
        (_("开始日期"), lambda e: e.start),
        (_("举办地"), lambda e: e.region.name),
    ),
    url=lambda e: reverse("jobs:event_detail", args=[e.pk]),
)
POSTINGS = RecordSource(
    records="posting",
    fetch=lambda user, ids: Posting.objects.visible_to(user).filter(pk__in=ids).select_related("employer", "region"),
    columns=(
        (_("岗位名称"), lambda p: p.title),
        (_("招聘单位"), lambda p: p.employer.name),
        (_("招聘人数"), lambda p: p.headcount),
        (_("工作地点"), lambda p: p.region.name),
    ),
    url=lambda p: reverse("jobs:posting_detail", args=[p.pk]),
)


def register_sources() -> None:
    """Called by the jobs app's ``AppConfig.ready``."""
    register(EVENTS)
    register(POSTINGS)
