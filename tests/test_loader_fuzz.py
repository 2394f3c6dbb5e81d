"""Fuzzing with a bounded budget (a few seconds each, derandomised so the suite stays
deterministic): mutated scenario, network and policy files never crash the loader and every
error is positioned in a file that exists; random bytes neither; and mutated journals get the
same verdict, exit code and line, from `log verify` and docs/verify_journal.py."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.journal.verify import verify_journal
from simulator.model.diagnostics import InputError
from simulator.model.documents import load_document

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
POLICY = ROOT / "simulator" / "data" / "policies" / "textbook.yaml"
CORPUS = ROOT / "tests" / "journal_corpus"

BUDGET = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# What a hostile or clumsy edit puts in a YAML file: structure, quoting, anchors and tags,
# control and bidi characters, a second document, deep nesting, very long tokens.
PIECES = [
    ":", "- ", "  ", "\t", "\n", "{", "}", "[", "]", ",", "'", '"', "#", "&a ", "*a", "!!python/object:os.system ",
    "!x ", "<<: ", "---\n", "...\n", "%YAML 1.1\n", "? ", "|\n", ">\n", "\\", "\x00", "\x1b", "\u202e", "\u2066",
    "\ufeff", "é", "\U0001f600", "null", "true", "1e400", "-.inf", ".nan", "0x1F", "T+", "999999999999999999999d",
    "[" * 70, "a" * 3000, "\r", "\r\n", "\x85", "\u2028",
]


@st.composite
def mutated(draw, text: str) -> str:
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "duplicate", "swap", "indent", "truncate", "replace-char"]))
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if kind == "insert":
            line = lines[i]
            at = draw(st.integers(0, len(line)))
            piece = draw(st.sampled_from(PIECES) | st.text(min_size=1, max_size=8))
            lines[i] = line[:at] + piece + line[at:]
        elif kind == "delete" and len(lines) > 1:
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap" and len(lines) > 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "   ", "\t", "        "])) + lines[i].lstrip()
        elif kind == "truncate":
            lines = lines[: i + 1]
            lines[-1] = lines[-1][: draw(st.integers(0, len(lines[-1])))]
        elif kind == "replace-char" and lines[i]:
            at = draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:at] + draw(st.characters()) + lines[i][at + 1:]
    return "\n".join(lines)


def _positioned(exc: InputError, files: dict[str, int]) -> None:
    """Every diagnostic names a file of the load and a line and column inside it."""
    assert exc.diagnostics, "an InputError without a diagnostic"
    for d in exc.diagnostics:
        assert d.severity == "error" or d.severity == "warning"
        assert d.message and "\n" not in d.message and "Traceback" not in d.message, d
        name = next((n for n in files if d.file == n or d.file.endswith("/" + Path(n).name) or Path(d.file).name == Path(n).name), None)
        assert name is not None, f"diagnostic in an unexpected file: {d.format()}"
        assert 1 <= d.line <= files[name] + 1 and d.col >= 1, d.format()


def _lines(data: bytes) -> int:
    """Lines as YAML (and the loader's positions) count them: LF, CR LF, a lone CR, NEL, LS, PS."""
    return len(re.split("\r\n|[\r\n\x85\u2028\u2029]", data.decode("utf-8", "replace")))


def _load_mutant(folder: Path, name: str, text: str, others: dict[str, str]) -> None:
    for other, content in others.items():
        (folder / other).write_text(content, encoding="utf-8")
    path = folder / name
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    files = {str(folder / n): _lines((folder / n).read_bytes()) for n in (name, *others)}
    try:
        load_document(path)
    except InputError as exc:
        _positioned(exc, files)


SCENARIO_TEXT = (FIXTURES / "mini-scenario.yaml").read_text(encoding="utf-8")
NETWORK_TEXT = (FIXTURES / "mini-network.yaml").read_text(encoding="utf-8")


@BUDGET
@given(text=mutated(SCENARIO_TEXT))
def test_mutated_scenarios_never_crash_and_every_error_is_positioned(tmp_path_factory, text):
    _load_mutant(tmp_path_factory.mktemp("s"), "mini-scenario.yaml", text, {"mini-network.yaml": NETWORK_TEXT})


@BUDGET
@given(text=mutated(NETWORK_TEXT))
def test_mutated_networks_never_crash_and_every_error_is_positioned(tmp_path_factory, text):
    _load_mutant(tmp_path_factory.mktemp("n"), "mini-network.yaml", text, {})


@BUDGET
@given(text=mutated(POLICY.read_text(encoding="utf-8")))
def test_mutated_policies_never_crash_and_every_error_is_positioned(tmp_path_factory, text):
    _load_mutant(tmp_path_factory.mktemp("p"), "textbook.yaml", text, {})


@BUDGET
@given(data=st.binary(max_size=400))
def test_random_bytes_never_crash_the_loader(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("b")
    path = folder / "x.yaml"
    path.write_bytes(data)
    try:
        load_document(path)
    except InputError as exc:
        _positioned(exc, {str(path): _lines(data)})


# ---------------------------------------------------------------- journals: two verifiers, one verdict


def _script():
    spec = importlib.util.spec_from_file_location("verify_journal_script", ROOT / "docs" / "verify_journal.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()
PLAIN = (CORPUS / "plain.jsonl").read_bytes()
JOURNAL_PIECES = [b" ", b"\n", b"\r", b"{", b"}", b'"', b",", b":", b"0", b"1.5", b"NaN", b"\x00", b"\xff", b"\xef\xbb\xbf", b'"data":{},', b"\\u00e9"]


@st.composite
def mutated_journal(draw) -> bytes:
    data = bytearray(PLAIN)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["insert", "delete", "flip", "cut", "dup-line"]))
        at = draw(st.integers(0, len(data) - 1))
        if kind == "insert":
            data[at:at] = draw(st.sampled_from(JOURNAL_PIECES))
        elif kind == "delete":
            del data[at: at + draw(st.integers(1, 80))]
        elif kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del data[at:]
        else:
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            data = bytearray(b"\n".join(lines))
        if not data:
            break
    return bytes(data)


@BUDGET
@given(data=mutated_journal())
def test_log_verify_and_the_script_agree_on_mutated_journals(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("j") / "j.jsonl"
    path.write_bytes(data)
    result = verify_journal(path)
    code, line, message = SCRIPT.verify(path)
    ours = (result.exit_code, 0 if result.ok else result.first_bad_line)
    theirs = (code, 0 if code == 0 else line)
    assert ours == theirs, f"log verify says {ours} ({result.reason}), the script {theirs} ({message})"


def test_the_fuzz_corpus_files_are_what_the_tests_read():
    """The fixtures fuzzed above exist (a missing one must fail, never skip)."""
    for path in (FIXTURES / "mini-scenario.yaml", FIXTURES / "mini-network.yaml", POLICY, CORPUS / "plain.jsonl"):
        assert path.is_file(), path
