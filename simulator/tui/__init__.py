"""The crisis-room terminal UI (Textual): a view and a controller over the engine.

Only `bridge` touches the engine and the journal; screens and widgets render the
immutable `Situation` snapshots it builds and turn key presses into commands.
"""
