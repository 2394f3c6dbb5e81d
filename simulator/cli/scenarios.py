"""`cyberdrill scenarios`: the shipped scenario library, by id, in French or English."""

from __future__ import annotations

import click

from simulator.cli import cli
from simulator.cli.output import print_json


@cli.command("scenarios")
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None, help="Language of titles and headings (default: the top-level --lang, else fr).")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON (ids, files, titles in both languages).")
@click.pass_context
def scenarios(ctx: click.Context, lang: str | None, as_json: bool) -> None:
    """List the shipped scenarios; any command taking a SCENARIO file also takes one of these ids."""
    from simulator.i18n import t
    from simulator.tui.catalog import list_scenarios

    lang = lang or (ctx.obj or {}).get("lang") or "fr"
    entries = list_scenarios()
    if as_json:
        print_json(
            {
                "scenarios": [
                    {
                        "id": e.id,
                        "file": str(e.path),
                        "title": e.title,
                        "summary": e.summary,
                        "level": e.level,
                        "duration": e.duration,
                        "languages": list(e.languages),
                    }
                    for e in entries
                ],
            }
        )
        return
    if not entries:
        click.echo(t("cli.scenarios.none", lang), err=True)
        raise SystemExit(1)
    from rich.console import Console
    from rich.table import Table

    table = Table(show_header=True, header_style="bold")
    for key in ("id", "title", "level", "duration", "languages"):
        table.add_column(t(f"cli.scenarios.col.{key}", lang), no_wrap=key != "title")
    for e in entries:
        level = t(f"tui.level.{e.level}", lang) if e.level else "-"
        table.add_row(e.id, e.text(e.title, lang), level, e.duration, ", ".join(e.languages))
    console = Console()
    console.print(table)
    console.print(t("cli.scenarios.hint", lang))
