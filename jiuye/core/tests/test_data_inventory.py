"""Security bar D-12: every table and field is classified in docs/data-inventory.md (by its
field name and the Chinese name the UI shows), or the table is listed as holding no personal
information. A new model or field fails here until someone has classified it."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.utils import translation

ROOT = Path(__file__).resolve().parents[3]
INVENTORY = ROOT / "docs" / "data-inventory.md"


def _inventories() -> list[Path]:
    """The project's inventory, and a module's own beside its code (``jiuye/<app>/data-inventory.md``),
    so that a new module classifies its tables in its own folder."""
    return [INVENTORY, *sorted((ROOT / "jiuye").glob("*/data-inventory.md"))]


LEVELS = ("敏感", "个人", "业务", "鉴别", "技术")


def _read() -> tuple[dict[str, dict[str, tuple[str, str, str]]], set[str]]:
    """{"app.Model": {field: (中文, level, protection)}} and the tables listed without personal
    information."""
    tables: dict[str, dict[str, tuple[str, str, str]]] = {}
    without: set[str] = set()
    current: str | None = None
    in_without = False
    lines = [line for path in _inventories() for line in path.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        heading = re.match(r"### (\w+\.\w+) — ", line)
        if heading:
            current = heading.group(1)
            tables[current] = {}
        elif line.startswith("## "):
            current = None
            in_without = "without personal information" in line
        elif current and line.startswith("| ") and not line.startswith(("| field", "| ---")):
            name, chinese, level, protection = (cell.strip() for cell in line.strip().strip("|").split("|"))
            tables[current][name] = (chinese, level, protection)
        elif in_without and line.startswith("- "):
            without.add(line[2:].strip())
    return tables, without


def test_every_model_of_the_project_is_classified_once() -> None:
    tables, without = _read()
    models = {m._meta.label for c in apps.get_app_configs() if c.name.startswith("jiuye.") for m in c.get_models()}
    assert not set(tables) & without
    assert set(tables) | without == models


def test_every_field_is_listed_with_its_chinese_name_and_a_level() -> None:
    tables, _without = _read()
    with translation.override("zh-hans"):
        for label, fields in tables.items():
            model = apps.get_model(label)
            expected = {f.name: str(f.verbose_name) for f in model._meta.concrete_fields}
            assert set(fields) == set(expected), label
            for name, (chinese, level, _protection) in fields.items():
                assert chinese == expected[name], (label, name)
                assert level.startswith(LEVELS), (label, name, level)


def test_what_is_stored_encrypted_is_said_to_be() -> None:
    """The inventory's 加密 matches the encrypted fields, so neither can drift from the other."""
    from jiuye.core.crypto import EncryptedTextField

    tables, _without = _read()
    for label, fields in tables.items():
        for field in apps.get_model(label)._meta.concrete_fields:
            encrypted = isinstance(field, EncryptedTextField)
            assert encrypted == ("加密" in fields[field.name][2]), (label, field.name)
