"""A Ctrl+C that a library swallowed still means "stop".

Python cannot raise an exception out of a finaliser or a callback called from C code: a
Ctrl+C landing there is printed as "Exception ignored ... KeyboardInterrupt" and dropped.
Seen while pydantic built its validators: the command then went on and reported an error
made up from the interrupted work ("String should match pattern '<unprintable str object>'"),
or, with an older pydantic, ran on to the end of a 100,000-seed batch. While a command runs,
`watch()` notes such a Ctrl+C; `stop_if_interrupted()` turns it back into KeyboardInterrupt
(exit 130, "interrupted") before an error is reported or long work starts.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Iterator

_swallowed = False


def _hook(previous):
    def hook(unraisable) -> None:
        global _swallowed
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            _swallowed = True  # no "Exception ignored" noise: the command stops with "interrupted"
            return
        previous(unraisable)

    return hook


@contextlib.contextmanager
def watch() -> Iterator[None]:
    """Note every Ctrl+C dropped as unraisable while the block runs."""
    global _swallowed
    _swallowed = False
    previous = sys.unraisablehook
    sys.unraisablehook = _hook(previous)
    try:
        yield
    finally:
        sys.unraisablehook = previous


def interrupted() -> bool:
    return _swallowed


def stop_if_interrupted() -> None:
    """Raise the KeyboardInterrupt a library swallowed, if any."""
    if _swallowed:
        raise KeyboardInterrupt
