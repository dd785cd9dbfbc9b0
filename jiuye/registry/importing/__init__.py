"""The registry's import kinds, registered with the one import pipeline (``jiuye.imports``):

- the labour-force ledger (劳动力信息采集表, IMPORT-TEMPLATES §1): ``schema`` (the template and
  what a run knows), ``validation`` (the rules, column-wise, and the first pass), ``writing`` (the
  committer);
- the employment and unemployment registrations (就业失业登记, §3): ``registrations``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from jiuye.core.permissions import Perm
from jiuye.imports import kinds
from jiuye.registry.importing import schema, validation, writing
from jiuye.registry.importing.registrations import REGISTRATIONS

PERSONS = kinds.ImportKind(
    code="registry.persons",
    title=gettext_lazy("劳动力信息采集表"),
    perm=Perm.EDIT_BUSINESS_DATA,
    columns=schema.COLUMNS,
    prepare=schema.prepare,
    validate=validation.validate,
    commit=writing.commit,
    description=gettext_lazy(
        "实名劳动力台账，每行一人：家庭户、人员、就业状态、人员类别。已在台账中的人员按公民身份号码更新，未变化的不重复记录。"
    ),
    notes=schema.NOTES,
    first_pass_keys=tuple(schema.KEYS),
    first_pass=validation.first_pass,
    template_name="劳动力信息采集表-模板.xlsx",
    order=10,
)


def register() -> None:
    """Called by the registry's ``AppConfig.ready``."""
    kinds.register(PERSONS)
    kinds.register(REGISTRATIONS)
