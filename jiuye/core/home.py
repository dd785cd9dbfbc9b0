"""The home page's work tiles: each app registers what a user should see first on opening the
system (open cases, requests waiting for a decision), so that the home page grows with the apps
and the accounts app needs to know none of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
