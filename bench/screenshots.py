"""Screenshots of the demo's HTML report for docs/screenshots/: desktop (1366 px), phone (400 px), the
requirement tree opened, and the first page of the report printed to PDF.

    python bench/screenshots.py [--report cardaudit-demo/report.json] [--out docs/screenshots]

Without --report it runs the demo first (needs the demo extra). Uses Debian's chromium through
Playwright, and pdftoppm (poppler-utils) for the PDF page when it is installed, else Chromium's
print emulation.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from cardaudit.formats import html as html_format
from cardaudit.readback import load_report
from tests import html_support


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--report", type=Path, help="a saved JSON report of the demo")
    parser.add_argument("--out", type=Path, default=Path(__file__).parents[1] / "docs" / "screenshots")
    args = parser.parse_args()
    reason = html_support.missing_browser()
    if reason:
        raise SystemExit(reason)
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp())
    if args.report:
        report = load_report(args.report)
    else:
        from cardaudit.demo.run import run_demo

        report = run_demo(work / "demo")
    page_file = work / "report.html"
    page_file.write_text(html_format.render(report), encoding="utf-8")
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = html_support.launch(playwright)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(page_file.as_uri())
        page.wait_for_selector("html[data-ready='1']")
        page.screenshot(path=str(args.out / "desktop.png"))
        page.click("#r-10 > summary")
        if not page.eval_on_selector("#r-10\\.2\\.1", "d => d.open"):
            page.click("#r-10\\.2\\.1 > summary")
        page.locator("#r-10").scroll_into_view_if_needed()
        box = page.locator("#r-10").bounding_box()
        page.screenshot(path=str(args.out / "desktop-requirements.png"), full_page=True,
                        clip={"x": 0, "y": box["y"] + page.evaluate("scrollY") - 60, "width": 1366, "height": 900})
        page.close()
        phone = browser.new_page(viewport={"width": 400, "height": 860}, device_scale_factor=1)
        phone.goto(page_file.as_uri())
        phone.wait_for_selector("html[data-ready='1']")
        phone.screenshot(path=str(args.out / "phone.png"))
        phone.evaluate("document.getElementById('act').scrollIntoView()")
        phone.screenshot(path=str(args.out / "phone-who-must-act.png"))
        pdf = work / "report.pdf"
        phone.emulate_media(media="print")
        phone.pdf(path=str(pdf), format="A4", print_background=True)
        first = args.out / "print-page1.png"
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                            str(first.with_suffix(""))], check=True)
        else:
            shot = browser.new_page(viewport={"width": 794, "height": 1123})
            shot.emulate_media(media="print")
            shot.goto(page_file.as_uri())
            shot.screenshot(path=str(first))
        browser.close()
    for png in sorted(args.out.glob("*.png")):
        print(f"{png} {png.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
