"""Print pip constraints pinning every runtime dependency to its declared minimum.

    python .ci/lowest_constraints.py > lowest.txt

Reads `[project].dependencies` of pyproject.toml: `name>=X,...` becomes `name==X`. A
dependency without a lower bound is an error (its minimum would be untested).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def minimums(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    pins = []
    for requirement in project["dependencies"]:
        match = re.match(r"^\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$", requirement)
        name, spec = match.group(1), match.group(3)
        low = re.search(r">=\s*([0-9][^,;\s]*)", spec)
        if low is None:
            sys.exit(f"{name}: no '>=' minimum declared in pyproject.toml")
        pins.append(f"{name}=={low.group(1)}")
    return pins


if __name__ == "__main__":
    print("\n".join(minimums()))
