"""Print pip constraints pinning every runtime dependency to its declared minimum.

    python .ci/lowest_constraints.py > lowest.txt
    python .ci/lowest_constraints.py --installed   # in the environment built with them

Reads `[project].dependencies` of pyproject.toml: `name>=X,...` becomes `name==X`. A
dependency without a lower bound is an error (its minimum would be untested). With
`--installed`, lists what this interpreter has of each runtime dependency and of the `test`
extra, and fails if a runtime dependency is not at its minimum (the suite would not be
testing the minimums it claims to).
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$")


def _project(pyproject: Path) -> dict:
    return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]


def minimums(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    pins = []
    for requirement in _project(pyproject)["dependencies"]:
        match = _REQUIREMENT.match(requirement)
        name, spec = match.group(1), match.group(3)
        low = re.search(r">=\s*([0-9][^,;\s]*)", spec)
        if low is None:
            sys.exit(f"{name}: no '>=' minimum declared in pyproject.toml")
        pins.append(f"{name}=={low.group(1)}")
    return pins


def _release(version: str) -> str:
    """'13.7.0' and '13.7' are the same release for pip's `==`."""
    parts = version.split(".")
    while len(parts) > 1 and parts[-1] == "0":
        parts.pop()
    return ".".join(parts)


def installed(pyproject: Path = ROOT / "pyproject.toml") -> int:
    wrong = []
    for pin in minimums(pyproject):
        name, wanted = pin.split("==")
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            have = "missing"
        ok = _release(have) == _release(wanted)
        print(f"{name} {have}" + ("" if ok else f"  (declared minimum {wanted})"))
        if not ok:
            wrong.append(name)
    tools = [_REQUIREMENT.match(r).group(1) for r in _project(pyproject)["optional-dependencies"]["test"]]
    found = []
    for name in tools:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} missing")
            wrong.append(name)
    print("test tools: " + ", ".join(found))
    if wrong:
        print("not at the declared minimum or missing: " + ", ".join(wrong), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--installed"]:
        sys.exit(installed())
    print("\n".join(minimums()))
