"""A room as people use it: two terminals (tmux) and a browser (Debian's Chromium, through
Playwright) on one host. The browser seat answers a decision; the terminal seats show it."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from simulator.journal.verify import verify_journal

from .helpers import MINI

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
URL = re.compile(r"(http://127\.0\.0\.1:\d+)")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def commands(log: Path) -> list[dict]:
    out = []
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:  # the last line being written
            continue
        if record["type"] == "command":
            out.append(record["data"])
    return out


def joined(log: Path, seat: str, name: str) -> bool:
    return any(c.get("ui") == "join" and c.get("seat") == seat and c.get("name") == name for c in commands(log))


def decided(log: Path) -> bool:
    return any(c.get("kind") == "decide" and c.get("seat") == "cell:direction" for c in commands(log))


def wait(condition, timeout: float, what: str, every: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


class Tmux:
    """One terminal seat in a real terminal (tmux), driven by keys and read from the screen."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]) -> None:
        self.name = f"cd-{name}-{uuid.uuid4().hex[:6]}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        shell = f"env {exports} {' '.join(shlex.quote(c) for c in command)}"
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", "200", "-y", "50", shell], check=True)

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, key], check=True)
            time.sleep(0.15)

    def screen(self) -> str:
        done = subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True)
        return done.stdout

    def panel(self, title: str) -> str:
        """The text of the bordered panel titled `title`, its wrapped lines joined."""
        rows = self.screen().splitlines()
        for i, row in enumerate(rows):
            at = row.find(title)
            if at < 0:
                continue
            left = row.rfind("╭", 0, at)
            right = row.find("╮", at)
            if left < 0 or right < 0:
                continue
            parts = []
            for below in rows[i + 1:]:
                cell = below[left + 1:right]
                if below[left:left + 1] == "╰":
                    break
                parts.append(cell.strip("│ ▁▂▃▄▅▆▇█"))
            return " ".join(" ".join(parts).split())
        return ""

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def host(tmp_path):
    log = tmp_path / "room.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator", "host", str(MINI), "--log", str(log), "--bind", "127.0.0.1:0", "--seed", "7"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    url = None
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and url is None:
        line = proc.stdout.readline()
        if not line:
            break
        found = URL.search(line)
        url = found.group(1) if found else None
    assert url, proc.stderr.read() if proc.stderr else "no address"
    codes = json.loads(Path(str(log) + ".codes.json").read_text())["seats"]
    yield url, codes, log
    proc.terminate()
    proc.communicate(timeout=30)


def test_a_browser_seat_answers_a_decision_and_the_terminal_seats_show_it(host, tmp_path):
    assert shutil.which("tmux"), ".ci/run installs tmux"
    assert Path(CHROMIUM).exists(), ".ci/run installs Debian's chromium"
    from playwright.sync_api import sync_playwright

    url, codes, log = host
    env = {"TERM": "xterm-256color", "COLUMNS": "200", "LINES": "50", "PATH": os.environ.get("PATH", "")}
    join = [sys.executable, "-m", "simulator", "join", url]
    facilitator = Tmux("fac", [*join, "--code", codes["facilitator"], "--name", "Anna Animatrice"], env)
    it = Tmux("it", [*join, "--code", codes["cell:it"], "--name", "Ivan Informaticien"], env)
    try:
        wait(lambda: "Animation" in facilitator.screen(), 60, "the facilitator's terminal")
        wait(lambda: "Informatique" in it.screen(), 60, "the IT cell's terminal")
        # the facilitator moves the clock to the decision (T+1h, it holds the clock)
        for _ in range(20):
            if "Couper les accès Internet" in it.panel("Décisions en attente"):
                break
            facilitator.keys("n")
            time.sleep(0.5)
        wait(lambda: "Couper les accès Internet" in it.panel("Décisions en attente"), 30, "the decision on the IT screen")

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            outside: list[str] = []
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((url, url.replace("http", "ws"), "data:")) else None)
            try:
                page.goto(url + "/")
                page.fill("#code", codes["cell:direction"])
                page.click("button")
                page.wait_for_selector("body.-first-byte", timeout=60_000)
                page.wait_for_timeout(1000)
                page.click("#terminal")
                page.keyboard.type("Dr Martin")
                page.keyboard.press("Enter")
                # the browser's seat is taken once the host journals who joined it
                wait(lambda: joined(log, "cell:direction", "Dr Martin"), 60, "the browser seat to join")
                for _attempt in range(4):  # a loaded machine may still be drawing: try again, never type blind
                    page.keyboard.press("d")
                    page.wait_for_timeout(2000)
                    page.keyboard.press("Enter")
                    try:
                        wait(lambda: decided(log), 10, "the decision in the journal")
                        break
                    except AssertionError:
                        page.keyboard.press("Escape")
                        page.wait_for_timeout(1000)
                assert decided(log), "the browser seat never decided"
                wait(lambda: "Couper (Direction)" in it.panel("Main courante"), 30, "the decision in the IT cell's log")
            finally:
                page.screenshot(path=str(tmp_path / "browser.png"))
                browser.close()
        assert not outside, outside
        assert "Couper (Direction)" in facilitator.panel("Main courante")
        assert "Couper les accès Internet" not in it.panel("Décisions en attente")
    finally:
        facilitator.close()
        it.close()
    recorded = commands(log)
    decide = next(c for c in recorded if c.get("kind") == "decide")
    assert (decide["decision"], decide["option"], decide["seat"], decide["name"]) == ("cut-internet", "cut", "cell:direction", "Dr Martin")
    result = verify_journal(log)
    assert result.kind == "truncated" and not result.sealed  # intact, not closed: the host still runs


def test_a_seat_link_takes_the_keyboard_without_a_click(host):
    """Following a seat's link and typing one's name at once joins: the page focuses the
    terminal as soon as the UI draws (no click needed, as a person would expect)."""
    from playwright.sync_api import sync_playwright

    url, codes, log = host
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        try:
            page.goto(f"{url}/s/{codes['cell:it']}")
            page.wait_for_selector("body.-first-byte", timeout=60_000)
            page.wait_for_function("document.activeElement && document.activeElement.classList.contains('xterm-helper-textarea')", timeout=10_000)
            page.wait_for_timeout(1500)  # the join dialog is drawn over the first bytes
            page.keyboard.type("Iris l'Informaticienne")
            page.keyboard.press("Enter")
            wait(lambda: joined(log, "cell:it", "Iris l'Informaticienne"), 60, "the linked seat to join")
        finally:
            browser.close()
    assert not errors, errors
