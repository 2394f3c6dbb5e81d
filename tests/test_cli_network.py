"""`cyberdrill network show|export|generate` and `schema` as a user runs them."""

from __future__ import annotations

import json
import os
import stat

import jsonschema
import networkx as nx
import pytest

from tests.conftest import REFERENCE_NETWORK, ROOT


def test_show_json_counts(run_cli):
    code, out, err = run_cli("network", "show", REFERENCE_NETWORK, "--json")
    assert code == 0, err
    data = json.loads(out)
    for key in ("assets", "zones", "services", "clinical_functions"):
        assert isinstance(data[key], int)
    assert data["assets"] >= 120 and data["zones"] >= 8 and data["services"] >= 20 and data["clinical_functions"] >= 10
    assert "emergency" in data["critical_dependencies"]


def test_show_human(run_cli):
    code, out, _ = run_cli("network", "show", REFERENCE_NETWORK, "--lang", "fr")
    assert code == 0
    assert "Zones" in out and "Urgences" in out, "French names with --lang fr"


def test_export_graphml_reads_back(run_cli, tmp_path):
    out = tmp_path / "sih.graphml"
    code, _, err = run_cli("network", "export", REFERENCE_NETWORK, "--format", "graphml", "-o", out)
    assert code == 0, err
    graph = nx.read_graphml(out)
    assert graph.number_of_nodes() > 120
    kinds = {d.get("edge") for _u, _v, d in graph.edges(data=True)}
    assert {"flow", "dependency"} <= kinds


def test_export_dot_and_json(run_cli, tmp_path):
    code, _, _ = run_cli("network", "export", REFERENCE_NETWORK, "--format", "dot", "-o", tmp_path / "g.dot")
    assert code == 0 and (tmp_path / "g.dot").read_text().lstrip().startswith(("digraph", "strict digraph"))
    code, _, _ = run_cli("network", "export", REFERENCE_NETWORK, "--format", "json", "-o", tmp_path / "g.json")
    assert code == 0 and json.loads((tmp_path / "g.json").read_text())


def test_export_to_missing_folder_writes_nothing(run_cli, tmp_path):
    target = tmp_path / "missing" / "g.graphml"
    code, _, err = run_cli("network", "export", REFERENCE_NETWORK, "--format", "graphml", "-o", target)
    assert code == 2 and ": error: " in err and not target.exists()


def test_show_bad_file_is_compiler_style(run_cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("network: [1, 2]\n")
    code, _, err = run_cli("network", "show", bad)
    assert code == 2
    assert ":1:10: error: network: expected a mapping" in err, err


def test_generate_is_deterministic_and_valid(run_cli, tmp_path):
    a, b, c = tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "c.yaml"
    assert run_cli("network", "generate", "--sites", "3", "--beds", "1200", "--seed", "7", "-o", a)[0] == 0
    assert run_cli("network", "generate", "--sites", "3", "--beds", "1200", "--seed", "7", "-o", b)[0] == 0
    assert run_cli("network", "generate", "--sites", "3", "--beds", "1200", "--seed", "8", "-o", c)[0] == 0
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    code, _, err = run_cli("validate", a)
    assert code == 0, err


def test_generate_refuses_impossible_sizes(run_cli, tmp_path):
    code, _, err = run_cli("network", "generate", "--sites", "5", "--beds", "60", "-o", tmp_path / "x.yaml")
    assert code == 2 and "error:" in err and not (tmp_path / "x.yaml").exists()


def test_schema_command_prints_valid_draft07(run_cli):
    code, out, _ = run_cli("schema", "network")
    assert code == 0
    jsonschema.Draft7Validator.check_schema(json.loads(out))
    assert out == (ROOT / "schemas" / "network.schema.json").read_text()


def test_schema_unknown_kind(run_cli):
    code, _, err = run_cli("schema", "netwrok")
    assert code == 2 and "error: unknown schema kind" in err


def test_validate_shipped_scenarios(run_cli):
    code, out, err = run_cli("validate", ROOT / "scenarios")
    assert code == 0, err


def test_version_and_module_entry(run_cli):
    import subprocess
    import sys

    from simulator import __version__

    code, out, _ = run_cli("--version")
    assert code == 0 and __version__ in out
    proc = subprocess.run([sys.executable, "-m", "simulator", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "validate" in proc.stdout


def _plain_open_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@pytest.mark.parametrize("command", [
    ("network", "generate", "--sites", "1", "--beds", "100"),
    ("network", "export", REFERENCE_NETWORK, "--format", "graphml"),
    ("network", "export", REFERENCE_NETWORK, "--format", "dot"),
])
def test_outputs_are_never_replaced_silently_and_get_the_usual_mode(run_cli, tmp_path, command):
    """Regression: `network generate -o X` and `network export --format graphml` replaced any
    existing file without a word, and wrote it with mode 0600 (a second atomic writer beside
    simulator.fileio.write_atomic, with mkstemp's mode)."""
    target = tmp_path / "out.file"
    code, _, err = run_cli(*command, "-o", target)
    assert code == 0, err
    assert stat.S_IMODE(target.stat().st_mode) == _plain_open_mode()
    target.write_text("the user's own edits\n")
    os.chmod(target, 0o640)
    code, _, err = run_cli(*command, "-o", target)
    assert code == 2 and err.strip() == f"{target}:1:1: error: file already exists: refusing to overwrite it (--force replaces it)"
    assert target.read_text() == "the user's own edits\n"
    code, _, err = run_cli(*command, "-o", target, "--force")
    assert code == 0, err
    assert target.read_text() != "the user's own edits\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640, "a replaced file keeps its mode"
    assert [p.name for p in tmp_path.iterdir()] == ["out.file"], "a temporary file was left behind"
