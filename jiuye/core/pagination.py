"""A paginator whose count stops at a cap: counting 150,000 rows of a county to print
"共 150,000 条" costs more than the page itself, and nobody pages that far."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator

COUNT_CAP = 10_000


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    cap = COUNT_CAP

    def __init__(self, object_list: Any, per_page: int, *, cap: int = COUNT_CAP, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        counted: int = self.object_list[: self.cap + 1].count()  # type: ignore[index, attr-defined]
        return counted

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def count_label(self) -> str:
        return f"{self.cap:,}+" if self.capped else f"{self.count:,}"


def paginate(object_list: Any, per_page: int, number: Any, *, cap: int = COUNT_CAP) -> Any:
    return CappedPaginator(object_list, per_page, cap=cap).get_page(number)
