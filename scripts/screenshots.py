"""Screenshots of the main pages of a running demo, for a person to look at.

    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 var/demo-logins.txt var/screenshots/demo

Logs in as the 紫阳县 county officer (from the demo logins file) and saves PNGs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main(base: str, logins: Path, out: Path) -> None:
    passwords = dict(line.split("\t")[:2] for line in logins.read_text().splitlines() if line.strip())
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        page.goto(base + "/accounts/login/")
        page.fill("#id_username", "ziyang_officer")
        page.fill("#id_password", passwords["ziyang_officer"])
        page.click("button[type=submit].primary")
        page.wait_for_url(base + "/")
        shots = [
            ("home", "/"),
            ("registry", "/registry/"),
            ("registry-filtered", "/registry/?status=out_of_province&group=poverty_alleviated"),
            ("cases", "/registry/zero-employment/"),
            ("imports", "/imports/"),
        ]
        for name, path in shots:
            page.goto(base + path)
            page.screenshot(path=str(out / f"{name}.png"), full_page=False)
        page.goto(base + "/registry/")
        page.click("#person-rows tbody tr:first-child a")
        page.wait_for_load_state()
        page.screenshot(path=str(out / "person.png"), full_page=True)
        page.goto(base + "/registry/zero-employment/")
        links = page.locator("table a")
        if links.count():
            links.first.click()
            page.wait_for_load_state()
            page.screenshot(path=str(out / "case.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
