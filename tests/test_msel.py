"""MSEL spreadsheets both ways: export, edit, import; round trips on every shipped scenario; errors at their cell."""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from simulator.model.documents import load_document
from simulator.msel import export_bytes, import_msel
from simulator.msel.columns import COLUMNS
from tests.conftest import SCENARIOS
from tests.formats_helpers import write_mini

SHIPPED = sorted(p.name for p in SCENARIOS.glob("*.yaml"))


@pytest.fixture(scope="module")
def shipped_copy(tmp_path_factory):
    """The shipped scenarios and their networks, in a folder the test may write into."""
    folder = tmp_path_factory.mktemp("shipped")
    for p in SCENARIOS.glob("*.yaml"):
        shutil.copy(p, folder / p.name)
    shutil.copytree(SCENARIOS / "networks", folder / "networks")
    for extra in SCENARIOS.iterdir():
        if extra.is_dir() and extra.name != "networks":
            shutil.copytree(extra, folder / extra.name)
    return folder


@pytest.mark.parametrize("name", SHIPPED)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_gives_the_same_scenario(shipped_copy, name, fmt):
    base = shipped_copy / name
    original = load_document(base).model.scenario
    sheet = shipped_copy / f"{base.stem}.{fmt}"
    sheet.write_bytes(export_bytes(original, fmt))
    out = shipped_copy / f"{base.stem}-{fmt}-roundtrip.yaml"
    result = import_msel(sheet, base, out)
    assert not [d for d in result.diagnostics if d.severity == "error"], [d.format() for d in result.diagnostics]
    out.write_text(result.text, encoding="utf-8")
    again = load_document(out).model.scenario
    assert again.model_dump() == original.model_dump()
    # what the spreadsheet does not hold is the base file's own text, comments included
    before = base.read_text(encoding="utf-8")
    assert result.text.splitlines()[:5] == before.splitlines()[:5]


