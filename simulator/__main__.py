"""`python -m simulator` is the same as the `cyberdrill` command."""

from simulator.cli import main

if __name__ == "__main__":
    try:
        main()
    finally:
        # A Ctrl+C that main() handled (exit 130) may have been raised in code Python runs through
        # exec or eval (a namedtuple or a dataclass being built): CPython then marks it unhandled
        # and, under `python -m` only, ends the process by SIGINT instead of exit 130. Running any
        # string through exec clears that mark (CPython resets it before each such run).
        exec("")  # noqa: S102
