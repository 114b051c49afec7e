"""The explorer in a real browser: ``simsim explore`` in a subprocess, driven by Playwright on Chromium.

Chromium is Debian's (``apt-get install chromium``; .ci/run installs it): Playwright cannot
download its own browser here, so it is pointed at the system binary. The test skips only when
no Chromium is installed. Screenshots go to ``$SIMSIM_TEST_ARTIFACTS`` (default: the test's
tmp_path).
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

import simsim

CHROMIUM = os.environ.get("SIMSIM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCENARIO, RUNS, SEED = "mongolia_icc_2024", 300, 5

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set SIMSIM_CHROMIUM)")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "simsim.cli", "explore", SCENARIO, "--port", str(port),
                             "--no-browser", "-n", str(RUNS), "--seed", str(SEED)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    try:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"the explorer did not start:\n{proc.communicate()[0]}")
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def artefacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SIMSIM_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _estimate(page, outcome: str, category: str = "") -> str:
    row = page.locator(f'table.simsim-summary tr[data-outcome="{outcome}"][data-category="{category}"]')
    return row.get_attribute("data-estimate")


def _expected(overrides: list[str], outcome: str, category: str) -> float:
    res = simsim.run(simsim.load_scenario(SCENARIO, overrides), replications=RUNS, seed=SEED, jobs=1)
    s = res.summary([outcome])
    return float(s.loc[s["category"] == category, "estimate"].iloc[0])


def test_slider_changes_the_probability_as_simsim_run_does(server, artefacts):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            hosts: set[str] = set()
            page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
            page.goto(server)
            command = page.locator(".simsim-command")
            expect(command).to_have_text(f"simsim run {SCENARIO} -n {RUNS} --seed {SEED}", timeout=60_000)
            before = _estimate(page, "decision.MNG", "no_arrest")

            # move the slider of w_dependence (uniform in the scenario) to its lowest value
            from simsim.explore.inputs import controls

            ctl = next(c for c in controls(simsim.load_scenario(SCENARIO)) if c.column == "param.w_dependence")
            lowest = f"parameters.w_dependence={ctl.format(ctl.low)}"
            slider = page.locator(".control-param-w_dependence [role=slider]")
            slider.focus()
            slider.press("Home")
            expect(command).to_have_text(f"simsim run {SCENARIO} -n {RUNS} --seed {SEED} --set {lowest}",
                                         timeout=60_000)
            expect(page.locator(".simsim-progress")).to_have_count(0, timeout=60_000)
            after = _estimate(page, "decision.MNG", "no_arrest")
            expect(page.locator(".figure-outcomes").first).to_be_visible()  # the CLI's figure, drawn
            page.set_viewport_size({"width": 1400, "height": 2000})  # the page scrolls inside: show the figures
            page.screenshot(path=str(artefacts / "explore_slider.png"))
            page.set_viewport_size({"width": 1400, "height": 1000})

            # the probabilities are exactly those of simsim.run with the same inputs and seed
            assert float(before) == _expected([], "decision.MNG", "no_arrest")
            assert float(after) == _expected([lowest], "decision.MNG", "no_arrest")
            # weaker weight on energy dependence: a lower chance of not arresting (a direction the
            # dilemma's utility implies: dependence enters the cost of arresting only)
            assert float(after) < float(before)
            row = page.locator('table.simsim-summary tr[data-outcome="decision.MNG"][data-category="no_arrest"]')
            assert row.get_attribute("data-written") == before  # the unchanged scenario, side by side

            # the results folder downloads as a zip that Results.load reads
            with page.expect_download(timeout=60_000) as dl:
                page.get_by_text("Download results (zip)").click()
            data = Path(dl.value.path()).read_bytes()
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
                assert {"changed/runs.parquet", "changed/metadata.json", "as_written/summary.json",
                        "comparison.png", "explore.json"} <= names
                zf.extractall(artefacts / "download")
            loaded = simsim.Results.load(artefacts / "download" / "changed")
            assert len(loaded.runs) == RUNS

            # a bad value shows simsim's validation message in the page, not a traceback
            field = page.locator(".control-param-w_dependence .value-field input")
            field.fill("-1")
            field.press("Enter")
            error = page.locator(".simsim-error")
            expect(error).to_contain_text("parameters.w_dependence", timeout=60_000)
            expect(error).to_contain_text("must be >= 0")
            assert "Traceback" not in page.locator("body").inner_text()
            page.screenshot(path=str(artefacts / "explore_error.png"), full_page=False)
            assert hosts <= {server.split("/")[2]}, f"the page loaded from other hosts: {hosts}"
        finally:
            browser.close()


def test_chromium_is_found_where_ci_installs_it():
    # the browser test above skips without Chromium; CI must never be in that case
    if os.environ.get("CI"):
        assert shutil.which("chromium") or os.path.exists(CHROMIUM), ".ci/run should have installed chromium"
