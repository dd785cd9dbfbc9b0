"""The jobs module's right: to look at postings and events (not personal data: seekers, referrals
and interns are personal and shown only to roles that see personal data)."""

from django.utils.translation import gettext_lazy as _

from jiuye.core.permissions import MATRIX, Perm, define_permission

VIEW_JOBS = define_permission("jobs.view", _("查看招聘岗位与招聘活动"), MATRIX[Perm.VIEW_STATISTICS])
