"""The jobs module's audit actions."""

from django.utils.translation import gettext_lazy as _

from jiuye.core.audit import define_action

POSTING_SAVE = define_action("jobs.posting_save", _("保存招聘岗位"))
POSTING_IMPORT = define_action("jobs.posting_import", _("导入招聘岗位"))
SEEKER_SAVE = define_action("jobs.seeker_save", _("保存求职意向"))
REFERRAL = define_action("jobs.referral", _("推荐岗位"))
REFERRAL_STAGE = define_action("jobs.referral_stage", _("记录推荐进展"))
EVENT_SAVE = define_action("jobs.event_save", _("保存招聘活动"))
EVENT_LISTS = define_action("jobs.event_lists", _("生成招聘活动推荐名单"))
INTERNSHIP_POST = define_action("jobs.internship_post", _("保存见习岗位"))
INTERNSHIP = define_action("jobs.internship", _("记录见习"))
