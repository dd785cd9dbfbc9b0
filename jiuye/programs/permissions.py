"""The programs module's rights. Maker–checker: a county officer makes (applies, runs 免申即享)
and another county officer reviews; the city approves, publishes the notice and pays; the city
admin alone changes parameters and budgets. Nobody decides a claim he or she made or reviewed."""

from django.utils.translation import gettext_lazy as _

from jiuye.core.permissions import MATRIX, Perm, Role, define_permission

VIEW_PROGRAMS = define_permission("programs.view", _("查看政策项目与资金"), MATRIX[Perm.VIEW_STATISTICS])
MAKE_CLAIMS = define_permission(
    "programs.make",
    _("受理政策申请、执行免申即享核查"),
    frozenset({Role.CITY_ADMIN, Role.COUNTY_OFFICER, Role.TOWN_OFFICER}),
)
REVIEW_CLAIMS = define_permission("programs.review", _("县级审核政策享受申请"), frozenset({Role.COUNTY_OFFICER}))
APPROVE_CLAIMS = define_permission("programs.approve", _("市级审批、公示与支付政策资金"), frozenset({Role.CITY_ADMIN}))
# Payment batches are kept by the county and the city (the fund is a county's): not by towns.
VIEW_PAYMENTS = define_permission(
    "programs.payments", _("查看支付批次与对账"), frozenset({Role.CITY_ADMIN, Role.COUNTY_OFFICER, Role.LEADER})
)
# Policy documents are issued by a city or a county.
EDIT_POLICIES = define_permission(
    "programs.policies", _("登记政策文件"), frozenset({Role.CITY_ADMIN, Role.COUNTY_OFFICER})
)
# The insurance agency's data and the certificate lists arrive at the county or the city.
IMPORT_FACTS = define_permission(
    "programs.import", _("导入失业保险数据和取证名单"), frozenset({Role.CITY_ADMIN, Role.COUNTY_OFFICER})
)
MANAGE_PROGRAMS = define_permission("programs.manage", _("设置政策参数、预算和拨付资金"), frozenset({Role.CITY_ADMIN}))
