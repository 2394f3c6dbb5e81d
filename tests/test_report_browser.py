"""The report as a director sees it, in a real Chromium (Debian's, driven by Playwright):
legible at 390 px with nothing wider than the screen, no chart label cut, A4 print with the
executive summary on page 1, nothing fetched from the network, no console error."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from simulator.report.data import build_report
from simulator.report.render import render_html
from tests.report_helpers import textbook_flagship

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
A4 = (595.0, 842.0)  # points

OVERFLOW = """() => {
  const w = document.documentElement.clientWidth, bad = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > w + 0.5 || r.left < -0.5) bad.push(el.tagName + (el.id ? '#' + el.id : '') + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
  }
  return {scroll: document.documentElement.scrollWidth - w, bad: bad.slice(0, 10)};
}"""
CLIPPED = """() => [...document.querySelectorAll('svg text')].filter(t => {
  const s = t.ownerSVGElement.getBoundingClientRect(), r = t.getBoundingClientRect();
  return r.width > 0 && (r.left < s.left - 0.5 || r.right > s.right + 0.5 || r.top < s.top - 0.5 || r.bottom > s.bottom + 0.5);
}).map(t => t.textContent)"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    log = textbook_flagship(folder)
    from simulator.journal.verify import verify_journal

    out = {"head": verify_journal(log).head}
    for lang in ("fr", "en"):
        path = folder / f"report-{lang}.html"
        path.write_text(render_html(build_report(log, lang)), encoding="utf-8")
        out[lang] = path
    return out


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install -y chromium); .ci/run does")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


def _open(browser, path: Path, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    page.goto(path.as_uri())
    return page, errors, requests


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_phone_width_nothing_wider_than_the_screen(browser, reports, lang):
    page, errors, requests = _open(browser, reports[lang], 390)
    got = page.evaluate(OVERFLOW)
    assert got["scroll"] <= 0 and got["bad"] == [], got
    assert page.evaluate(CLIPPED) == []
    # legible: body text at least 14 px, chart text at least 11 px once scaled to the screen
    assert float(page.evaluate("() => getComputedStyle(document.body).fontSize").rstrip("px")) >= 14
    sizes = page.evaluate("""() => [...document.querySelectorAll('.chart-narrow svg text')].filter(t => t.getBoundingClientRect().width > 0)
        .map(t => t.getBoundingClientRect().height)""")
    assert sizes and min(sizes) >= 11, min(sizes)
    assert errors == [] and requests == []
    page.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_desktop_width_no_chart_label_cut(browser, reports, lang):
    page, errors, requests = _open(browser, reports[lang], 1280)
    assert page.evaluate(CLIPPED) == []
    assert page.evaluate(OVERFLOW)["scroll"] <= 0
    assert errors == [] and requests == []
    page.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_prints_to_a4_with_the_executive_summary_on_page_one(browser, reports, lang):
    import pypdf

    from simulator.i18n import t

    page, errors, requests = _open(browser, reports[lang], 1280)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    page.close()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - A4[0]) < 2 and abs(float(box.height) - A4[1]) < 2
    first = " ".join(reader.pages[0].extract_text().split())
    second = " ".join(reader.pages[1].extract_text().split())
    assert t("report.section.summary", lang) in first
    assert t("report.summary.improvements", lang) in first
    assert t("report.section.objectives", lang) not in first and t("report.section.objectives", lang) in second
    # the running header: the scenario and the journal's head hash, on every page
    title = "Rançongiciel une nuit de week-end" if lang == "fr" else "Ransomware on a weekend night"
    for p in (reader.pages[0], reader.pages[len(reader.pages) // 2], reader.pages[-1]):
        text = p.extract_text()
        assert f"Journal {reports['head'][:16]}" in text and title in text
    assert errors == [] and requests == []
