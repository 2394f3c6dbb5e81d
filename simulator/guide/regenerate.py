"""Regenerate the committed facilitator guides: `python -m simulator.guide.regenerate [--check]`.

Reads every scenario in `scenarios/*.yaml` and writes
`facilitator_guides/<scenario-id>/{fr,en}/` and `facilitator_guides/README.md`.
`--check` writes nothing and exits 1 when the committed guides are stale.
Exit 2 when a scenario does not validate (its errors are printed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simulator.guide.tree import build_tree, differences, write_tree
from simulator.model.diagnostics import InputError

ROOT = Path(__file__).resolve().parent.parent.parent
SCENARIOS = ROOT / "scenarios"
GUIDES = ROOT / "facilitator_guides"
COMMAND = "python -m simulator.guide.regenerate"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 when the guides are stale")
    parser.add_argument("--scenarios", default=str(SCENARIOS), help="folder of scenario files (default: %(default)s)")
    parser.add_argument("--out", default=str(GUIDES), help="guides folder (default: %(default)s)")
    args = parser.parse_args(argv)
    tree = build_tree(args.scenarios)
    for d in tree.problems:
        print(d.format(), file=sys.stderr)
    if args.check:
        diffs = differences(tree, args.out)
        for line in diffs:
            print(f"{args.out}/{line}", file=sys.stderr)
        if diffs:
            print(f"facilitator guides are stale: run `{COMMAND}`", file=sys.stderr)
            return 1
        return 2 if tree.problems else 0
    try:
        written = write_tree(tree, args.out)
    except InputError as exc:
        for d in exc.diagnostics:
            print(d.format(), file=sys.stderr)
        return 2
    print(f"wrote {len(written)} files for {len(tree.scenario_ids)} scenario(s) in {args.out}", file=sys.stderr)
    return 2 if tree.problems else 0


if __name__ == "__main__":
    sys.exit(main())
