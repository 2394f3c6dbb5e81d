"""The situation board shared by the live exercise screen and the replay screen."""

from __future__ import annotations

from typing import Iterator

from textual.widget import Widget

from simulator.tui.widgets.clinical import ClinicalPanel
from simulator.tui.widgets.decisions import DecisionsPanel
from simulator.tui.widgets.feed import FeedPanel
from simulator.tui.widgets.inbox import InboxPanel
from simulator.tui.widgets.regclocks import ClocksPanel
from simulator.tui.widgets.services import ServicesPanel
from simulator.tui.widgets.staff import StaffPanel
from simulator.tui.widgets.zones import ZonesPanel


def board_panels(side: Widget | None = None) -> Iterator[Widget]:
    """Every panel of the board in layout order; `side` (ground truth, tasks) sits after decisions."""
    yield ZonesPanel(id="zones")
    yield InboxPanel(id="inbox")
    yield DecisionsPanel(id="decisions")
    if side is not None:
        yield side
    yield ServicesPanel(id="services")
    yield ClocksPanel(id="clocks")
    yield ClinicalPanel(id="clinical")
    yield StaffPanel(id="staff")
    yield FeedPanel(id="feed")
