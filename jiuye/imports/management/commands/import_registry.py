"""python manage.py import_registry FILE --as USERNAME [--as-of YYYY-MM-DD] [--dry-run]

A shorthand for ``import_data registry.persons FILE …``: the labour-force ledger.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jiuye.imports.management.commands.import_data import run_import


class Command(BaseCommand):
    help = "Import a labour-force ledger (.xlsx, .xls, .csv) as a user; prints a JSON summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", required=True, help="the user whose scope applies")
        parser.add_argument("--as-of", dest="as_of", help="数据截至日期, default today")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        run_import(self, kind="registry.persons", **options)
