"""`cyberdrill host SCENARIO` (one exercise for a whole room) and `cyberdrill join URL` (a seat of it).

The host is headless: it prints each seat's code and browser link, runs the clock, and keeps
running when every client has gone, until Ctrl+C. Its journal stays resumable
(`cyberdrill host --resume LOG`) until the facilitator closes the exercise.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import math
import signal
import sys
from pathlib import Path

import click

from simulator.cli import cli
from simulator.cli.log import _journal_call
from simulator.cli.output import given_path, shipped_or_path, usage_error

DEFAULT_BIND = "127.0.0.1:8470"


def parse_bind(text: str) -> tuple[str, int]:
    """HOST:PORT, [IPv6]:PORT, HOST or :PORT (the default's host or port fills the gap)."""
    text = text.strip()
    host, port = "127.0.0.1", "8470"
    if text.startswith("["):
        inner, _, rest = text[1:].partition("]")
        host = inner
        if rest.startswith(":"):
            port = rest[1:]
        elif rest:
            raise ValueError(f"cannot read '{text}': write HOST:PORT, e.g. 0.0.0.0:8470 or [::]:8470")
    elif text.count(":") == 1:
        head, _, port = text.partition(":")
        host = head or host
    elif ":" in text:
        raise ValueError(f"an IPv6 address goes in brackets: [{text}]:8470")
    elif text:
        host = text
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"port '{port}' is not a number from 0 to 65535")
    if not host or any(ch.isspace() for ch in host):
        raise ValueError(f"cannot read host '{host}'")
    return host, int(port)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@cli.command("host")
@click.argument("scenario", required=False, metavar="[SCENARIO]", type=click.Path(), callback=shipped_or_path("scenario"))
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of every random stream.")
@click.option("--log", "log_path", metavar="FILE", help="Journal file to create (default: a new file in the journal folder).", type=click.Path(), callback=given_path)
@click.option("--bind", default=DEFAULT_BIND, show_default=True, help="Address and port to listen on; another address than loopback must be given here on purpose.")
@click.option("--resume", "resume_path", metavar="LOG", help="Carry on the room of an interrupted host from its journal.", type=click.Path(), callback=given_path)
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True, help="Language of what the host prints (each seat chooses its own).")
@click.option("--speed", type=float, default=10.0, show_default=True, help="Simulated minutes per real minute when the facilitator starts the clock.")
@click.option("--sign-key", "sign_key", metavar="FILE", help="Sign the journal's seal with this Ed25519 private key when the facilitator closes the exercise.", type=click.Path(), callback=given_path)
@click.option("--no-web", is_flag=True, help="Serve terminals only (no browser pages).")
def host(scenario, seed, log_path, bind, resume_path, lang, speed, sign_key, no_web) -> None:
    """Host one exercise for a whole room: one engine, one journal, many seats.

    Prints, per seat (facilitator, each cell of the scenario, evaluator, room board), a join
    code and a browser link. Terminals join with `cyberdrill join URL --code CODE --name NAME`.
    Runs until Ctrl+C; the journal stays resumable with `cyberdrill host --resume LOG`.
    """
    from simulator.journal.keys import load_private_key

    if (scenario is None) == (resume_path is None):
        usage_error("SCENARIO", "give a scenario to start a room, or --resume LOG to carry one on (not both)")
    if not (speed > 0 and math.isfinite(speed)):
        usage_error("--speed", f"speed must be a positive number of simulated minutes per real minute, not {speed}")
    try:
        address, port = parse_bind(bind)
    except ValueError as exc:
        usage_error("--bind", str(exc))
    key = _journal_call(load_private_key, sign_key) if sign_key else None
    inputs = _journal_call(_load_inputs, scenario) if scenario is not None else None
    if inputs is not None:
        target = _new_log_path(inputs, log_path)
        if target.exists():
            usage_error(str(target), "journal already exists: refusing to overwrite it (use --resume to carry on)")
    else:
        target = None
    # listen first: a port already taken must not leave a journal behind
    try:
        asyncio.run(_serve(lambda: _journal_call(_open_room, inputs, resume_path, seed, target, speed), address, port, lang, key, not no_web))
    except OSError as exc:
        usage_error("--bind", f"cannot listen on {bind}: {exc.strerror or exc}")
    except KeyboardInterrupt:
        pass


def _load_inputs(scenario):
    from simulator.journal.inputs import load_inputs

    return load_inputs(scenario)


def _new_log_path(inputs, log_path) -> Path:
    from simulator.journal.session import default_log_path

    return Path(log_path) if log_path else default_log_path(inputs.scenario.id, dt.datetime.now(dt.timezone.utc))


