"""Markdown that no renderer turns into HTML or a script link, whatever the scenario's text holds.

The kits and the report are Markdown made of our own wording and of the scenario author's
text (titles, names, injects, notes, source links). A scenario from elsewhere could carry
`<script>`, `<img onerror=...>` or `[click](javascript:...)`, which a Markdown viewer turns
into live HTML. `safe_markdown` runs over a whole document once it is assembled:

- every `&` and `<` becomes an entity (`&amp;`, `&lt;`): no raw HTML, no autolink, no entity
  trick survives, and a viewer shows the characters the author typed. What our own templates
  write is kept: `<br>` (a line break inside a table cell) and `&nbsp;` (a blank to write in);
- a link or reference whose destination has a scheme other than http, https or mailto (or
  an image's `data:image/...`) loses its link syntax: `](javascript:` becomes `]\\(javascript:`.

Code spans hold only our ids and command words, so nothing shown as code is changed.
"""

from __future__ import annotations

import re

_KEPT = re.compile(r"(<br>|&nbsp;)")

_SCHEME = r"[A-Za-z][A-Za-z0-9+.\-]*\\?:"
_ALLOWED = r"(?:https?|mailto)\\?:|data\\?:image/"
_INLINE_LINK = re.compile(rf"\]\((?=[ \t]*(?!{_ALLOWED}){_SCHEME})", re.IGNORECASE)
_REFERENCE = re.compile(rf"^( {{0,3}}\[[^\]\n]*\]):(?=[ \t]*(?!{_ALLOWED}){_SCHEME})", re.IGNORECASE | re.MULTILINE)


def safe_markdown(text: str) -> str:
    """`text` (a whole Markdown document) with nothing a renderer would run or render as HTML."""
    parts = _KEPT.split(text)  # odd indices: the kept tokens
    text = "".join(p if i % 2 else p.replace("&", "&amp;").replace("<", "&lt;") for i, p in enumerate(parts))
    text = _INLINE_LINK.sub(r"]\\(", text)
    return _REFERENCE.sub(r"\1\\:", text)
