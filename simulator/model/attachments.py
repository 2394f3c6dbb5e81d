"""Files handed out with injects: next to the scenario, inside its folder tree, small, and of a known kind.

An attachment is named relative to the scenario file (`cards/ransom-note.png`). It is
refused when it names a parent folder (`..`), an absolute path, a link leading out of
the scenario's folder tree, something that is not a regular file, a file over
MAX_BYTES, or content that is none of: PNG, JPEG or GIF image, PDF, UTF-8 text (no NUL,
no control character but tab and line breaks). The kind is read from the bytes, not the
name, and a name whose extension says otherwise (a PDF called `.png`) is refused too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from simulator.fileio import open_input

MAX_BYTES = 5 * 1024 * 1024
KINDS = {
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "gif": ("image/gif", (".gif",)),
    "pdf": ("application/pdf", (".pdf",)),
    "text": ("text/plain", (".txt", ".md", ".log", ".csv", ".eml", ".json", ".xml", ".html", ".htm")),
}
IMAGES = ("png", "jpeg", "gif")


@dataclass(frozen=True)
class AttachmentFile:
    ref: str  # as written in the scenario (a relative POSIX path)
    path: Path  # resolved, inside the scenario's folder tree
    kind: str  # png | jpeg | gif | pdf | text
    size: int

    @property
    def mime(self) -> str:
        return KINDS[self.kind][0]

    @property
    def image(self) -> bool:
        return self.kind in IMAGES


class AttachmentError(ValueError):
    """Why a file cannot be attached (the message says it)."""


def sniff(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"%PDF-"):
        return "pdf"
    return None


def _is_text(data: bytes) -> bool:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any((ord(ch) < 0x20 and ch not in "\t\n\r") or ord(ch) == 0x7F for ch in text)


def resolve(scenario_file: str | os.PathLike, ref: str) -> AttachmentFile:
    """The attachment `ref` of the scenario at `scenario_file`, checked; AttachmentError says why not."""
    if not isinstance(ref, str) or not ref.strip():
        raise AttachmentError("an attachment is a non-empty relative path")
    bad = next((ch for ch in ref if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F), None)
    if bad is not None:
        raise AttachmentError(f"attachment {ref!r} contains the control character U+{ord(bad):04X}")
    if "\\" in ref:
        raise AttachmentError(f"attachment '{ref}': write the path with '/' (a backslash is not a separator here)")
    if os.path.isabs(ref) or ref.startswith("~") or (len(ref) > 1 and ref[1] == ":"):
        raise AttachmentError(f"attachment '{ref}' must be a path relative to the scenario file")
    parts = PurePosixPath(ref).parts
    if ".." in parts:
        raise AttachmentError(f"attachment '{ref}' names a parent folder ('..'): keep attachments in the scenario's folder or below it")
    base = Path(scenario_file).resolve().parent
    target = (base / ref).resolve()
    try:
        target.relative_to(base)
    except ValueError:
        raise AttachmentError(f"attachment '{ref}' is a link leading out of the scenario's folder: copy the file next to the scenario instead") from None
    try:
        with open_input(target) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_BYTES:
                raise AttachmentError(f"attachment '{ref}' is too large ({size / 1048576:.1f} MiB; the limit is {MAX_BYTES // 1048576} MiB)")
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise AttachmentError(f"attachment '{ref}': no such file") from None
    except IsADirectoryError:
        raise AttachmentError(f"attachment '{ref}' is a folder, not a file") from None
    except PermissionError:
        raise AttachmentError(f"attachment '{ref}': permission denied") from None
    except OSError as exc:
        raise AttachmentError(f"attachment '{ref}': {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise AttachmentError(f"attachment '{ref}' is too large (the limit is {MAX_BYTES // 1048576} MiB)")
    if not data:
        raise AttachmentError(f"attachment '{ref}' is empty")
    kind = sniff(data[:16]) or ("text" if _is_text(data) else None)
    if kind is None:
        raise AttachmentError(f"attachment '{ref}' is not an image (PNG, JPEG, GIF), a PDF or UTF-8 text: its content was not recognised")
    suffix = PurePosixPath(ref).suffix.lower()
    if suffix and suffix not in KINDS[kind][1]:
        named = next((k for k, (_m, exts) in KINDS.items() if suffix in exts), None)
        if named is not None:
            raise AttachmentError(f"attachment '{ref}' is named like a {named.upper()} file but holds {kind.upper() if kind != 'text' else 'text'}")
    return AttachmentFile(ref, target, kind, len(data))
