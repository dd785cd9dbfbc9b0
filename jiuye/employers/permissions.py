"""The employers module's own right: to look at employers, the market and service organisations
(not personal data: workers are listed only to roles that see personal data)."""

from django.utils.translation import gettext_lazy as _

from jiuye.core.permissions import MATRIX, Perm, define_permission

VIEW_EMPLOYERS = define_permission("employers.view", _("查看用工主体与人力资源市场"), MATRIX[Perm.VIEW_STATISTICS])
