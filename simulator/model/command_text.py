"""The text syntax of commands, shared by the command line, policies and what-if runs.

    isolate zone:servers        isolate dc1          cut-internet
    notify cert-sante           reset-credentials krbtgt
    transfer icu 3              divert on            restore ehr
    decide cut-internet cut     inject printers      rate alert cert-sante P
    note "the director arrived"

This module checks the grammar and the action catalogue; the engine turns the
result into command dataclasses (`simulator.engine.commands`).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from simulator.model.actions import ActionCatalogue, default_catalogue
from simulator.model.duration import parse_duration
from simulator.model.targets import NetworkIndex, resolve_target
from simulator.model.validation import suggest

RATINGS = ("P", "S", "M", "U")
MAX_EXTENSION = 24 * 60
"""At most a day more on a decision at once (a longer wait is a new decision)."""
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
VERBS = ("decide", "extend", "inject", "module", "rate", "note")


class CommandSyntaxError(ValueError):
    """A command that does not parse; the message says what was expected."""


@dataclass(frozen=True)
class ParsedCommand:
    verb: str  # an action id, or decide / inject / rate / note
    target: str = ""
    count: int = 0
    option: str = ""
    rating: str = ""
    text: str = ""


def parse_command_text(text: str, index: NetworkIndex | None = None, catalogue: ActionCatalogue | None = None) -> ParsedCommand:
    if not isinstance(text, str) or not text.strip():
        raise CommandSyntaxError("empty command")
    if '"' in text or "'" in text or "\\" in text:
        try:
            words = shlex.split(text.strip())
        except ValueError as exc:
            raise CommandSyntaxError(f"cannot read command '{text}': {exc}") from None
    else:
        words = text.split()  # the common case, without shlex's cost
    verb = words[0].lower()
    args = words[1:]
    catalogue = catalogue or default_catalogue()
    if verb == "note":
        if not args:
            raise CommandSyntaxError("note: give the text of the note")
        return ParsedCommand("note", text=" ".join(args))
    if verb == "decide":
        if len(args) != 2 or not all(_ID.match(a) for a in args):
            raise CommandSyntaxError("decide: write 'decide DECISION OPTION' (ids)")
        return ParsedCommand("decide", target=args[0], option=args[1])
    if verb == "extend":
        if len(args) != 2 or not _ID.match(args[0]):
            raise CommandSyntaxError("extend: write 'extend DECISION DURATION' (e.g. extend ransom 30m)")
        try:
            minutes = parse_duration(args[1])
        except ValueError as exc:
            raise CommandSyntaxError(f"extend: {exc}") from None
        if not 0 < minutes <= MAX_EXTENSION:
            raise CommandSyntaxError(f"extend: give between 1m and {MAX_EXTENSION // 60}h")
        return ParsedCommand("extend", target=args[0], count=int(minutes))
    if verb == "inject":
        if len(args) != 1 or not _ID.match(args[0]):
            raise CommandSyntaxError("inject: write 'inject INJECT-ID'")
        return ParsedCommand("inject", target=args[0])
    if verb == "module":
        if len(args) != 1 or not _ID.match(args[0]):
            raise CommandSyntaxError("module: write 'module next' or 'module MODULE-ID' (a later module)")
        return ParsedCommand("module", target=args[0])
    if verb == "rate":
        if len(args) != 3 or args[2].upper() not in RATINGS:
            raise CommandSyntaxError("rate: write 'rate OBJECTIVE TASK P|S|M|U'")
        return ParsedCommand("rate", target=args[0], option=args[1], rating=args[2].upper())
    spec = catalogue.actions.get(verb)
    if spec is None:
        hint = suggest(verb, [*catalogue.actions, *VERBS])
        raise CommandSyntaxError(f"unknown command '{verb}'" + (f" (did you mean '{hint}'?)" if hint else ""))
    count = 0
    if spec.target == "function-count":
        if len(args) != 2 or not args[1].isdigit() or int(args[1]) < 1:
            raise CommandSyntaxError(f"{verb}: write '{verb} FUNCTION COUNT' (a whole number of patients)")
        count = int(args[1])
        args = args[:1]
    if len(args) > 1:
        raise CommandSyntaxError(f"{verb}: too many words after the action ('{' '.join(args)}')")
    raw = args[0] if args else None
    try:
        target = resolve_target(verb, spec, raw, index)
    except ValueError as exc:
        raise CommandSyntaxError(str(exc)) from None
    return ParsedCommand(verb, target=target.text(), count=count)
