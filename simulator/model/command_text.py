"""The text syntax of commands, shared by the command line, policies and what-if runs.

    isolate zone:servers        isolate dc1          cut-internet
    notify cert-sante           reset-credentials krbtgt
    transfer icu 3              divert on            restore ehr
    decide cut-internet cut     inject printers      rate alert cert-sante P
    note Il n'y a pas eu d'appel     note "the director arrived"

A note's text is everything after the verb, byte for byte (apostrophes, quotes, runs of
blanks and line breaks included; only the blanks around it go). One exception keeps the
quoted form policies write and `NoteCmd.text()` gives back: a text that is exactly one
shell-quoted word (`"the director arrived"`, `'it'"'"'s'`) stands for that word.

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
    """A command that does not parse; the message says what was expected (in English), `code`
    and `params` say it for every language (catalogue `engine.refused.<code>`)."""

    def __init__(self, message: str, code: str = "unreadable", **params):
        super().__init__(message)
        self.code = code
        self.params = params


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
        raise CommandSyntaxError("empty command", "empty-command")
    head = text.split(None, 1)
    if head[0].lower() == "note":
        body = note_text(head[1]) if len(head) > 1 else ""
        if not body:
            raise CommandSyntaxError("note: give the text of the note", "note-empty")
        return ParsedCommand("note", text=body)
    if '"' in text or "'" in text or "\\" in text:
        try:
            words = shlex.split(text.strip())
        except ValueError as exc:
            raise CommandSyntaxError(f"cannot read command '{text}': {exc}", "unreadable", command=text.strip()) from None
    else:
        words = text.split()  # the common case, without shlex's cost
    verb = words[0].lower()
    args = words[1:]
    catalogue = catalogue or default_catalogue()
    if verb == "decide":
        if len(args) != 2 or not all(_ID.match(a) for a in args):
            raise CommandSyntaxError("decide: write 'decide DECISION OPTION' (ids)", "decide-usage")
        return ParsedCommand("decide", target=args[0], option=args[1])
    if verb == "extend":
        if len(args) != 2 or not _ID.match(args[0]):
            raise CommandSyntaxError("extend: write 'extend DECISION DURATION' (e.g. extend ransom 30m)", "extend-usage")
        try:
            minutes = parse_duration(args[1])
        except ValueError as exc:
            raise CommandSyntaxError(f"extend: {exc}", "extend-duration", given=args[1]) from None
        if not 0 < minutes <= MAX_EXTENSION:
            raise CommandSyntaxError(f"extend: give between 1m and {MAX_EXTENSION // 60}h", "extend-range")
        return ParsedCommand("extend", target=args[0], count=int(minutes))
    if verb == "inject":
        if len(args) != 1 or not _ID.match(args[0]):
            raise CommandSyntaxError("inject: write 'inject INJECT-ID'", "inject-usage")
        return ParsedCommand("inject", target=args[0])
    if verb == "module":
        if len(args) != 1 or not _ID.match(args[0]):
            raise CommandSyntaxError("module: write 'module next' or 'module MODULE-ID' (a later module)", "module-usage")
        return ParsedCommand("module", target=args[0])
    if verb == "rate":
        if len(args) != 3 or args[2].upper() not in RATINGS:
            raise CommandSyntaxError("rate: write 'rate OBJECTIVE TASK P|S|M|U'", "rate-usage")
        return ParsedCommand("rate", target=args[0], option=args[1], rating=args[2].upper())
    spec = catalogue.actions.get(verb)
    if spec is None:
        hint = suggest(verb, [*catalogue.actions, *VERBS])
        raise CommandSyntaxError(f"unknown command '{verb}'" + (f" (did you mean '{hint}'?)" if hint else ""), "unknown-verb", given=verb, suggestion=hint or "")
    count = 0
    if spec.target == "function-count":
        if len(args) != 2 or not args[1].isdigit() or int(args[1]) < 1:
            raise CommandSyntaxError(f"{verb}: write '{verb} FUNCTION COUNT' (a whole number of patients)", "count-usage", action=verb)
        count = int(args[1])
        args = args[:1]
    if len(args) > 1:
        raise CommandSyntaxError(f"{verb}: too many words after the action ('{' '.join(args)}')", "too-many-words", action=verb, given=" ".join(args))
    raw = args[0] if args else None
    try:
        target = resolve_target(verb, spec, raw, index)
    except ValueError as exc:
        raise CommandSyntaxError(str(exc), getattr(exc, "code", "bad-target"), **getattr(exc, "params", {})) from None
    return ParsedCommand(verb, target=target.text(), count=count)


def note_text(rest: str) -> str:
    """The text of a note from what follows its verb: verbatim, unless it is exactly one
    quoted word as `shlex.quote` writes it or in plain double quotes (then that word)."""
    rest = rest.strip()
    if len(rest) >= 2 and rest[0] in "'\"" and rest[-1] in "'\"":
        try:
            words = shlex.split(rest)
        except ValueError:
            return rest  # unbalanced quotes: an apostrophe in the text (l'équipe)
        if len(words) == 1:
            word = words[0]
            if rest == shlex.quote(word) or (rest == f'"{word}"' and '"' not in word and "\\" not in word):
                return word
    return rest
