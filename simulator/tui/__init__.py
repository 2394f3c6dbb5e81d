"""The Textual crisis-room UI: a client of one seat of an exercise session.

The screens talk only to `simulator.room.client.SessionClient` (a local session for solo play,
a host's room for `cyberdrill join` and browsers): they render the immutable `Situation` the
session computed for their seat and turn keys into commands the session authorises.
"""
