"""`cyberdrill guide` never loses the user's files: failing scenarios keep their kit, gone kits are
pruned only when the tool wrote them, a user's README.md is not replaced, inputs are never overwritten."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simulator.guide.regenerate import main as regenerate

from .conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
SCENARIO_TEXT = (FIXTURES / "mini-scenario.yaml").read_text(encoding="utf-8")
KIT = Path("mini-ransomware")


def _scenarios(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("mini-network.yaml", "mini-scenario.yaml"):
        shutil.copy(FIXTURES / name, folder / name)
    return folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def kits(run_cli, tmp_path):
    """A folder of scenarios and the kits a first `guide --all` wrote from it."""
    src = _scenarios(tmp_path / "in")
    out = tmp_path / "kits"
    code, _o, err = run_cli("guide", src, "--all", "--out", out)
    assert code == 0, err
    return src, out


def test_a_failing_scenario_keeps_its_previous_kit_and_the_users_edits(run_cli, kits):
    src, out = kits
    edited = out / KIT / "fr" / "kit-animateur.md"
    edited.write_bytes(edited.read_bytes() + b"my notes\n")
    before = _snapshot(out)
    (src / "mini-scenario.yaml").write_text(SCENARIO_TEXT.replace("duration: 72h", "duration: 72x"), encoding="utf-8")
    code, _o, err = run_cli("guide", src, "--all", "--out", out)
    assert code == 2
    assert "mini-scenario.yaml:" in err and "error:" in err
    assert "warning: no scenario with this id: folder kept" in err
    assert _snapshot(out) == before  # kit, edits and index untouched


def test_no_index_is_written_when_no_scenario_validates(run_cli, tmp_path):
    src = _scenarios(tmp_path / "in")
    (src / "mini-scenario.yaml").write_text(SCENARIO_TEXT.replace("duration: 72h", "duration: 72x"), encoding="utf-8")
    out = tmp_path / "kits"
    code, _o, _err = run_cli("guide", src, "--all", "--out", out)
    assert code == 2
    assert not (out / "README.md").exists()


def test_a_gone_scenarios_kit_written_by_the_tool_is_removed(run_cli, kits):
    src, out = kits
    (src / "mini-scenario.yaml").write_text(SCENARIO_TEXT.replace("id: mini-ransomware", "id: mini-renamed"), encoding="utf-8")
    code, _o, err = run_cli("guide", src, "--all", "--out", out)
    assert code == 0, err
    assert not (out / KIT).exists()
    assert (out / "mini-renamed" / "fr" / "kit-animateur.md").is_file()


@pytest.mark.parametrize("change", ["extra file", "extra folder", "rewritten kit", "rewritten csv"])
def test_a_gone_scenarios_folder_holding_the_users_files_is_kept(run_cli, kits, change):
    src, out = kits
    if change == "extra file":
        (out / KIT / "fr" / "debrief.md").write_text("notes\n", encoding="utf-8")
    elif change == "extra folder":
        (out / KIT / "photos").mkdir()
    elif change == "rewritten kit":
        (out / KIT / "en" / "player-kit.md").write_text("# Our own player brief\n", encoding="utf-8")
    else:
        (out / KIT / "fr" / "chronogramme.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    before = {k: v for k, v in _snapshot(out).items() if k.startswith(str(KIT))}
    (src / "mini-scenario.yaml").write_text(SCENARIO_TEXT.replace("id: mini-ransomware", "id: mini-renamed"), encoding="utf-8")
    code, _o, err = run_cli("guide", src, "--all", "--out", out)
    assert code == 0, err
    assert f"{out / KIT}:1:1: warning: no scenario with this id: folder kept, it holds files cyberdrill guide did not write" in err
    assert {k: v for k, v in _snapshot(out).items() if k.startswith(str(KIT))} == before
    assert (out / KIT / "photos").is_dir() or change != "extra folder"


def test_a_readme_the_tool_did_not_write_is_refused_before_anything_is_written(run_cli, tmp_path):
    src = _scenarios(tmp_path / "in")
    (src / "README.md").write_text("my notes\n", encoding="utf-8")
    before = _snapshot(src)
    code, _o, err = run_cli("guide", src, "--all", "--out", src)
    assert code == 2
    assert err.strip() == f"{src / 'README.md'}:1:1: error: this README.md is not an index written by cyberdrill guide: refusing to overwrite it (move it away or choose another --out)"
    assert _snapshot(src) == before


def test_regenerate_refuses_a_foreign_readme_without_traceback(tmp_path, capsys):
    src = _scenarios(tmp_path / "in")
    out = tmp_path / "guides"
    out.mkdir()
    (out / "README.md").write_text("# Our guides\n", encoding="utf-8")
    assert regenerate(["--scenarios", str(src), "--out", str(out)]) == 2
    assert "README.md:1:1: error: this README.md is not an index written by cyberdrill guide" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["README.md"]


def test_the_tools_own_index_is_replaced(run_cli, kits):
    src, out = kits
    (src / "mini-scenario.yaml").write_text(SCENARIO_TEXT.replace("id: mini-ransomware", "id: mini-renamed"), encoding="utf-8")
    code, _o, err = run_cli("guide", src, "--all", "--out", out)
    assert code == 0, err
    assert "mini-renamed/fr/kit-animateur.md" in (out / "README.md").read_text(encoding="utf-8")


def test_single_scenario_named_like_an_output_is_not_overwritten(run_cli, tmp_path):
    g3 = tmp_path / "g3"
    g3.mkdir()
    shutil.copy(FIXTURES / "mini-network.yaml", g3 / "mini-network.yaml")
    shutil.copy(FIXTURES / "mini-scenario.yaml", g3 / "kit-joueur.md")
    before = _snapshot(g3)
    code, _o, err = run_cli("guide", g3 / "kit-joueur.md", "--out", g3)
    assert code == 2
    assert err.strip() == f"{g3 / 'kit-joueur.md'}:1:1: error: --out names an input of this command (kit-joueur.md): refusing to overwrite it"
    assert _snapshot(g3) == before  # nothing written, not even the other kit files


def test_single_scenario_network_named_like_an_output_is_not_overwritten(run_cli, tmp_path):
    g = tmp_path / "g"
    g.mkdir()
    shutil.copy(FIXTURES / "mini-network.yaml", g / "chronogramme.csv")
    (g / "s.yaml").write_text(SCENARIO_TEXT.replace("network: mini-network.yaml", "network: chronogramme.csv"), encoding="utf-8")
    before = _snapshot(g)
    code, _o, err = run_cli("guide", g / "s.yaml", "--out", g)
    assert code == 2
    assert "--out names an input of this command (chronogramme.csv): refusing to overwrite it" in err
    assert _snapshot(g) == before


def test_single_scenario_network_fragment_named_like_an_output_is_not_overwritten(run_cli, tmp_path):
    g = tmp_path / "g"
    g.mkdir()
    network = (FIXTURES / "mini-network.yaml").read_text(encoding="utf-8")
    (g / "mini-network.yaml").write_text(network.replace("  beds: 120\n", "  beds: 120\n  include: [grille-observation.md]\n", 1), encoding="utf-8")
    (g / "grille-observation.md").write_text("network_fragment:\n  zones:\n    - {id: extra, name: Extra, kind: clinical}\n", encoding="utf-8")
    shutil.copy(FIXTURES / "mini-scenario.yaml", g / "s.yaml")
    before = _snapshot(g)
    code, _o, err = run_cli("guide", g / "s.yaml", "--out", g)
    assert code == 2, err
    assert "--out names an input of this command (grille-observation.md): refusing to overwrite it" in err
    assert _snapshot(g) == before


def test_all_mode_does_not_overwrite_a_network_named_like_an_output(run_cli, tmp_path):
    src = tmp_path / "in"
    (src / KIT / "fr").mkdir(parents=True)
    shutil.copy(FIXTURES / "mini-network.yaml", src / KIT / "fr" / "chronogramme.csv")
    (src / "s.yaml").write_text(SCENARIO_TEXT.replace("network: mini-network.yaml", f"network: {KIT.as_posix()}/fr/chronogramme.csv"), encoding="utf-8")
    before = _snapshot(src)
    code, _o, err = run_cli("guide", src, "--all", "--out", src)
    assert code == 2
    assert "--out names an input of this command (chronogramme.csv): refusing to overwrite it" in err
    assert _snapshot(src) == before


def test_regenerate_does_not_overwrite_an_input_either(tmp_path, capsys):
    src = tmp_path / "in"
    (src / KIT / "en").mkdir(parents=True)
    shutil.copy(FIXTURES / "mini-network.yaml", src / KIT / "en" / "msel.csv")
    (src / "s.yaml").write_text(SCENARIO_TEXT.replace("network: mini-network.yaml", f"network: {KIT.as_posix()}/en/msel.csv"), encoding="utf-8")
    before = _snapshot(src)
    assert regenerate(["--scenarios", str(src), "--out", str(src)]) == 2
    assert "--out names an input of this command (msel.csv): refusing to overwrite it" in capsys.readouterr().err
    assert _snapshot(src) == before
