"""Screens of the crisis-room UI: home, briefing, exercise, debrief, replay, and the dialogs."""
