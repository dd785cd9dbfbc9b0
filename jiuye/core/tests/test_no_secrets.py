"""Secret scanning (security bar S-2): no key, token, password or private key is committed.

Every file the repository tracks is read (``git ls-files``; on a copy without git history, the
tree minus what .gitignore keeps out) and matched against the shapes secrets take: private-key
blocks, cloud and forge tokens, a 32-byte base64 key such as the ones Jiuye's own settings read
from the environment, and a secret-named setting assigned a long literal. The last shape is not
applied to the tests, whose throwaway users have written-out passwords; the demo's passwords are
made at run time (``secrets``) and never written to a tracked file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SKIP_DIRS = {".git", ".venv", "node_modules", "var", "static/vendor", "staticfiles", "bench/out", "__pycache__"}
SKIP_SUFFIXES = {".mo", ".png", ".jpg", ".ico", ".woff", ".woff2", ".sqlite3", ".xlsx", ".xls", ".docx", ".pdf"}

SHAPES = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "32-byte base64 key": re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{43}=(?![A-Za-z0-9+/=])"),
    "secret-named literal": re.compile(
        r"""(?ix)\b[a-z_]*(?:secret|passwd|password|api_key|token|_key)\b["']?\s*[:=]\s*["'][^"'\s]{12,}["']"""
    ),
}

TEST_ONLY = {"secret-named literal"}  # shapes the tests' own files may show (test users' passwords)


def _is_test_file(relative: str) -> bool:
    return "/tests/" in f"/{relative}" or relative.endswith("conftest.py")


def tracked_files() -> Iterator[Path]:
    git = shutil.which("git")
    try:
        if git is None or not (ROOT / ".git").exists():
            raise FileNotFoundError("no git checkout")
        listed = subprocess.run(  # noqa: S603 (a fixed command: git, found on PATH, listing files)
            [git, "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
        )
        names = [name for name in listed.stdout.decode().split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file()]
    for name in names:
        if any(name == d or name.startswith(d + "/") or f"/{d}/" in name for d in SKIP_DIRS):
            continue
        path = ROOT / name
        if path.suffix.lower() in SKIP_SUFFIXES or not path.is_file():
            continue
        yield path


def findings(path: Path, text: str) -> list[tuple[str, int, str]]:
    found = []
    relative = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name
    shapes = {k: v for k, v in SHAPES.items() if not (k in TEST_ONLY and _is_test_file(relative))}
    for number, line in enumerate(text.splitlines(), start=1):
        for shape, pattern in shapes.items():
            found.extend((shape, number, match.group(0)[:24] + "…") for match in pattern.finditer(line))
    return found


def test_no_secret_is_committed() -> None:
    report = []
    for path in tracked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        report.extend(
            f"{path.relative_to(ROOT)}:{line}: {shape} {literal}" for shape, line, literal in findings(path, text)
        )
    assert report == []


# Assembled at run time, so that this file itself holds none of them.
PLANTED = [
    ("-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEow\n", "private key"),
    ("aws = '" + "AKIA" + "IOSFODNN7EXAMPLE'\n", "AWS access key"),
    ("JIUYE_FIELD_KEY=" + "q3Zk1u0mW8o2T4v6x8z0B2d4F6h8J0l2N4p6R8t0V2" + "w=\n", "32-byte base64 key"),
    ("SECRET" + '_KEY = "django-insecure-abcdefghijklmnop"\n', "secret-named literal"),
    ("token: " + "ghp_" + "0123456789abcdefghijABCDEFGHIJ0123456789\n", "GitHub token"),
]


@pytest.mark.parametrize(("planted", "shape"), PLANTED)
def test_the_scanner_finds_a_planted_secret(tmp_path: Path, planted: str, shape: str) -> None:
    path = tmp_path / "settings.py"
    path.write_text(planted, encoding="utf-8")
    assert shape in {found[0] for found in findings(path, planted)}


def test_test_passwords_are_allowed_only_in_tests() -> None:
    line = 'PASSWORD = "' + "Correct-Horse-Battery-9" + '"\n'
    assert findings(ROOT / "jiuye" / "accounts" / "tests" / "test_x.py", line) == []
    assert findings(ROOT / "jiuye" / "accounts" / "services.py", line) != []
