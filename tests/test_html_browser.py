"""The HTML report in real headless Chromium (Debian's, driven by Playwright): offline, filterable,
hostile text shown and never run, and printable to a PDF that carries every evidence guidance.

Where chromium or Playwright is missing the tests skip and say why; with CI=true they fail instead.
Screenshots and the PDF are kept under tmp_path, and copied to $CARDAUDIT_ARTEFACTS when it is set.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cardaudit.formats import html as html_format
from cardaudit.models.report import Report
from tests import html_support


@pytest.fixture(scope="module")
def report() -> Report:
    return html_support.report(size=150, demo=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    html_support.require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = html_support.launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def report_file(report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(html_format.render(report), encoding="utf-8")
    return path


def _keep(path: Path) -> None:
    """Copy a test artefact where CI keeps them."""
    folder = os.environ.get("CARDAUDIT_ARTEFACTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / path.name)


def _visible_rows(page: Any) -> set[str]:
    return set(page.eval_on_selector_all(
        "#ftable > tbody > tr", "rows => rows.filter(r => r.offsetParent !== null).map(r => r.id.slice(2))"))


def test_report_offline_filters_and_hostile_text(browser: Any, report: Report, report_file: Path,
                                                 tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    requests: list[str] = []
    dialogs: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(report_file.as_uri())
    page.wait_for_selector("html[data-ready='1']")  # the filter script ran: its CSP hash matched

    control = [f for f in report.findings if f.kind == "control"]
    # One page of 100 rows shows first, worst first.
    assert page.text_content("#f-count") == f"{len(control)} of {len(control)} results match; showing the first 100"

    page.select_option("select[name=team]", "app")
    assert _visible_rows(page) == {f.id for f in control if f.owner == "app"}
    page.select_option("select[name=status]", "FAIL")
    assert _visible_rows(page) == {f.id for f in control if f.owner == "app" and f.status == "FAIL"}
    page.fill("input[name=q]", html_support.TAG_VALUE)
    tagged = {f.id for f in control if html_support.TAG_VALUE in f.resource.display}
    assert len(tagged) == 1 and _visible_rows(page) == tagged
    page.click("button[type=reset]")
    page.select_option("select[name=req]", "10")
    logging = {f.id for f in control if any(p == "10" or p.startswith("10.") for p in f.pci)}
    assert len(_visible_rows(page)) == min(100, len(logging))  # a page at a time
    while page.is_visible("#f-more button"):
        page.click("#f-more button")
    assert _visible_rows(page) == logging

    # A requirement opens to its sub-requirements and closes again.
    sub = page.locator("#r-10\\.2")
    assert not sub.is_visible()
    page.click("#r-10 > summary")
    assert page.eval_on_selector("#r-10", "d => d.open") and sub.is_visible()
    page.click("#r-10 > summary")
    assert not sub.is_visible()

    # Hostile text is text: shown as written, never an element, never run.
    page.select_option("select[name=req]", "")
    table = page.inner_text("#ftable")
    assert html_support.TAG_VALUE in table and html_support.FILE_NAME in table
    assert page.eval_on_selector_all("img", "e => e.length") == 0
    assert page.eval_on_selector_all("script", "e => e.length") == 2
    assert page.evaluate("Array.from(document.querySelectorAll('*')).some("
                         "e => Array.from(e.attributes).some(a => a.name.startsWith('on')))") is False
    assert dialogs == [] and problems == []
    assert requests == [report_file.as_uri()]  # the file itself, nothing else

    shot = tmp_path / "report-desktop.png"
    page.screenshot(path=str(shot))
    _keep(shot)
    page.set_viewport_size({"width": 400, "height": 860})
    assert page.evaluate("document.documentElement.scrollWidth") <= 400  # nothing overflows a phone
    shot = tmp_path / "report-phone.png"
    page.screenshot(path=str(shot))
    _keep(shot)
    page.close()


def test_every_row_readable_with_scripts_off(browser: Any, report: Report, report_file: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(report_file.as_uri())
    assert _visible_rows(page) == {f.id for f in report.findings if f.kind == "control"}
    assert not page.is_visible("#filters")  # controls that would do nothing stay hidden
    context.close()


def test_print_to_pdf_carries_every_evidence_guidance(browser: Any, report: Report, report_file: Path,
                                                       tmp_path: Path) -> None:
    import pypdfium2

    page = browser.new_page()
    page.goto(report_file.as_uri())
    page.wait_for_selector("html[data-ready='1']")
    pdf = tmp_path / "report.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4", print_background=True)
    page.close()
    _keep(pdf)
    def squeezed(s: str) -> str:
        """Without spaces, hyphens and ligatures: a PDF breaks lines anywhere (PDFium writes U+FFFE for a
        hyphen it broke at) and writes "fi" as one glyph."""
        return re.sub(r"[\s\ufffe-]+", "", unicodedata.normalize("NFKC", s))

    document = pypdfium2.PdfDocument(pdf)
    text = squeezed("".join(p.get_textpage().get_text_range() for p in document))
    document.close()

    guided = [r for r in report.requirements if r.evidence_guidance]
    assert len(guided) > 200
    missing = [r.id for r in guided if squeezed(r.evidence_guidance or "")[:80] not in text]
    assert missing == []
    titles = [r for r in report.requirements if r.kind == "requirement" and r.parent and "." in r.parent]
    assert [r.id for r in titles if squeezed(r.title) not in text] == []


def test_without_chromium_skips_here_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_support, "chromium_path", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium is not installed"):
        html_support.require_browser()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        html_support.require_browser()