def test_csv_is_written_as_french_excel_writes_it(tmp_path):
    sc = load_document(write_mini(tmp_path)).model.scenario
    data = export_bytes(sc, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8")
    assert text.split("\r\n", 1)[0] == ";".join(COLUMNS)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    planned = {r[0]: r[-1] for r in rows[1:]}
    assert planned["printers"] == "0,17" and planned["toilets"] == "3,00"  # a decimal comma
    assert export_bytes(sc, "xlsx") == export_bytes(sc, "xlsx")  # fixed workbook dates: same bytes


def _edited_xlsx(tmp_path):
    from openpyxl import load_workbook

    base = write_mini(tmp_path)
    sc = load_document(base).model.scenario
    sheet = tmp_path / "msel.xlsx"
    sheet.write_bytes(export_bytes(sc, "xlsx"))
    wb = load_workbook(sheet)
    ws = wb["MSEL"]
    cols = {c.value: c.column_letter for c in ws[1]}
    rows = {ws[f"A{r}"].value: r for r in range(2, ws.max_row + 1)}
    ws[f"{cols['time']}{rows['toilets']}"] = "T+3hh"  # a bad time
    ws[f"{cols['from']}{rows['printers']}"] = "night-nurze"  # an unknown persona
    ws[f"{cols['channel']}{rows['press-call']}"] = None  # an empty required cell
    wb.save(sheet)
    return base, sheet, cols, rows


def test_an_edited_spreadsheet_gives_three_positioned_errors(tmp_path):
    base, sheet, cols, rows = _edited_xlsx(tmp_path)
    result = import_msel(sheet, base, tmp_path / "new.yaml", sheet_name="msel.xlsx")
    errors = [d.format() for d in result.diagnostics if d.severity == "error"]
    assert len(errors) == 3, errors
    assert any(e.startswith(f"msel.xlsx:MSEL!{cols['time']}{rows['toilets']}: error: bad time:") for e in errors)
    assert any(e.startswith(f"msel.xlsx:MSEL!{cols['from']}{rows['printers']}: error: unknown persona 'night-nurze' (did you mean 'night-nurse'?)") for e in errors)
    assert any(e.startswith(f"msel.xlsx:MSEL!{cols['channel']}{rows['press-call']}: error: empty required cell: the channel") for e in errors)
    assert result.text == ""


def test_the_same_errors_in_a_csv_point_at_line_and_field(tmp_path):
    base = write_mini(tmp_path)
    sc = load_document(base).model.scenario
    text = export_bytes(sc, "csv")[3:].decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    col = {name: i for i, name in enumerate(rows[0])}
    by_id = {r[0]: r for r in rows[1:]}
    by_id["toilets"][col["time"]] = "tomorrow"
    by_id["printers"][col["from"]] = "night-nurze"
    by_id["press-call"][col["channel"]] = ""
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    sheet = tmp_path / "msel.csv"
    sheet.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    result = import_msel(sheet, base, tmp_path / "new.yaml", sheet_name="msel.csv")
    errors = sorted(d.format() for d in result.diagnostics if d.severity == "error")
    assert len(errors) == 3, errors
    lines = buf.getvalue().splitlines()  # as an editor counts them: a line break inside a quoted cell too
    line_of = {r: next(n for n, line in enumerate(lines, start=1) if line.startswith(r + ";")) for r in ("toilets", "printers", "press-call")}
    assert any(e.startswith(f"msel.csv:{line_of['toilets']}:{col['time'] + 1}: error: bad time") for e in errors)
    assert any(e.startswith(f"msel.csv:{line_of['printers']}:{col['from'] + 1}: error: unknown persona") for e in errors)
    assert any(e.startswith(f"msel.csv:{line_of['press-call']}:{col['channel'] + 1}: error: empty required cell") for e in errors)


def test_a_facilitator_s_edits_come_back(tmp_path):
    from openpyxl import load_workbook

    base = write_mini(tmp_path)
    sheet = tmp_path / "msel.xlsx"
    sheet.write_bytes(export_bytes(load_document(base).model.scenario, "xlsx"))
    wb = load_workbook(sheet)
    ws = wb["MSEL"]
    cols = {c.value: c.column_letter for c in ws[1]}
    n = ws.max_row + 1
    for key, value in {"id": "mayor", "kind": "inject", "time": "T+5h", "to": "communication, direction", "channel": "phone",
                       "text (fr)": "Le maire appelle.", "text (en)": "The mayor calls.", "questions (fr)": "Que lui dire ?",
                       "questions (en)": "What do you tell him?", "type": "noise"}.items():
        ws[f"{cols[key]}{n}"] = value
    wb.save(sheet)
    out = tmp_path / "new.yaml"
    result = import_msel(sheet, base, out)
    assert not result.diagnostics, [d.format() for d in result.diagnostics]
    out.write_text(result.text, encoding="utf-8")
    mayor = next(i for i in load_document(out).model.scenario.injects if i.id == "mayor")
    assert mayor.at == 300 and mayor.to == ["communication", "direction"] and mayor.noise
    assert mayor.text.get("fr") == "Le maire appelle." and mayor.questions[0].get("en") == "What do you tell him?"


def test_cli_both_ways(tmp_path, run_cli):
    base = write_mini(tmp_path)
    code, _o, err = run_cli("msel", "export", base, "-o", tmp_path / "msel.xlsx")
    assert code == 0, err
    code, _o, err = run_cli("msel", "import", tmp_path / "msel.xlsx", "--scenario", base, "-o", tmp_path / "new.yaml")
    assert code == 0, err
    assert load_document(tmp_path / "new.yaml").model.scenario.model_dump() == load_document(base).model.scenario.model_dump()
    code, _o, err = run_cli("msel", "export", base, "-o", tmp_path / "msel.ods")
    assert code == 2 and "must end in .xlsx or .csv" in err
    code, _o, err = run_cli("msel", "import", tmp_path / "msel.xlsx", "--scenario", base, "-o", base)
    assert code == 2 and "refusing to overwrite" in err
    (tmp_path / "elsewhere").mkdir()
    code, _o, err = run_cli("msel", "import", tmp_path / "msel.xlsx", "--scenario", base, "-o", tmp_path / "elsewhere" / "new.yaml")
    assert code == 2 and "next to the base one" in err
    _base, bad, _c, _r = _edited_xlsx(tmp_path / "elsewhere")
    code, _o, err = run_cli("msel", "import", bad, "--scenario", _base, "-o", tmp_path / "elsewhere" / "new2.yaml")
    assert code == 2 and err.count(": error: ") == 3 and not (tmp_path / "elsewhere" / "new2.yaml").exists()


def test_unknown_columns_and_kinds_are_positioned(tmp_path):
    base = write_mini(tmp_path)
    sheet = tmp_path / "m.csv"
    sheet.write_text("\ufeffid;kind;chanel;text (fr)\r\nx;inject;email;Bonjour\r\ny;stimulus;;\r\n", encoding="utf-8")
    result = import_msel(sheet, base, tmp_path / "new.yaml", sheet_name="m.csv")
    errors = [d.format() for d in result.diagnostics if d.severity == "error"]
    assert "m.csv:1:3: error: unknown column 'chanel' (did you mean 'channel'?)" in errors
    assert "m.csv:3:2: error: 'stimulus' is not a kind: inject, decision or module" in errors
