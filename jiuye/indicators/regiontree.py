"""The region tree in memory, for rolling village figures up to towns, counties and the city."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from jiuye.regions.models import Region


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    level: str
    parent: str | None
    is_zone: bool


class RegionTree:
    def __init__(self, nodes: Iterable[Node]) -> None:
        self.nodes = {n.code: n for n in nodes}
        self.children: dict[str, list[str]] = {code: [] for code in self.nodes}
        for node in self.nodes.values():
            if node.parent in self.children:
                self.children[node.parent].append(node.code)
        self._chains: dict[str, list[str]] = {}

    @classmethod
    def load(cls) -> RegionTree:
        return cls(
            Node(code, name, level, parent, zone)
            for code, name, level, parent, zone in Region.objects.values_list(
                "code", "name", "level", "parent_id", "is_zone"
            )
        )

    def chain(self, code: str) -> list[str]:
        """The region and all its ancestors."""
        chain = self._chains.get(code)
        if chain is None:
            chain, current = [], self.nodes.get(code)
            while current is not None:
                chain.append(current.code)
                current = self.nodes.get(current.parent or "")
            self._chains[code] = chain
        return chain

    def rollup(self, leaf_values: Mapping[str, int | Decimal]) -> dict[str, Decimal]:
        """Every region's total of the values recorded at or below it (0 where nothing is)."""
        totals = {code: Decimal(0) for code in self.nodes}
        for code, value in leaf_values.items():
            for ancestor in self.chain(code):
                totals[ancestor] += Decimal(value)
        return totals

    def complete_from_children(self, values: dict[str, Decimal]) -> dict[str, Decimal]:
        """Fill a region without its own figure with the sum of its children, when every child
        has one (an additive entered figure: never a partial sum)."""
        result = dict(values)
        for code in sorted(self.nodes, key=lambda c: -len(self.chain(c))):  # deepest first
            kids = self.children[code]
            if code not in result and kids and all(k in result for k in kids):
                result[code] = sum((result[k] for k in kids), Decimal(0))
        return result
