"""The home page: the work waiting for the user. Each app registers its tiles (counts: open cases,
requests waiting for a decision) and its agenda (the items themselves, soonest due first: a case
about to pass its deadline, a request to decide, a checked import to confirm), so that the home
page grows with the apps and the accounts app needs to know none of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Tile:
    number: int
    label: str
    url: str = ""
    warn: bool = False  # shown highlighted: something waits for the user or is late


_PROVIDERS: dict[str, Callable[[Any], list[Tile]]] = {}


def register(name: str, provider: Callable[[Any], list[Tile]]) -> None:
    """``provider(user)`` returns the tiles for that user (an empty list when none apply)."""
    _PROVIDERS[name] = provider


def tiles_for(user: Any) -> list[Tile]:
    return [tile for provider in _PROVIDERS.values() for tile in provider(user)]


@dataclass(frozen=True)
class AgendaItem:
    title: str
    url: str
    detail: str = ""
    due: date | None = None  # a deadline: items are listed soonest first, those without one last
    warn: bool = False  # late, or waiting on the user alone


AGENDA_SHOWN = 12  # the home page lists this many; each app's list page has the rest

_AGENDA: dict[str, Callable[[Any], list[AgendaItem]]] = {}


def register_agenda(name: str, provider: Callable[[Any], list[AgendaItem]]) -> None:
    """``provider(user)`` returns the items waiting for that user, at most ``AGENDA_SHOWN``."""
    _AGENDA[name] = provider


def agenda_for(user: Any) -> list[AgendaItem]:
    items = [item for provider in _AGENDA.values() for item in provider(user)]
    items.sort(key=lambda item: (not item.warn, item.due is None, item.due or date.max))
    return items[:AGENDA_SHOWN]
