"""Benchmark: the HTML report at 50,000 findings in headless Chromium (Debian's, via Playwright).

Prints the file size, the render time, time to interactive (navigation start to the filter script's
`cardaudit:ready` performance mark), and the latency of a filter and of a free-text search. The
table holds at most html.MAX_TABLE_ROWS rows, worst first (`--max-rows 0` renders every finding);
the script shows 100 matching rows at a time, so the browser never lays out them all: the last line
says what laying them all out costs.

    python bench/html_scale.py [--size 50000] [--max-rows 0]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from cardaudit.formats import html as html_format
from tests import html_support

FILTER = """async ([name, value]) => {
  const field = document.querySelector(`#filters [name=${name}]`);
  const t0 = performance.now();
  field.value = value;
  field.dispatchEvent(new Event(name === "q" ? "input" : "change", {bubbles: true}));
  const t1 = performance.now();
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return [t1 - t0, performance.now() - t0, document.getElementById("f-count").textContent];
}"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--max-rows", type=int, default=html_format.MAX_TABLE_ROWS,
                        help="rows in the findings table (0: every finding, no cap)")
    args = parser.parse_args()
    reason = html_support.missing_browser()
    if reason:
        raise SystemExit(reason)
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    report = html_support.report(size=args.size)
    built = time.perf_counter()
    text = html_format.render(report, max_rows=args.max_rows or None)
    rendered = time.perf_counter()
    path = Path(tempfile.mkdtemp()) / "report.html"
    path.write_text(text, encoding="utf-8")
    control = sum(1 for f in report.findings if f.kind == "control")
    rows = text.count('<tr id="f-') - sum(1 for f in report.findings if f.kind == "ownership" and f.status != "PASS")
    print(f"check results: {control}, rows in the findings table: {rows}")
    print(f"file size: {path.stat().st_size / 1e6:.1f} MB")
    print(f"report built in {built - started:.1f} s, HTML rendered in {rendered - built:.1f} s")
    with sync_playwright() as playwright:
        browser = html_support.launch(playwright)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(path.as_uri(), wait_until="load", timeout=300_000)
        page.wait_for_selector("html[data-ready='1']", timeout=300_000)
        ready = page.evaluate("performance.getEntriesByName('cardaudit:ready')[0].startTime")
        dcl = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
        print(f"time to interactive: {ready / 1000:.2f} s (navigation start -> filter script ready; "
              f"DOMContentLoaded {dcl / 1000:.2f} s)")
        for name, value in (("team", "app"), ("status", "FAIL"), ("req", "10"), ("q", "svc-4999"), ("q", "")):
            script, painted, shown = page.evaluate(FILTER, [name, value])
            print(f"filter {name}={value!r}: script {script:.0f} ms, painted {painted:.0f} ms ({shown})")
        # What paginating saves: lay out every row, as a browser without the script would.
        whole = page.evaluate("""() => { const t0 = performance.now();
            document.documentElement.classList.remove("js"); document.body.offsetHeight;
            return performance.now() - t0; }""")
        print(f"laying out all {rows} rows at once: {whole:.0f} ms (the script lays out 100)")
        browser.close()


if __name__ == "__main__":
    main()
