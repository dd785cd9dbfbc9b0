"""`make demo`'s preparation: idempotent, and the demo registry is scoped like everything else."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from jiuye.accounts.models import User
from jiuye.registry.models import Person

pytestmark = pytest.mark.django_db


def test_prepare_demo_twice(settings: object, tmp_path: object) -> None:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    first = io.StringIO()
    call_command("prepare_demo", persons=300, stdout=first)
    assert Person.objects.count() == 300
    assert User.objects.filter(username="ziyang_officer", role="county_officer", region_id="610924000000").exists()
    second = io.StringIO()
    call_command("prepare_demo", persons=300, stdout=second)
    assert Person.objects.count() == 300
    lines = [json.loads(line) for line in second.getvalue().strip().splitlines() if line.startswith("{")]
    assert {"skipped": "registry already loaded", "persons": 300} in lines
    officer = User.objects.get(username="ziyang_officer")
    assert all(
        code.startswith("610924") for code in Person.objects.visible_to(officer).values_list("region_id", flat=True)
    )
