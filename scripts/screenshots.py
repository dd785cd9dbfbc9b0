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
        # Statistics: the county's dashboard at meeting-room size, on a phone, and the report.
        page.set_viewport_size({"width": 1920, "height": 1080})
        page.goto(base + "/stats/")
        page.wait_for_timeout(800)  # charts draw after load
        page.screenshot(path=str(out / "dashboard-1920.png"), full_page=False)
        page.screenshot(path=str(out / "dashboard-full.png"), full_page=True)
        page.goto(base + "/stats/610924000000/targets/")
        page.screenshot(path=str(out / "targets.png"), full_page=True)
        page.goto(base + "/reports/annual/")
        page.screenshot(path=str(out / "report.png"), full_page=False)
        phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=2)
        phone.context.add_cookies(page.context.cookies())
        phone.goto(base + "/stats/")
        phone.wait_for_timeout(800)
        phone.screenshot(path=str(out / "dashboard-phone.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
