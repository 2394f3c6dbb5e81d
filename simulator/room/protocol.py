"""The room protocol: JSON messages over a WebSocket between a host and its seats.

Versioned (`PROTOCOL_VERSION`): a client of another version is told so in a sentence and
let go. Everything a client sends is bad input until proven otherwise: a frame is at most
`MAX_CLIENT_FRAME` bytes, parsed into strict models (unknown fields, wrong types, oversized
texts refused), and a message that does not fit closes that connection only.

    client -> host   hello {protocol, code, name, lang}       first, once
                     cmd {id, op, args}                       a command; answered by result {id}
                     lang {lang}                              read everything in another language
                     debrief {id}                             the debrief; answered by debrief {id}
                     ask {id, what, action, target, count}    what an action would do now; answered by answer {id, value}
    host -> client   welcome {protocol, seat, lang, title, targets}  or  refused {reason}
                     situation {full, fields}                 the seat's view: all fields, or those that changed
                     result {id, result} / debrief {id, debrief} / notice {notice} / catalog {title, targets}
                     bye {reason}                             the host is going away
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

PROTOCOL_VERSION = 1
MAX_CLIENT_FRAME = 64 * 1024
"""Bytes: the longest message a client may send (a note, a justification: a few KB)."""
MAX_HOST_FRAME = 16 * 1024 * 1024
"""Bytes: the longest message a client accepts from a host (a whole situation of a large GHT)."""
MAX_TEXT = 4000
MAX_ID = 128
MAX_NAME = 80
Lang = Literal["fr", "en"]
Id = Annotated[str, Field(min_length=1, max_length=MAX_ID)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# ====================================================================== client -> host


class Hello(_Strict):
    type: Literal["hello"]
    protocol: int
    code: Annotated[str, Field(min_length=1, max_length=MAX_ID)]
    name: Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
    lang: Lang = "fr"
    client: Annotated[str, Field(max_length=64)] = ""


class ActArgs(_Strict):
    action: Id
    target: Annotated[str, Field(max_length=MAX_ID * 2)] = ""
    count: Annotated[int, Field(ge=0, le=100_000)] = 0


class DecideArgs(_Strict):
    decision: Id
    option: Id
    justification: Annotated[str, Field(max_length=MAX_TEXT)] = ""


class FireArgs(_Strict):
    inject: Id


class ExtendArgs(_Strict):
    decision: Id
    minutes: Annotated[float, Field(gt=0, le=24 * 60, allow_inf_nan=False)]


class ModuleArgs(_Strict):
    target: Id = "next"


class RateArgs(_Strict):
    objective: Id
    task: Id
    rating: Literal["P", "S", "M", "U"]
    comment: Annotated[str, Field(max_length=MAX_TEXT)] = ""


class NoteArgs(_Strict):
    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]


class AckArgs(_Strict):
    key: Annotated[int, Field(ge=0, le=10_000_000)]


class SpeedArgs(_Strict):
    speed: Annotated[float, Field(gt=0, le=100_000, allow_inf_nan=False)]


class NoArgs(_Strict):
    pass


ARGS: dict[str, type[_Strict]] = {
    "act": ActArgs, "decide": DecideArgs, "fire": FireArgs, "extend": ExtendArgs, "module": ModuleArgs, "rate": RateArgs,
    "note": NoteArgs, "ack": AckArgs, "speed": SpeedArgs,
    "pause": NoArgs, "resume": NoArgs, "toggle": NoArgs, "faster": NoArgs, "slower": NoArgs, "step": NoArgs, "end": NoArgs,
    "seal": NoArgs,
}


class Cmd(_Strict):
    type: Literal["cmd"]
    id: Annotated[int, Field(ge=0, le=2**53)]
    op: Literal[
        "act", "decide", "fire", "extend", "module", "rate", "note", "ack", "speed",
        "pause", "resume", "toggle", "faster", "slower", "step", "end", "seal",
    ]
    args: dict[str, Any] = {}

    def arguments(self) -> dict[str, Any]:
        """The arguments checked against the op's model (ValidationError when they do not fit)."""
        return ARGS[self.op].model_validate(self.args).model_dump()


class SetLang(_Strict):
    type: Literal["lang"]
    lang: Lang


class AskDebrief(_Strict):
    type: Literal["debrief"]
    id: Annotated[int, Field(ge=0, le=2**53)]


class Ask(_Strict):
    """A question that changes nothing and is not journaled: what an action would do now
    (`assess`), or which targets of an action the engine would refuse (`refusals`)."""

    type: Literal["ask"]
    id: Annotated[int, Field(ge=0, le=2**53)]
    what: Literal["assess", "refusals"]
    action: Id
    target: Annotated[str, Field(max_length=MAX_ID * 2)] = ""
    count: Annotated[int, Field(ge=0, le=100_000)] = 0


ClientMessage = Annotated[Union[Hello, Cmd, SetLang, AskDebrief, Ask], Field(discriminator="type")]
_CLIENT = TypeAdapter(ClientMessage)


class BadMessage(ValueError):
    """A client message that is not one: the connection that sent it is closed.

    `key` names the reason in the catalogues (room.badmsg.KEY), `where` the field at fault."""

    def __init__(self, key: str, where: str = "", size: int = 0) -> None:
        super().__init__(f"{key} {where}".strip())
        self.key = key
        self.where = where
        self.size = size

    def text(self, lang: str) -> str:
        from simulator.i18n import t

        return t("room.badmsg." + self.key, lang, where=self.where, size=self.size, most=MAX_CLIENT_FRAME)


def _where(exc: ValidationError) -> str:
    errors = exc.errors()
    return ".".join(str(p) for p in errors[0].get("loc", ())) if errors else ""


def parse_client(raw: str | bytes) -> Hello | Cmd | SetLang | AskDebrief | Ask:
    """One client message from its frame; BadMessage (with a short reason) when it is not one."""
    if len(raw) > MAX_CLIENT_FRAME:
        raise BadMessage("too-long", size=len(raw))
    try:
        msg = _CLIENT.validate_json(raw)
    except ValidationError as exc:
        raise BadMessage("unreadable", _where(exc)) from None
    if isinstance(msg, Cmd):
        try:
            msg.arguments()
        except ValidationError as exc:
            raise BadMessage("arguments", f"{msg.op}.{_where(exc)}") from None
    return msg


def peek_lang(raw: str | bytes) -> str:
    """The language a refused client asked for, when it can be read at all (else French)."""
    import json

    try:
        data = json.loads(raw) if len(raw) <= MAX_CLIENT_FRAME else None
    except ValueError:
        return "fr"
    lang = data.get("lang") if isinstance(data, dict) else None
    return lang if lang in ("fr", "en") else "fr"


def peek_protocol(raw: str | bytes) -> int | None:
    """The protocol version a hello claims, when it can be read (to tell an old client so)."""
    import json

    try:
        data = json.loads(raw) if len(raw) <= MAX_CLIENT_FRAME else None
    except ValueError:
        return None
    version = data.get("protocol") if isinstance(data, dict) and data.get("type") == "hello" else None
    return version if isinstance(version, int) and not isinstance(version, bool) else None
