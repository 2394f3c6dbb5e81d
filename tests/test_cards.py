"""Per-cell cards and attachments: checked files inside the scenario's tree, one player kit per cell."""

from __future__ import annotations

import os
import struct
import zlib

import pytest

from simulator.model.attachments import MAX_BYTES
from tests.formats_helpers import errors_of, line_of, write_mini


def png(width: int = 2, height: int = 2) -> bytes:
    """A real (tiny) PNG."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

CARDS = """    - id: note-card
      at: T+20m
      to: [it]
      card: true
      channel: in-person
      title: "Evidence card A"
      text: "The EDR console shows a process named svchost.exe in C:\\\\ProgramData."
      attachments:
        - {file: cards/ransom-note.png, title: "The ransom note"}
        - {file: cards/edr-log.txt}
    - id: press-card
      at: T+1h
      to: [communication]
      card: true
      channel: press
      text: "A local paper's article"
      attachments: [{file: cards/article.pdf, title: "Article"}]
    - id: all-card
      when: {service: ehr, state: down}
      card: true
      channel: in-person
      text: "Everyone gets this one"
    - id: handout
      at: T+2h
      to: [direction]
      channel: email
      text: "The insurer's letter"
      attachments: [{file: cards/letter.txt}]
  decisions:"""


def _scenario(tmp_path, *edits, cards: str = CARDS):
    folder = tmp_path / "cards"
    folder.mkdir(exist_ok=True)
    (folder / "ransom-note.png").write_bytes(png())
    (folder / "edr-log.txt").write_text("2026-03-14 01:02 svchost.exe spawned by wmiprvse.exe\n", encoding="utf-8")
    (folder / "article.pdf").write_bytes(PDF)
    (folder / "letter.txt").write_text("Dear Sir or Madam,\n", encoding="utf-8")
    return write_mini(tmp_path, ("  decisions:", cards), *edits)


def test_cards_and_attachments_validate(tmp_path):
    assert errors_of(_scenario(tmp_path)) == []


@pytest.mark.parametrize(
    "ref, message",
    [
        ("../outside.png", "names a parent folder ('..')"),
        ("cards/../cards/ransom-note.png", "names a parent folder ('..')"),
        ("/etc/passwd", "must be a path relative to the scenario file"),
        ("cards/missing.png", "no such file"),
        ("cards", "is a folder, not a file"),
        ("cards/binary.png", "is not an image (PNG, JPEG, GIF), a PDF or UTF-8 text"),
        ("cards/fake.png", "is named like a PNG file but holds PDF"),
        ("cards/huge.txt", "is too large"),
        ("cards/link.png", "is a link leading out of the scenario's folder"),
        ("cards\\\\ransom-note.png", "write the path with '/'"),
    ],
)
def test_bad_attachments_are_positioned_errors(tmp_path, ref, message):
    outside = tmp_path.parent / f"{tmp_path.name}-outside.png"
    outside.write_bytes(png())
    path = _scenario(tmp_path, ("{file: cards/edr-log.txt}", f'{{file: "{ref}"}}'))
    (tmp_path / "cards" / "binary.png").write_bytes(b"\x00\x01\x02\x03" * 64)
    (tmp_path / "cards" / "fake.png").write_bytes(PDF)
    with open(tmp_path / "cards" / "huge.txt", "wb") as fh:
        fh.truncate(MAX_BYTES + 1)
        fh.seek(0)
        fh.write(b"x")
    os.symlink(outside, tmp_path / "cards" / "link.png")
    errors = errors_of(path)
    assert len(errors) == 1, [e.format() for e in errors]
    assert message in errors[0].message
    assert errors[0].line == line_of(path, f'{{file: "{ref}"}}')


def test_one_player_kit_per_cell_holds_only_its_cards(tmp_path):
    from simulator.guide import build_kit, load_source

    files = build_kit(load_source(_scenario(tmp_path)), "en")
    it = files["cells/it/player-kit.md"].decode()
    comms = files["cells/communication/player-kit.md"].decode()
    direction = files["cells/direction/player-kit.md"].decode()
    assert "Evidence card A" in it and "A local paper's article" not in it and "Everyone gets this one" in it
    assert "A local paper's article" in comms and "Evidence card A" not in comms
    assert "Evidence card A" not in direction and "Everyone gets this one" in direction
    assert "The insurer's letter" not in direction  # not a card: delivered in the room, not printed in advance
    assert "![The ransom note](attachments/cards/ransom-note.png)" in it
    assert "to open at T+20m (Sat 14/03 01:20)" in it
    # attachments: the cell gets its cards' files, the facilitator every file
    assert files["cells/it/attachments/cards/ransom-note.png"] == (tmp_path / "cards" / "ransom-note.png").read_bytes()
    assert "cells/it/attachments/cards/article.pdf" not in files
    assert "cells/communication/attachments/cards/article.pdf" in files
    assert {k for k in files if k.startswith("attachments/")} == {
        "attachments/cards/ransom-note.png", "attachments/cards/edr-log.txt", "attachments/cards/article.pdf", "attachments/cards/letter.txt",
    }
    # the common kit is unchanged: no card in it when cells are declared
    assert "Evidence card A" not in files["player-kit.md"].decode()
    fac = files["facilitator-kit.md"].decode()
    assert "## Cards and attachments" in fac and "[cards/letter.txt](attachments/cards/letter.txt) — text" in fac
    fr = build_kit(load_source(_scenario(tmp_path)), "fr")
    assert "cellules/it/kit-joueur.md" in fr and "pieces-jointes/cards/article.pdf" in fr
    assert "Carte 1 — à ouvrir à T+20m" in fr["cellules/it/kit-joueur.md"].decode()


def test_the_guide_command_writes_cell_kits_and_attachments(tmp_path, run_cli):
    scenario = _scenario(tmp_path)
    out = tmp_path / "kit"
    code, _out, err = run_cli("guide", scenario, "--out", out, "--lang", "en")
    assert code == 0, err
    assert (out / "cells" / "it" / "player-kit.md").is_file()
    assert (out / "cells" / "it" / "attachments" / "cards" / "ransom-note.png").read_bytes().startswith(b"\x89PNG")
    # --out may not overwrite an attachment (an input): a scenario in a folder called `attachments`
    nested = tmp_path / "nest" / "attachments"
    nested.mkdir(parents=True)
    scenario = _scenario(nested)
    before = (nested / "cards" / "ransom-note.png").read_bytes()
    code, _o, err = run_cli("guide", scenario, "--out", tmp_path / "nest", "--lang", "en")
    assert code == 2 and "refusing to overwrite" in err
    assert (nested / "cards" / "ransom-note.png").read_bytes() == before


def test_scenarios_without_cards_get_no_cell_kits(tmp_path):
    from simulator.guide import build_kit, load_source

    files = build_kit(load_source(write_mini(tmp_path)), "en")
    assert set(files) == {"facilitator-kit.md", "player-kit.md", "observation-grid.md", "msel.csv"}
