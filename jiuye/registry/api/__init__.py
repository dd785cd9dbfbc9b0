"""The registry in the API (one ``Router``, composed in ``config/api.py``): ``schemas`` (the router,
and what goes in and out), ``persons`` (persons, their status history and the page's person
operations) and ``households`` (households, registrations, zero-employment cases and the rule)."""

from __future__ import annotations

from jiuye.registry.api import households, persons  # noqa: F401  (their operations join the router)
from jiuye.registry.api.schemas import router

__all__ = ["router"]