def _open_room(inputs, resume_path, seed, path, speed):
    """The session and its seat codes: a new room, or an interrupted one with its codes back."""
    from simulator.journal.session import RecordedExercise
    from simulator.room.codes import SeatCodes
    from simulator.room.seats import room_seats
    from simulator.room.session import RoomSession

    if resume_path is not None:
        rec = RecordedExercise.resume(resume_path)
    else:
        seats = room_seats([r.id for r in inputs.scenario.roles])
        rec = RecordedExercise.start(
            inputs.scenario_path, seed, "fr", path, participants=(),
            role="facilitator", inputs=inputs, config={"speed": float(speed), "room": True},
        )
    seats = room_seats([r.id for r in rec.exercise.scenario.roles])
    session = RoomSession(rec, seats, speed=speed)
    codes = SeatCodes.load(rec.log_path, seats) if resume_path is not None else None
    if codes is None:
        codes = SeatCodes.fresh(seats)
    codes.save(rec.log_path)
    return session, codes


async def _serve(open_room, address: str, port: int, lang: str, key, web: bool) -> None:
    from simulator.room.host import Host
    from simulator.room.web import WebSeats

    room = Host(None, None, lang=lang, sign_key=key)
    if web:
        room.web_seats = WebSeats(room, lang)
    await room.start(address, port)
    try:
        room.session, room.codes = open_room()
    except BaseException:
        await room.stop()
        raise
    session = room.session
    _print_seats(room, lang, address)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    try:
        await stop.wait()
    finally:
        await room.stop()
        session.close()
    click.echo(_t("host.stopped-sealed" if session.rec.sealed else "host.stopped", lang, log=session.rec.log_path), err=True)


def _t(key: str, lang: str, **fields) -> str:
    from simulator.i18n import t

    return t("room." + key, lang, **fields)


def _print_seats(room, lang: str, address: str) -> None:
    from simulator.room.codes import normalise

    session = room.session
    out = [
        _t("host.title", lang, title=session.ex.scenario.title.get(lang)),
        _t("host.journal", lang, log=session.rec.log_path),
        _t("host.address", lang, url=room.url),
    ]
    if not _loopback(address):
        out.append(_t("host.exposed", lang))
    out.append("")
    rows = [(session.seat_label(sid, lang), code, f"{room.url}/s/{normalise(code)}") for sid, code in room.codes.codes.items()]
    width = min(48, max(len(r[0]) for r in rows))
    head = (_t("host.seat", lang), _t("host.code", lang), _t("host.browser", lang) if room.web_seats is not None else "")
    out.append(f"{head[0]:<{width}}  {head[1]:<34}  {head[2]}".rstrip())
    for label, code, link in rows:
        label = label if len(label) <= width else label[: width - 1] + "…"
        out.append(f"{label:<{width}}  {code:<34}  {link if room.web_seats is not None else ''}".rstrip())
    out.append("")
    out.append(_t("host.join", lang, url=room.url))
    out.append(_t("host.stop", lang, log=session.rec.log_path))
    click.echo("\n".join(out))
    sys.stdout.flush()


@cli.command("join")
@click.argument("url", metavar="URL")
@click.option("--code", envvar="CYBERDRILL_JOIN_CODE", help="The seat's code, as the host printed it.")
@click.option("--name", envvar="CYBERDRILL_JOIN_NAME", help="Your name, recorded with every command you give (asked when absent).")
@click.option("--lang", envvar="CYBERDRILL_JOIN_LANG", type=click.Choice(["fr", "en"]), default="fr", show_default=True, help="Language of the screens (switch live with 'l').")
def join(url: str, code: str | None, name: str | None, lang: str) -> None:
    """Take a seat in a hosted exercise: the crisis-room UI as a client of the host at URL."""
    from simulator.room.codes import normalise
    from simulator.room.protocol import MAX_NAME
    from simulator.room.remote import api_url
    from simulator.tui.app import CyberDrillApp

    try:
        api_url(url)
    except ValueError as exc:
        usage_error("URL", str(exc))
    if not code:
        usage_error("--code", "give the seat's code (--code, or CYBERDRILL_JOIN_CODE)")
    if not normalise(code):
        usage_error("--code", "this is not a seat code: 28 letters and digits, as the host printed it")
    if name is not None:
        name = " ".join(name.split())
        if not name or len(name) > MAX_NAME or not name.isprintable():
            usage_error("--name", f"give a name of 1 to {MAX_NAME} printable characters")
    if name:  # everything known: a refusal is one line before any screen opens
        from simulator.room.remote import JoinRefused, probe

        try:
            asyncio.run(probe(url, code, name, lang))
        except JoinRefused as exc:
            usage_error(url, str(exc))
    app = CyberDrillApp(lang=lang, join=(url, code, name or ""))
    app.run()
    if app.join_error:
        usage_error(url, app.join_error)
