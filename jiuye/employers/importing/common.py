"""What the employers module's import kinds share: the importer's context and the examples' codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.scoping import can_write
from jiuye.core.tabular import parse_count
from jiuye.imports.kinds import ImportRefused

# The templates' example rows: a 新社区工厂 of 紫阳县城关镇 (the factory report and the postings
# templates name it, so the examples import cleanly in the order of the import page).


EXAMPLE_FACTORY = "91610924MA70B2K5QL"
EXAMPLE_ENTITY = "92610924MA70C3L6RA"


@dataclass
class Context:
    user: Any
    today: date


def prepare(*, user: Any, as_of: date, dry_run: bool = False) -> Context:
    if not can_write(user, user.region_id or ""):
        raise ImportRefused(_("您没有导入该表的权限。"))
    return Context(user=user, today=timezone.localdate())


def _count(text: str) -> int | None:
    return parse_count(text, maximum=10_000_000)
