"""An output option never replaces a file the user already has: an input of the command, or a batch's results."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini-scenario.yaml"


@pytest.fixture
def inputs(tmp_path):
    for name in ("mini-scenario.yaml", "mini-network.yaml"):
        shutil.copy(MINI.parent / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def journal(inputs, run_cli):
    path = inputs / "j.jsonl"
    code, _out, err = run_cli("run", inputs / "mini-scenario.yaml", "--until", "2h", "--log", path)
    assert code == 0, err
    return path


VARIANT = """variant:
  id: mfa
  name: MFA on the VPN
  overrides:
    - asset: vpn-portal
      controls: {mfa: true}
"""


def _unchanged(path: Path, before: bytes) -> bool:
    return path.read_bytes() == before


@pytest.mark.parametrize("command", ["report", "export"])
@pytest.mark.parametrize("victim", ["j.jsonl", "mini-scenario.yaml", "mini-network.yaml"])
def test_log_outputs_refuse_the_journal_and_the_files_it_replays(run_cli, inputs, journal, command, victim):
    target = inputs / victim
    before = target.read_bytes()
    code, _out, err = run_cli("log", command, journal, "-o", target)
    assert code == 2 and "Traceback" not in err
    assert err.strip() == f"{target}:1:1: error: --output names an input of this command ({victim}): refusing to overwrite it"
    assert _unchanged(target, before)


def test_log_output_through_a_symlink_is_caught(run_cli, inputs, journal):
    link = inputs / "link.html"
    os.symlink(journal, link)
    before = journal.read_bytes()
    code, _out, err = run_cli("log", "report", journal, "-o", link)
    assert code == 2 and "refusing to overwrite" in err and _unchanged(journal, before)


def test_log_report_still_replaces_its_own_earlier_report(run_cli, inputs, journal):
    out = inputs / "aar.html"
    out.write_text("old report", encoding="utf-8")
    code, _out, err = run_cli("log", "report", journal, "-o", out)
    assert code == 0, err
    assert out.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


@pytest.mark.parametrize("option", ["--out", "--plot"])
@pytest.mark.parametrize("victim", ["mini-scenario.yaml", "mini-network.yaml", "variant.yaml"])
def test_batch_outputs_refuse_the_scenario_network_and_variant(run_cli, inputs, option, victim):
    variant = inputs / "variant.yaml"
    variant.write_text(VARIANT, encoding="utf-8")
    target = inputs / victim
    if option == "--plot":
        target = target.with_suffix(".svg")
        shutil.copy(inputs / victim, target)
        os.remove(inputs / victim)
        os.symlink(target, inputs / victim)  # the input reached through another name
    before = target.read_bytes()
    args = ["batch", inputs / "mini-scenario.yaml", "--runs", "2", "--until", "2h", "--compare", variant, option, target]
    for extra in ((), ("--force",)):  # --force replaces an earlier result file, never an input
        code, _out, err = run_cli(*args, *extra)
        assert code == 2 and "Traceback" not in err
        line = err.strip()  # the input is named as it was reached: through the link or at its target
        assert line.startswith(f"{target}:1:1: error: {option} names an input of this command (") and "\n" not in line
        assert line.endswith("): refusing to overwrite it") and ("--force" not in line)
        assert _unchanged(target, before)


def test_batch_keeps_an_existing_result_file_unless_forced(run_cli, inputs):
    out = inputs / "runs.jsonl"
    out.write_text("hours of cluster time\n", encoding="utf-8")
    args = ["batch", inputs / "mini-scenario.yaml", "--runs", "2", "--until", "2h", "--out", out]
    code, _out, err = run_cli(*args)
    assert code == 2 and err.strip() == f"{out}:1:1: error: result file already exists: refusing to overwrite it (--force replaces it)"
    assert out.read_text(encoding="utf-8") == "hours of cluster time\n"
    code, _out, err = run_cli(*args, "--force")
    assert code == 0, err
    assert out.read_text(encoding="utf-8").startswith('{"arms"')


def test_batch_out_and_plot_cannot_be_one_file(run_cli, inputs):
    code, _out, err = run_cli("batch", inputs / "mini-scenario.yaml", "--runs", "2", "--out", inputs / "r.html", "--plot", inputs / "r.html")
    assert code == 2 and "--plot and --out name the same file" in err
    assert not (inputs / "r.html").exists()


def test_network_export_refuses_its_own_network(run_cli, inputs):
    net = inputs / "mini-network.yaml"
    before = net.read_bytes()
    code, _out, err = run_cli("network", "export", net, "--format", "json", "-o", net)
    assert code == 2 and "refusing to overwrite" in err and _unchanged(net, before)


def test_network_export_refuses_a_fragment_the_network_includes(run_cli, tmp_path):
    from tests.test_loader_bad_input import VALID

    (tmp_path / "parts").mkdir()
    fragment = tmp_path / "parts" / "imaging.yaml"
    fragment.write_text("network_fragment:\n  assets:\n    - {id: pacs, name: PACS, kind: server, zone: servers}\n", encoding="utf-8")
    net = tmp_path / "net.yaml"
    net.write_text(VALID.replace("  beds: 40\n", "  beds: 40\n  include: [parts/imaging.yaml]\n"), encoding="utf-8")
    before = fragment.read_bytes()
    code, _out, err = run_cli("network", "export", net, "--format", "dot", "-o", fragment)
    assert code == 2 and err.strip().endswith("--output names an input of this command (imaging.yaml): refusing to overwrite it")
    assert _unchanged(fragment, before)
    code, _out, err = run_cli("network", "export", net, "--format", "dot", "-o", tmp_path / "net.dot")
    assert code == 0, err


@pytest.fixture
def with_fragment(inputs):
    """The mini scenario on a network that reads one of its assets from an included fragment."""
    net = inputs / "mini-network.yaml"
    text = net.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if "id: mail," in ln)
    (inputs / "parts").mkdir()
    (inputs / "parts" / "mail.yaml").write_text("network_fragment:\n  assets:\n" + line + "\n", encoding="utf-8")
    text = text.replace(line + "\n", "")
    text = text.replace("\n  zones:", "\n  include: [parts/mail.yaml]\n  zones:", 1)
    net.write_text(text, encoding="utf-8")
    return inputs / "parts" / "mail.yaml"


def test_batch_refuses_a_fragment_of_the_network(run_cli, inputs, with_fragment):
    before = with_fragment.read_bytes()
    code, _out, err = run_cli("batch", inputs / "mini-scenario.yaml", "--runs", "2", "--until", "2h", "--out", with_fragment, "--force")
    assert code == 2 and err.strip().endswith("--out names an input of this command (mail.yaml): refusing to overwrite it")
    assert _unchanged(with_fragment, before)


@pytest.mark.parametrize("command", ["report", "export"])
def test_log_outputs_refuse_a_fragment_of_the_network(run_cli, inputs, with_fragment, command):
    journal = inputs / "j.jsonl"
    code, _out, err = run_cli("run", inputs / "mini-scenario.yaml", "--until", "2h", "--log", journal)
    assert code == 0, err
    before = with_fragment.read_bytes()
    code, _out, err = run_cli("log", command, journal, "-o", with_fragment)
    assert code == 2 and err.strip().endswith("--output names an input of this command (mail.yaml): refusing to overwrite it")
    assert _unchanged(with_fragment, before)


@pytest.mark.parametrize("option", ["--out", "--plot"])
def test_batch_output_that_is_a_folder_is_refused_before_running(run_cli, inputs, option):
    folder = inputs / ("results.svg" if option == "--plot" else "results")
    folder.mkdir()
    code, _out, err = run_cli("batch", inputs / "mini-scenario.yaml", "--runs", "2", option, folder)
    assert code == 2 and err.strip() == f"{folder}:1:1: error: {option} names a folder: give the file's name"


def test_batch_keeps_a_dangling_link_at_out(run_cli, inputs):
    link = inputs / "runs.jsonl"
    os.symlink(inputs / "elsewhere.jsonl", link)
    code, _out, err = run_cli("batch", inputs / "mini-scenario.yaml", "--runs", "2", "--out", link)
    assert code == 2 and "result file already exists" in err
    assert not (inputs / "elsewhere.jsonl").exists()


def test_written_files_get_the_usual_mode_not_mkstemp_0600(tmp_path):
    """Regression: reports, exports and kits came out 0600 (the temp file's mode) whatever the umask."""
    from simulator.fileio import write_atomic

    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.html"
        write_atomic(fresh, "x")
        assert fresh.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.csv"
        kept.write_text("old", encoding="utf-8")
        kept.chmod(0o640)
        write_atomic(kept, "new")
        assert kept.stat().st_mode & 0o777 == 0o640 and kept.read_text(encoding="utf-8") == "new"
    finally:
        os.umask(old)
