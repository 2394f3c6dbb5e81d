"""Start the installed crisis-room UI in a pseudo-terminal, as a user would, and check it works.

    python smoke_ui.py /path/to/venv/bin/cyberdrill WORKDIR

Opens the home screen on the shipped scenarios, checks the flagship is listed, opens its
briefing (Enter), starts the exercise (Enter), steps through a few events (n), quits
(Ctrl+Q) and checks the journal it left is chained and resumable. Only the public command line is used, so the
check holds whatever the UI's internals become. Exit 0 on success, 1 with the screen's text.
"""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

ANSI = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78DEHMNOPZc\\])")


class Screen:
    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.master, slave = pty.openpty()
        os.set_blocking(self.master, False)
        # 120x40: wide enough for the home table
        import fcntl
        import struct
        import termios

        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd, start_new_session=True)
        os.close(slave)
        self.raw = b""

    def text(self) -> str:
        return ANSI.sub(b"", self.raw).decode("utf-8", "replace")

    def pump(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                self.raw += chunk

    def wait_for(self, needle: str, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.pump(0.2)
            if needle in self.text().replace("\n", " ") or needle in re.sub(r"\s+", " ", self.text()):
                return True
            if self.proc.poll() is not None:
                self.pump(0.2)
                return needle in self.text()
        return False

    def send(self, data: bytes) -> None:
        os.write(self.master, data)


def fail(screen: Screen, message: str) -> None:
    print(f"smoke_ui: {message}", file=sys.stderr)
    print(screen.text()[-4000:], file=sys.stderr)
    if screen.proc.poll() is None:
        os.killpg(screen.proc.pid, signal.SIGKILL)
    sys.exit(1)


def main() -> None:
    cyberdrill, workdir = sys.argv[1], Path(sys.argv[2])
    workdir.mkdir(parents=True, exist_ok=True)
    journals = workdir / "journals"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(TERM="xterm-256color", COLUMNS="120", LINES="40", HOME=str(workdir))
    began = time.monotonic()
    screen = Screen([cyberdrill, "play", "--lang", "en", "--journal-dir", str(journals)], env, workdir)
    if not screen.wait_for("Ransomware on a weekend night", 60):
        fail(screen, "the home screen never listed the shipped flagship scenario")
    screen.send(b"\r")
    if not screen.wait_for("Start T+0", 30):
        fail(screen, "Enter on the flagship did not open its briefing")
    screen.send(b"\r")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list(journals.glob("*.jsonl")):
        screen.pump(0.2)
    if not list(journals.glob("*.jsonl")):
        fail(screen, "starting the exercise wrote no journal")
    screen.pump(1.0)
    for _ in range(5):  # step the engine: every panel redraws (Textual < 5 crashed here)
        screen.send(b"n")
        screen.pump(0.5)
    if screen.proc.poll() is not None or "Traceback" in screen.text():
        fail(screen, "the exercise screen crashed while stepping through events")
    presses = 0
    while screen.proc.poll() is None and presses < 3:
        screen.send(b"\x11")  # Ctrl+Q: mid-exercise the UI asks first (and says how to resume)
        presses += 1
        if screen.wait_for("Leave the exercise?", 15):
            screen.send(b"y")
        end = time.monotonic() + 15
        while time.monotonic() < end and screen.proc.poll() is None:
            screen.pump(0.2)
    if screen.proc.poll() is None:
        fail(screen, "Ctrl+Q (pressed 3 times) did not quit")
    if presses > 1:
        print(f"smoke_ui: warning: Ctrl+Q quit only at press {presses}", file=sys.stderr)
    screen.pump(0.5)
    if screen.proc.returncode != 0 or "Traceback" in screen.text():
        fail(screen, f"exit code {screen.proc.returncode}")
    journal = next(journals.glob("*.jsonl"))
    # left mid-exercise, the journal is resumable: its chain holds, it has no seal yet (exit 1)
    verify = subprocess.run([cyberdrill, "log", "verify", str(journal)], capture_output=True, text=True, env=env, cwd=workdir)
    if verify.returncode != 1 or "journal is not sealed" not in verify.stderr:
        print(verify.stdout, verify.stderr, file=sys.stderr)
        fail(screen, f"log verify of the UI's journal exited {verify.returncode}")
    print(f"smoke_ui: home, briefing, exercise and quit in {time.monotonic() - began:.1f} s; journal {journal.name} chained, resumable")


if __name__ == "__main__":
    main()
