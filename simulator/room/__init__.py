"""The room: one exercise session served to many seats.

`session` (the session itself: one engine, one journal, the seats and what each may see and
do), `seats` (the seats and their permissions), `views` (what crosses to a screen),
`client` (the UI's side: `SessionClient`, `LocalClient`), `local` (solo play), `replay` (a
journal seen again). The host (`host`, `protocol`, `codes`, `web`) and its remote client
(`remote`) serve the same session over sockets and to browsers. The engine knows nothing of
seats, sockets or browsers.
"""
