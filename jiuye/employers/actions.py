"""The employers module's audit actions."""

from django.utils.translation import gettext_lazy as _

from jiuye.core.audit import define_action

EMPLOYER_SAVE = define_action("employers.employer_save", _("保存用工主体"))
FACTORY_REPORT = define_action("employers.factory_report", _("报送新社区工厂月报"))
MARKET_IMPORT = define_action("employers.market_import", _("导入新登记市场主体"))
ORG_SAVE = define_action("employers.org_save", _("保存人力资源服务机构"))
SERVICE_RECORD = define_action("employers.service_record", _("记录人力资源服务成效"))
