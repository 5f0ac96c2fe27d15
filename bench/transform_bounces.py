"""Rewrite every corpus message in ways that keep its meaning and count the
outcomes that change (not a test; ``tests_core/test_bounce_transforms.py``
runs the same rewrites on the committed samples).

Usage, from the addon's root (after ``python3 bench/fetch_bounce_corpus.py``)::

    python3 bench/transform_bounces.py [--show N]
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import eval_bounces  # noqa: E402

from tests_core.bounce_transforms import KEEP, PERSON, roundtrip  # noqa: E402
from tests_core.test_bounce_transforms import outcome  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=5, help="changed files listed")
    args = parser.parse_args(argv)
    rows, missing = eval_bounces.load("all")
    print(f"{len(rows)} messages ({missing} not fetched)")
    reference = {name: (outcome(raw), outcome(roundtrip(raw))) for name, raw, _ in rows}
    for name, (rewrite, generated) in sorted(KEEP.items()):
        changed = [
            (path, reference[path][generated], observed)
            for path, raw, _label in rows
            if (observed := outcome(rewrite(raw))) != reference[path][generated]
        ]
        print(f"keep   {name:24} {len(changed):4} changed")
        for path, before, after in changed[: args.show]:
            print(f"         {path}: {before} -> {after}")
    for name, rewrite in sorted(PERSON.items()):
        bounces = [
            (path, raw) for path, raw, _ in rows if reference[path][0][0] != "none"
        ]
        read = [path for path, raw in bounces if outcome(rewrite(raw)) != ("none", [])]
        print(f"person {name:24} {len(read):4} of {len(bounces)} still read as bounces")
        for path in read[: args.show]:
            print(f"         {path}")


if __name__ == "__main__":
    main()
