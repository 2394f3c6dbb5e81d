"""Check what the sdist and the wheel hold against the checkout.

    python .ci/check_dist.py DIST_FOLDER

The wheel must carry every shipped scenario, network, variant, policy and schema (as package
resources under `simulator/`), the i18n catalogues, the UI's stylesheet, the room's web pages and scripts, and the licence;
the sdist must also carry the docs and tests. Prints a short inventory; exit 1 on a gap.
"""

from __future__ import annotations

import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shipped_in_checkout() -> set[str]:
    """Package paths of the data the package ships (real files behind the checkout's symlinks)."""
    out = set()
    for pattern in ("scenarios/*.yaml", "scenarios/*/*.yaml", "schemas/*.json"):
        out |= {f"simulator/{p.relative_to(ROOT).as_posix()}" for p in ROOT.glob(pattern)}
    for pattern in ("data/**/*.yaml", "data/*.json", "i18n/*.json", "tui/*.tcss", "room/templates/*.html", "room/static/*.js"):
        out |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "simulator").glob(pattern)}
    return out


def main() -> None:
    folder = Path(sys.argv[1])
    wheel = next(folder.glob("*.whl"))
    sdist = next(folder.glob("*.tar.gz"))
    problems = []
    wheel_names = set(zipfile.ZipFile(wheel).namelist())
    expected = shipped_in_checkout()
    problems += [f"wheel lacks {name}" for name in sorted(expected - wheel_names)]
    if not any(n.endswith(".dist-info/licenses/LICENSE") for n in wheel_names):
        problems.append("wheel lacks the licence (dist-info/licenses/LICENSE)")
    if any(n.startswith("tests/") for n in wheel_names):
        problems.append("wheel holds the tests")
    with tarfile.open(sdist) as tar:
        sdist_names = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}
    for name in sorted(expected | {"LICENSE", "README.md", "docs/journal-format.md", "docs/sources.md", "tests/conftest.py", "scenarios/ransomware-weekend-night.yaml"}):
        if name not in sdist_names:
            problems.append(f"sdist lacks {name}")
    data = sorted(n for n in wheel_names if n.startswith(("simulator/scenarios/", "simulator/schemas/")))
    print(f"wheel {wheel.name}: {len(wheel_names)} files, {wheel.stat().st_size // 1024} KiB; "
          f"{sum(n.startswith('simulator/scenarios/') for n in data)} scenario files, "
          f"{sum(n.startswith('simulator/schemas/') for n in data)} schemas")
    print(f"sdist {sdist.name}: {len(sdist_names)} entries, {sdist.stat().st_size // 1024} KiB")
    for problem in problems:
        print(f"check_dist: {problem}", file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
