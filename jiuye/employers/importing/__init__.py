"""Import kinds of the employers module:

- ``employers.market_entities`` (新登记市场主体名单): the market-regulation department's monthly
  list; each row an entity, keyed by its 统一社会信用代码 (imported again: updated or unchanged);
- ``employers.factory_reports`` (新社区工厂月报): one row per factory and month, through the
  same service as the page's form.

``validate`` checks each cell on its own, without the database; ``commit`` checks what needs it
(the region within the importer's scope, the factory known) and reports each refused row."""

from __future__ import annotations

from jiuye.employers.importing.common import EXAMPLE_ENTITY, EXAMPLE_FACTORY
from jiuye.employers.importing.directory import EMPLOYER
from jiuye.employers.importing.market import MARKET

__all__ = ["EMPLOYER", "EXAMPLE_ENTITY", "EXAMPLE_FACTORY", "MARKET", "register"]


def register() -> None:
    """Called by the employers app's ``AppConfig.ready``: the kinds in the order of the import page
    (the list of employers first: the reports and the postings name its employers)."""
    from jiuye.employers.importing import directory, market, reports
    from jiuye.imports import kinds

    kinds.register(directory.kind())
    kinds.register(market.kind())
    kinds.register(reports.kind())
