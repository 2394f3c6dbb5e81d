"""Scenario text never becomes HTML or a script link in the Markdown kits and report, and
bidirectional controls are refused where a scenario is read."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from simulator.guide.kit import build_kit
from simulator.guide.source import load_source
from simulator.markdown_safe import safe_markdown
from simulator.model.diagnostics import InputError
from simulator.model.documents import load_document

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

HOSTILE = {
    # (file, original text, replacement): network name, scenario title, an inject's text, a persona
    "net": ("mini-network.yaml", '"Miniature hospital (test fixture)"', '"<script>alert(1)</script> & [x](javascript:alert(1))"'),
    "title": ("mini-scenario.yaml", '"Ransomware at the miniature hospital"', '"<img src=x onerror=alert(2)>"'),
    "text": ("mini-scenario.yaml", '"The ED printers are printing a strange message in English..."', '"<script>alert(3)</script> [y]( JavaScript:alert(4))"'),
    "persona": ("mini-scenario.yaml", '"Night nurse, ED"', '"<b onmouseover=alert(5)>nurse</b> <https://evil.example>"'),
}


@pytest.fixture
def hostile(tmp_path) -> Path:
    for name in ("mini-network.yaml", "mini-scenario.yaml"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    for file, old, new in HOSTILE.values():
        path = tmp_path / file
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new), encoding="utf-8")
    return tmp_path / "mini-scenario.yaml"


# what CommonMark makes of our own Markdown; never script, img, b, iframe...
SAFE_TAGS = {"h1", "h2", "h3", "h4", "p", "strong", "em", "code", "pre", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "br", "blockquote", "hr", "a"}


def _assert_inert(name: str, markdown: str) -> None:
    """Nothing a renderer that passes raw HTML (CommonMark, html on) would make live."""
    html = MarkdownIt("commonmark").render(markdown)
    tags = set(re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", html))
    assert tags <= SAFE_TAGS, f"{name}: {sorted(tags - SAFE_TAGS)} reach the HTML"
    assert 'href="javascript' not in html.lower() and "](javascript" not in markdown.lower().replace(" ", ""), name
    assert "<https://evil" not in markdown and 'href="https://evil' not in html, f"{name}: an autolink survived"
    assert markdown.replace("<br>", "").count("<") == 0, f"{name}: a raw '<' is left"


def test_the_kits_show_hostile_text_as_text(hostile):
    """Regression: a title `<script>alert(1)</script>` reached player-kit.md as is."""
    files = build_kit(load_source(hostile), "en")
    docs = {n: d.decode("utf-8") for n, d in files.items() if n.endswith(".md")}
    assert "player-kit.md" in docs and "facilitator-kit.md" in docs
    for name, text in docs.items():
        _assert_inert(name, text)
    # the author's words are still there, as text a reader sees
    html = MarkdownIt("commonmark").render(docs["player-kit.md"])
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; [x]" in html
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in MarkdownIt("commonmark").render(docs["facilitator-kit.md"])


def test_the_markdown_report_shows_hostile_text_as_text(hostile, run_cli, tmp_path):
    journal, report = tmp_path / "j.jsonl", tmp_path / "report.md"
    code, _out, err = run_cli("run", hostile, "--until", "6h", "--log", journal)
    assert code == 0, err
    code, _out, err = run_cli("log", "report", journal, "--format", "md", "--lang", "en", "-o", report, "--scenario", hostile)
    assert code == 0, err
    text = report.read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(2)>" in text  # the scenario's title, shown
    _assert_inert("report.md", text)


@pytest.mark.parametrize(("source", "expected"), [
    ("a <script>x</script>", "a &lt;script>x&lt;/script>"),
    ("cell<br>next", "cell<br>next"),
    ("blank\n\n&nbsp;", "blank\n\n&nbsp;"),
    ("R&D", "R&amp;D"),
    ("&lt;script&gt;", "&amp;lt;script&amp;gt;"),
    ("[a](javascript:alert(1))", "[a]\\(javascript:alert(1))"),
    ("[a](JaVaScRiPt\\:x)", "[a]\\(JaVaScRiPt\\:x)"),
    ("[a](vbscript:x)", "[a]\\(vbscript:x)"),
    ("[a](data:text/html,x)", "[a]\\(data:text/html,x)"),
    ("![c](data:image/svg+xml;base64,AAAA)", "![c](data:image/svg+xml;base64,AAAA)"),
    ("[a](https://x.org/?a=1&b=2)", "[a](https://x.org/?a=1&amp;b=2)"),
    ("[a](relative/file.png)", "[a](relative/file.png)"),
    ("[r]: javascript:alert(1)", "[r]\\: javascript:alert(1)"),
    ("`code` stays", "`code` stays"),
])
def test_safe_markdown(source, expected):
    assert safe_markdown(source) == expected


BIDI = ["\u202e", "\u202a", "\u202b", "\u202c", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"]


@pytest.mark.parametrize("char", BIDI)
def test_bidirectional_controls_are_refused_at_their_position(tmp_path, char):
    """Regression: a right-to-left override (U+202E) in a name was accepted ("Trojan Source")."""
    text = (FIXTURES / "mini-scenario.yaml").read_text(encoding="utf-8")
    old = '"Night nurse, ED"'
    line = text[: text.index(old)].count("\n") + 1
    col = text[: text.index(old)].rsplit("\n", 1)[-1].__len__() + 1
    path = tmp_path / "mini-scenario.yaml"
    shutil.copy(FIXTURES / "mini-network.yaml", tmp_path / "mini-network.yaml")
    path.write_text(text.replace(old, f'"Night nurse{char}, ED"'), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_document(path)
    (d,) = info.value.diagnostics
    assert (d.line, d.col) == (line, col + len('"Night nurse')), d
    assert f"U+{ord(char):04X}" in d.message and "bidirectional" in d.message


def test_a_bidi_control_written_as_an_escape_is_refused_too(tmp_path):
    shutil.copy(FIXTURES / "mini-network.yaml", tmp_path / "mini-network.yaml")
    text = (FIXTURES / "mini-scenario.yaml").read_text(encoding="utf-8").replace('"Night nurse, ED"', '"Night nurse\\u202e, ED"')
    path = tmp_path / "mini-scenario.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_document(path)
    assert any("U+202E (written as an escape)" in d.message and "bidirectional" in d.message for d in info.value.diagnostics)


def test_bidi_controls_in_a_comment_are_refused(tmp_path):
    """Trojan Source hides in comments: the whole file is checked, not only values."""
    shutil.copy(FIXTURES / "mini-network.yaml", tmp_path / "mini-network.yaml")
    text = (FIXTURES / "mini-scenario.yaml").read_text(encoding="utf-8").replace("# Saturday night", "# \u2067Saturday\u2069 night")
    path = tmp_path / "mini-scenario.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_document(path)
    assert {d.message.split(" is not")[0] for d in info.value.diagnostics} == {"bidirectional control character U+2067", "bidirectional control character U+2069"}
