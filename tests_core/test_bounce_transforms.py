"""Every committed sample keeps its outcome under the rewrites of
``bounce_transforms.KEEP``, and becomes a person's mail under ``PERSON``.

Written after a check of this kind found outcomes that changed (a list's
subject tag, footers and disclaimers in parts of their own, an HTML notice
hidden by a plain disclaimer, report parts labelled text/plain, Postfix
replies that lost their indent, forwards under Apple Mail's banner): each
of those is fixed, and this keeps them fixed across every sample.
"""

from pathlib import Path

import pytest

from distribution.bounce import classify_message

from .bounce_transforms import KEEP, PERSON, roundtrip

SAMPLES = Path(__file__).parent / "samples" / "bounces"
FILES = sorted(
    path
    for folder in ("corpus", "flufl", "own")
    for path in (SAMPLES / folder).rglob("*")
    if path.suffix in (".eml", ".txt")
)


def outcome(raw):
    result = classify_message(raw)
    category = result.category if result.kind == "failure" else result.kind
    if result.kind == "autoreply":  # neither counts as a failure
        category = "none"
    return category, sorted(address.lower() for address in result.addresses)


@pytest.fixture(scope="module", name="reference")
def _reference():
    """Each file's outcome as stored and as the generator writes it back."""
    found = {}
    for path in FILES:
        raw = path.read_bytes()
        found[path] = (outcome(raw), outcome(roundtrip(raw)))
    return found


def test_the_samples_are_there():
    assert len(FILES) > 300


@pytest.mark.parametrize("name", sorted(KEEP))
def test_a_rewrite_that_keeps_the_meaning_keeps_the_outcome(name, reference):
    rewrite, generated = KEEP[name]
    changed = []
    for path in FILES:
        as_stored, written_back = reference[path]
        expected = written_back if generated else as_stored
        observed = outcome(rewrite(path.read_bytes()))
        if observed != expected:
            changed.append(f"{path.relative_to(SAMPLES)}: {expected} -> {observed}")
    assert not changed, "\n".join(changed[:20])


@pytest.mark.parametrize("name", sorted(PERSON))
def test_a_person_passing_a_notice_on_is_not_a_bounce(name, reference):
    rewrite = PERSON[name]
    read_as_bounce = []
    bounces = 0
    for path in FILES:
        category, _addresses = reference[path][0]
        if category in ("none", "autoreply"):
            continue
        bounces += 1
        observed = outcome(rewrite(path.read_bytes()))
        if observed != ("none", []):
            read_as_bounce.append(f"{path.relative_to(SAMPLES)}: {observed}")
    assert bounces > 200
    assert not read_as_bounce, "\n".join(read_as_bounce[:20])
