"""Text as the field types it, defined once: full-width characters folded to ASCII, the phone
pattern, and the Chinese labels of a set of choices. Forms, the API, the imports and the exports
all use these (the imports' column-wise checks use the same patterns in polars)."""

from __future__ import annotations

import re
from typing import Any

from django.utils import translation

# Full-width ASCII (U+FF01–U+FF5E, as typed with a Chinese input method) and the ideographic
# space, to their ASCII forms.
_FULLWIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
FULLWIDTH_FROM = list(_FULLWIDTH)
FULLWIDTH_TO = list(_FULLWIDTH.values())
_FULLWIDTH_TABLE = str.maketrans(_FULLWIDTH)

# 联系电话: an 11-digit mobile number starting with 1, or a landline with its area code (IMPORT-TEMPLATES §1).
PHONE_PATTERN = r"1[0-9]{10}|0[0-9]{2,3}-?[0-9]{7,8}"
PHONE_RE = re.compile(rf"^(?:{PHONE_PATTERN})$")


def to_halfwidth(text: str) -> str:
    return text.translate(_FULLWIDTH_TABLE)


def is_phone(text: str) -> bool:
    return PHONE_RE.match(text) is not None


def labels(choices: Any) -> dict[str, str]:
    """Stored value → Chinese label of a ``TextChoices``, whatever the active language (a
    spreadsheet is in Chinese for everyone)."""
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in choices.choices}


def values_by_label(choices: Any) -> dict[str, str]:
    """Chinese label → stored value (reading a spreadsheet's cells)."""
    return {label: value for value, label in labels(choices).items()}
