"""Benchmark of distribution.bounces on the labelled bounce corpus (not a test).

Usage, from the addon's root::

    python3 bench/bench_bounces.py [--rounds N]

Prints the throughput (messages per second, parsing included) and the
agreement with the expert labels of ``tests_core/samples/bounces/expected.json``,
overall and per sub-corpus.  When ``flufl.bounce`` is installed, its recipient
detection is measured on the same corpus for comparison.
"""

import argparse
import email
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests_core" / "samples" / "bounces"


def load_corpus():
    labels = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
    return [
        (name, (SAMPLES / name).read_bytes(), label)
        for name, label in labels["samples"].items()
    ]


def agreement(corpus, classify):
    """Per sub-corpus counters of category, recipient and status agreement."""
    counts = Counter()
    misses = []
    for name, raw, label in corpus:
        group = name.split("/", 1)[0]
        result = classify(raw)
        known_miss = "known_miss" in label
        category_ok = not known_miss and (result.kind, result.category) == (
            label["kind"],
            label["category"],
        )
        recipients_ok = not known_miss and sorted(result.addresses) == sorted(
            label["recipients"]
        )
        status_ok = result.status == label["status"]
        for key in (group, "all"):
            counts[key, "total"] += 1
            counts[key, "category"] += category_ok
            counts[key, "recipients"] += recipients_ok
            counts[key, "status"] += status_ok
        if not (category_ok and recipients_ok and status_ok):
            misses.append((name, label.get("known_miss", "")))
    return counts, misses


def flufl_recipients(corpus):
    """Recipient-set agreement of flufl.bounce, or None when not installed."""
    try:
        from flufl.bounce import all_failures
    except ImportError:
        return None
    hits = total = 0
    started = time.perf_counter()
    for _name, raw, label in corpus:
        temporary, permanent = all_failures(email.message_from_bytes(raw))
        found = sorted(
            {
                address.decode("utf-8", "replace").lower()
                for address in temporary | permanent
            }
        )
        hits += found == sorted(label["recipients"])
        total += 1
    return hits, total, total / (time.perf_counter() - started)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from distribution.bounces import classify_message

    corpus = load_corpus()
    raws = [raw for _name, raw, _label in corpus]
    for raw in raws:  # warm up regex caches
        classify_message(raw)
    started = time.perf_counter()
    for _ in range(args.rounds):
        for raw in raws:
            classify_message(raw)
    elapsed = time.perf_counter() - started
    messages = len(raws) * args.rounds
    size = sum(map(len, raws)) / len(raws)
    print(f"corpus: {len(raws)} messages, {size:.0f} bytes on average")
    print(
        f"throughput: {messages / elapsed:.0f} messages/s "
        f"({messages} in {elapsed:.2f} s)"
    )

    counts, misses = agreement(corpus, classify_message)
    for group in ("all", *sorted({name.split("/", 1)[0] for name, _r, _l in corpus})):
        total = counts[group, "total"]
        print(
            f"{group:>6}: {total:3d} messages, "
            f"category {100 * counts[group, 'category'] / total:5.1f} %, "
            f"recipients {100 * counts[group, 'recipients'] / total:5.1f} %, "
            f"status {100 * counts[group, 'status'] / total:5.1f} %"
        )
    for name, why in misses:
        print(f"  miss: {name} {why}")

    flufl = flufl_recipients(corpus)
    if flufl is None:
        print("flufl.bounce not installed: no comparison")
    else:
        hits, total, rate = flufl
        print(
            f"flufl.bounce for comparison: recipients {100 * hits / total:5.1f} % "
            f"({rate:.0f} messages/s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
