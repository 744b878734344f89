"""The operator console in a real browser: Debian's chromium, headless, driven by selenium through
chromedriver. Signs in with the token, then checks the page has no console errors, shows the known
cohort's figures and draws every chart (an SVG with a non-zero box). Saves a screenshot.

Skips when chromium or chromedriver is absent (`make test` installs them where it can)."""
from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.support.builders import uid
from tests.support.console import APRIL, ELEARNING_ROW

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER),
                                reason="needs chromium and chromedriver (apt-get install -y chromium chromium-driver)")
webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install -e '.[test]')")
CHARTS = ("by-month", "by-lot", "by-area", "survey")


def _browse(port: int, token: str, profile: str, shot: Path) -> dict:
    """Everything selenium does, on a worker thread (its calls block; the service is in this loop)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # No internet here: background networking (updates, sync, safe browsing) would make it hang.
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                "--window-size=1280,1000"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=DRIVER))
    try:
        driver.set_page_load_timeout(30)
        driver.get(f"http://127.0.0.1:{port}/console?{APRIL}")
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.CSS_SELECTOR, "form[action='/console/sign-in'] button").click()
        WebDriverWait(driver, 30).until(ec.presence_of_element_located((By.ID, "kpi")))
        # The sign-in page answers 401 (the console is not shown without the cookie), which
        # Chromium logs as a failed load; read that log now, then load the console afresh.
        sign_in_log = driver.get_log("browser")
        driver.get(f"http://127.0.0.1:{port}/console?{APRIL}")
        WebDriverWait(driver, 30).until(ec.presence_of_element_located((By.ID, "kpi")))
        boxes = {c: driver.find_element(By.CSS_SELECTOR, f"#chart-{c} svg").rect for c in CHARTS}
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1280, min(int(height) + 100, 8000))
        driver.save_screenshot(str(shot))
        return {"boxes": boxes, "log": driver.get_log("browser"), "sign_in_log": sign_in_log, "html": driver.page_source,
                "table": driver.find_element(By.ID, "kpi").text}
    finally:
        driver.quit()


async def test_the_console_in_a_real_browser(console, monkeypatch):
    token = uid("op")
    monkeypatch.setenv("OPERATOR_API_TOKEN", token)
    with tempfile.TemporaryDirectory(prefix="ptfc-chromium-") as profile:
        shot = Path(tempfile.mkdtemp(prefix="ptfc-console-")) / "console.png"
        seen = await asyncio.to_thread(_browse, console.http_port, token, profile, shot)
    print(f"screenshot: {shot}")
    assert seen["log"] == [], seen["log"]  # the console: no errors, warnings or messages at all
    assert [(e["source"], "401" in e["message"]) for e in seen["sign_in_log"]] == [("network", True)], seen["sign_in_log"]
    assert ELEARNING_ROW in seen["html"].replace("\n", "")
    assert "elearning completed.within 14 days.percent 66.7% 50.0% 100.0%" in seen["table"]
    for chart, box in seen["boxes"].items():
        assert box["width"] > 100 and box["height"] > 50, (chart, box)
    assert shot.stat().st_size > 10_000
