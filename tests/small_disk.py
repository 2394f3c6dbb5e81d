"""Run a command whose folder fills up: a real write failure from the kernel, no mock.

As root (how CI runs) the folder is a small tmpfs mounted in a private mount namespace
(`unshare -m`): writes past its size fail with ENOSPC ("No space left on device"), and the
mount disappears with the process, so nothing outside the test sees it. What the command left
in the folder is copied to `after` before the namespace goes.

Without root or `unshare`, the same command runs with RLIMIT_FSIZE set to the size: writes past
it fail with EFBIG ("File too large"), the same OSError path through the program.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
from pathlib import Path

_MOUNT_AND_RUN = r"""
set -u
dir=$1; size=$2; after=$3; shift 3
mount -t tmpfs -o "size=$size" tmpfs "$dir" || exit 97
cd "$dir"
if [ "$FILL_FIRST" = 1 ]; then head -c "$size" /dev/zero > .filler 2>/dev/null; fi
"$@"
rc=$?
rm -f "$dir/.filler"; cp -a "$dir"/. "$after"/
exit $rc
"""


def can_mount() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "true"], capture_output=True)
    return probe.returncode == 0


def run_on_small_disk(argv: list[str], folder: Path, size_bytes: int, env: dict | None = None, full: bool = False) -> tuple[subprocess.CompletedProcess, Path]:
    """Run `argv` in `folder` (created empty), which holds at most about `size_bytes` (nothing at
    all with `full`); returns the finished process and a folder with what it wrote there."""
    folder.mkdir(parents=True, exist_ok=True)
    after = folder.parent / (folder.name + "-after")
    after.mkdir(exist_ok=True)
    if can_mount():
        size = max(4096, size_bytes // 4096 * 4096)
        cmd = ["unshare", "-m", "--propagation", "private", "sh", "-c", _MOUNT_AND_RUN, "sh", str(folder), str(size), str(after), *argv]
        done = subprocess.run(cmd, capture_output=True, text=True, env={**(env or os.environ), "FILL_FIRST": "1" if full else "0"}, timeout=300)
        assert done.returncode != 97, f"mounting a tmpfs failed as root: {done.stderr}"
        return done, after

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing
        limit_bytes = 1 if full else size_bytes
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=folder, preexec_fn=limit, timeout=300)
    for p in folder.iterdir():
        if p.name != ".filler":
            shutil.copy2(p, after / p.name)
    return done, after


_READ_ONLY_AND_RUN = r"""
set -u
dir=$1; shift
mount --bind "$dir" "$dir" && mount -o remount,bind,ro "$dir" || exit 97
exec "$@"
"""


def run_in_read_only_folder(argv: list[str], folder: Path, **kwargs) -> subprocess.CompletedProcess:
    """Run `argv` with `folder` read-only for it. Root ignores permission bits, so as root (CI)
    the folder is bind-mounted read-only over itself in a private mount namespace: writes fail
    with EROFS for root too. Otherwise the folder is made 0555 for the run."""
    if can_mount():
        cmd = ["unshare", "-m", "--propagation", "private", "sh", "-c", _READ_ONLY_AND_RUN, "sh", str(folder), *argv]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kwargs)
        assert done.returncode != 97, f"a read-only bind mount failed as root: {done.stderr}"
        return done
    folder.chmod(0o555)
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=120, **kwargs)
    finally:
        folder.chmod(0o755)
