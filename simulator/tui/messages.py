"""Messages from a session to the screens (posted on the UI's event loop)."""

from __future__ import annotations

from textual.message import Message

from simulator.room.views import Notice, Situation


class SituationUpdated(Message):
    """A new picture of the exercise: at most one per tick."""

    def __init__(self, situation: Situation) -> None:
        super().__init__()
        self.situation = situation


class NoticeReceived(Message):
    """Something the person at this screen must not miss."""

    def __init__(self, notice: Notice) -> None:
        super().__init__()
        self.notice = notice


class SessionClosed(Message):
    """The connection to the host is gone (the reason, in the reader's language)."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason
