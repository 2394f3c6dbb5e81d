"""`cyberdrill play [SCENARIO]` (the crisis-room terminal UI) and `cyberdrill log view LOG` (its replay).

Everything that can be wrong with the input is checked before a screen opens: bad files
give compiler-style one-line errors and exit 2.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import click

from simulator.cli import cli
from simulator.cli.log import _journal_call, log
from simulator.cli.output import fail, given_path, shipped_or_path, usage_error

ROLES = ("players", "facilitator", "evaluator")


def _journal_line(path: Path | None, lang: str = "en") -> None:
    """Where the journal is, and how to carry on when the exercise was left before its end."""
    if path is None:
        return
    from simulator.i18n import t
    from simulator.tui.journals import read_journal_entry

    click.echo(f"journal: {path}", err=True)
    if Path(path).exists() and read_journal_entry(Path(path)) is not None:
        click.echo(t("tui.quit.resume-hint", lang, log=str(path)), err=True)


def _writable(folder: Path) -> bool:
    """Whether journals can be created in FOLDER, or in the nearest existing folder above it.

    Checked before a screen opens: a journal that cannot be written would lose the exercise.
    """
    probe = folder.absolute()
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        return False
    try:
        with tempfile.TemporaryFile(dir=probe):
            return True
    except OSError:
        return False


@cli.command("play")
@click.argument("scenario", required=False, metavar="[SCENARIO]", type=click.Path(), callback=shipped_or_path("scenario"))
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of every random stream (same seed + same inputs = same run).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True, help="Language of the screens (switch live with 'l').")
@click.option("--role", type=click.Choice(ROLES), default="players", show_default=True, help="Who sits at this screen.")
@click.option("--speed", type=float, default=10.0, show_default=True, help="Simulated minutes per real minute (10: a tabletop pace).")
@click.option("--log", "log_path", metavar="FILE", help="Journal file to create (default: a new file in the journal folder).", type=click.Path(), callback=given_path)
@click.option("--journal-dir", "journal_dir", metavar="DIR", help="Folder of journals, where interrupted exercises are looked for.", type=click.Path(), callback=given_path)
@click.option("--sign-key", "sign_key", metavar="FILE", help="Sign the journal's seal with this Ed25519 private key at the end.", type=click.Path(), callback=given_path)
def play(scenario: str | None, seed: int, lang: str, role: str, speed: float, log_path: str | None, journal_dir: str | None, sign_key: str | None) -> None:
    """Open the crisis-room UI: the home screen, or SCENARIO's briefing straight away.

    The journal path is printed on exit; an exercise left before its end is offered for
    resume on the home screen (or `cyberdrill resume LOG`).
    """
    from simulator.journal.keys import load_private_key
    from simulator.tui.app import CyberDrillApp
    from simulator.journal.inputs import load_inputs
    from simulator.tui.catalog import default_journal_dir

    if not (speed > 0 and math.isfinite(speed)):
        usage_error("--speed", f"speed must be a positive number of simulated minutes per real minute, not {speed}")
    inputs = _journal_call(load_inputs, scenario) if scenario is not None else None
    if log_path is not None:
        target = Path(log_path)
        if target.exists():
            usage_error(log_path, "journal already exists: refusing to overwrite it (use 'cyberdrill resume' to carry on)")
        if not target.parent.is_dir() and str(target.parent) not in ("", "."):
            usage_error(log_path, f"cannot write: folder '{target.parent}' does not exist")
        if not _writable(target.parent):
            usage_error(log_path, f"cannot write: folder '{target.parent}' is not writable")
    key = _journal_call(load_private_key, sign_key) if sign_key else None
    folder = Path(journal_dir) if journal_dir else default_journal_dir()
    if folder.exists() and not folder.is_dir():
        usage_error(str(folder), "is not a folder")
    if not _writable(folder):
        usage_error(str(folder), "cannot write journals here: the folder (or the folder it would be created in) is not writable")
    app = CyberDrillApp(
        lang=lang, role=role, seed=seed, speed=speed, scenario=inputs, log_path=Path(log_path) if log_path else None,
        journal_dir=folder, sign_key=key,
    )
    played = app.run()
    if app.return_code == 2:
        fail([])
    _journal_line(played if isinstance(played, Path) else app.played, app.lang)


@log.command("view")
@click.argument("journal", metavar="LOG", type=click.Path(), callback=given_path)
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None, help="Language of the screens (default: the journal's).")
def view(journal: str, lang: str | None) -> None:
    """Replay LOG on screen: scrub through the exercise and see the situation at any moment.

    Exit 1 when LOG fails verification, 2 when it is not a journal or its scenario cannot be found.
    """
    from simulator.journal.reader import read_header
    from simulator.tui.app import CyberDrillApp
    from simulator.room.replay import JournalReplay

    header = _journal_call(read_header, journal)
    lang = lang or str(header["data"].get("language") or "fr")
    if lang not in ("fr", "en"):
        lang = "fr"
    replay = _journal_call(JournalReplay, journal, lang)
    CyberDrillApp(lang=lang, role="facilitator", replay=replay).run()
