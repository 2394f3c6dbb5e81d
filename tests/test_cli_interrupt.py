"""A Ctrl+C that a library swallowed ("Exception ignored ... KeyboardInterrupt", as one landing
while pydantic builds its validators) still stops the command as interrupted, instead of an
error made up from the interrupted work or a batch that runs on."""

from __future__ import annotations

import gc

import pytest

from simulator.cli.interrupt import interrupted, watch
from simulator.cli.output import fail, usage_error


class _DroppedCtrlC:
    """Raises KeyboardInterrupt in its finaliser: Python can only print it and go on."""

    def __del__(self) -> None:
        raise KeyboardInterrupt


def _swallow_a_ctrl_c() -> None:
    _DroppedCtrlC()
    gc.collect()


def test_an_error_after_a_swallowed_ctrl_c_is_an_interruption(capsys):
    with watch():
        _swallow_a_ctrl_c()
        assert interrupted()
        with pytest.raises(KeyboardInterrupt):
            usage_error("scenario.yaml", "String should match pattern '<unprintable str object>'")
    err = capsys.readouterr().err
    assert "Exception ignored" not in err and "error:" not in err


def test_without_a_ctrl_c_errors_are_reported_as_ever(capsys):
    with watch():
        assert not interrupted()
        with pytest.raises(SystemExit) as exit_:
            fail([])
    assert exit_.value.code == 2


def test_other_unraisable_errors_still_reach_the_previous_hook(capsys):
    class Broken:
        def __del__(self) -> None:
            raise ValueError("finaliser")

    seen = []
    import sys

    previous = sys.unraisablehook
    sys.unraisablehook = lambda u: seen.append(type(u.exc_value))
    try:
        with watch():
            Broken()
            gc.collect()
            assert not interrupted()
    finally:
        sys.unraisablehook = previous
    assert seen == [ValueError]


def test_the_watch_ends_with_the_command():
    with watch():
        _swallow_a_ctrl_c()
    with watch():
        assert not interrupted()
