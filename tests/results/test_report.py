"""`report`: one self-contained, escaped HTML page, checked in a real headless Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.results import builders
from tools.results import cli
from tools.results.read.jobdir import JobInput, job_root_of
from tools.results.report import render

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Fetches are src/href values; an svg's xmlns is a name, not a request.
FETCH = re.compile(r"""\b(?:src|href)\s*=\s*["']?(?!data:|#)([^"'\s>]+)""", re.IGNORECASE)


def job_input(job: Path) -> JobInput:
    manifest = builders.manifest_path(job)
    return JobInput(manifest=manifest, root=job_root_of(manifest), sources=job / "sources")


def hostile_job(root: Path) -> Path:
    """A boxes job whose label names and keys try to break out of the HTML."""
    job = builders.boxes_job(root)
    manifest = builders.manifest_path(job)
    text = manifest.read_text(encoding="utf-8").replace('"dog"', json.dumps("<script>alert(1)</script>&\"'"))
    manifest.write_text(text, encoding="utf-8")
    return job


def test_report_escapes_every_data_string(tmp_path: Path) -> None:
    page = render(job_input(hostile_job(tmp_path)))
    assert "<script>" not in page and "alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#x27;" in page
    assert page.count("<figure>") == 4  # four labeled images were pulled; the failed one is left out


def test_report_is_self_contained(tmp_path: Path) -> None:
    job, _ = builders.segmentation_job(tmp_path / "streets-root")
    for page in (render(job_input(hostile_job(tmp_path / "pets-root"))), render(job_input(job))):
        assert FETCH.findall(page) == []
        assert '<link rel="stylesheet"' not in page and "@import" not in page
        assert page.count("data:image/") >= 1


def test_report_cli_writes_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    job = builders.classification_job(tmp_path / "jobs")
    out = tmp_path / "report" / "fashion.html"
    assert cli.main(["report", "--manifest", str(builders.manifest_path(job)), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Krippendorff's alpha (nominal): 0.625" in page
    assert "Flipflop " in page and "Ñandú" in page and page.count("<figure>") == 4
    assert "wrote" in capsys.readouterr().err


def test_report_without_pulled_images_says_so(tmp_path: Path) -> None:
    job = builders.boxes_job(tmp_path, with_sources=False)
    page = render(JobInput(manifest=builders.manifest_path(job)))
    assert "No pulled images to show" in page and "<figure>" not in page


# --- in a real browser ---------------------------------------------------------------------------


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    problem = None
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        problem = f"Debian's chromium and chromium-driver are not installed ({CHROMIUM}, {CHROMEDRIVER})"
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        problem = problem or "selenium is not installed (requirements-results-test.txt)"
    if problem:
        if os.environ.get("GT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"GT_REQUIRE_BROWSER=1 but {problem}")
        pytest.skip(problem)
    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must never try to download anything
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):  # fmt: skip
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)


def open_page(driver: object, page: Path) -> tuple[list[int], list[dict[str, object]]]:
    driver.get(page.as_uri())  # type: ignore[attr-defined]
    widths = driver.execute_script(  # type: ignore[attr-defined]
        "return Array.from(document.querySelectorAll('.gallery img'), i => i.complete ? i.naturalWidth : 0);"
    )
    return list(widths), list(driver.get_log("browser"))  # type: ignore[attr-defined]


def test_report_in_headless_chromium(tmp_path: Path, browser: object) -> None:
    boxes = hostile_job(tmp_path / "pets-root")
    streets, _ = builders.segmentation_job(tmp_path / "streets-root")
    for name, job in (("pets", boxes), ("streets", streets)):
        page = tmp_path / f"{name}.html"
        page.write_text(render(job_input(job)), encoding="utf-8")
        widths, log = open_page(browser, page)
        assert widths and all(width > 0 for width in widths), (name, widths)
        errors = [entry for entry in log if entry.get("level") == "SEVERE"]
        assert errors == [], (name, errors)
    # the streets page has the photo and its mask overlay, both decoded by the browser
    assert len(widths) == 2


def test_report_of_text_highlights_entities() -> None:
    data = Path(__file__).parent / "data" / "docs" / "named_entity.manifest"
    page = render(JobInput(manifest=data))
    assert page.count("<mark ") == 7
    assert 'title="Thing">cloud machine-learning platform</mark>' in page
