"""Masked forms of personal data for screens, exports and the audit log (GB/T 35273 §1.6)."""

from __future__ import annotations

from typing import Any

HIDDEN = "******"


def mask_id_number(value: str) -> str:
    """610902********123X: region kept, birth date and sequence hidden, check digit kept."""
    if len(value) < 10:
        return HIDDEN
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    if len(value) < 7:
        return HIDDEN
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """张**: the first character (the surname, as a list shows it) kept, the rest hidden."""
    value = value.strip()
    if not value:
        return ""
    return value[0] + "*" * max(len(value) - 1, 1)


_MASKERS = {
    "id_number": mask_id_number,
    "phone": mask_phone,
}
_SECRET_KEYS = frozenset({"password", "secret", "totp_secret", "token", "key", "key_hash"})


def mask_mapping(values: dict[str, Any] | None) -> dict[str, Any]:
    """A copy of ``values`` with personal fields masked and secrets hidden entirely."""
    if not values:
        return {}
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key in _SECRET_KEYS:
            out[key] = HIDDEN
        elif key in _MASKERS and isinstance(value, str) and value:
            out[key] = _MASKERS[key](value)
        elif isinstance(value, str | int | bool | type(None)):
            out[key] = value
        else:
            out[key] = str(value)
    return out
