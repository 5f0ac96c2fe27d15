"""Table tests of the import plan (what preview shows and import applies)."""

from collections import namedtuple

import pytest

from distribution.directory_sync import (
    REPLACE,
    UPDATE,
    Existing,
    chunked,
    file_numbers,
    ids_outside,
    plan_import,
)

E = namedtuple("E", "customer_number to cc")

EXISTING = [
    Existing(1, "10023", ("a@example.com",), ()),
    Existing(2, "10024", ("b@example.com",), ("cc@example.com",)),
    Existing(3, "10025", ("c@example.com", "d@example.com"), ()),
]

CASES = [
    # (file entries, mode, new numbers, changed ids, unchanged numbers, archived ids)
    ([], UPDATE, [], [], [], []),
    ([], REPLACE, [], [], [], [1, 2, 3]),
    ([E("10023", ("a@example.com",), ())], UPDATE, [], [], ["10023"], []),
    ([E("10023", ("a@example.com",), ())], REPLACE, [], [], ["10023"], [2, 3]),
    ([E("10024", ("b@example.com",), ())], UPDATE, [], [2], [], []),
    ([E("10025", ("d@example.com", "c@example.com"), ())], UPDATE, [], [3], [], []),
    ([E("99", ("z@example.com",), ())], UPDATE, ["99"], [], [], []),
    (
        [E("99", ("z@example.com",), ()), E("10024", ("b@example.com",), ("x@e.fi",))],
        REPLACE,
        ["99"],
        [2],
        [],
        [1, 3],
    ),
]


@pytest.mark.parametrize(
    ("entries", "mode", "new", "changed", "same", "archived"), CASES
)
def test_plan_import(entries, mode, new, changed, same, archived):
    plan = plan_import(entries, EXISTING, mode)
    assert [e.customer_number for e in plan.new] == new
    assert [record_id for record_id, _entry in plan.changed] == changed
    assert [e.customer_number for e in plan.unchanged] == same
    assert sorted(plan.archived) == archived
    assert plan.counts() == {
        "new": len(new),
        "changed": len(changed),
        "unchanged": len(same),
        "archived": len(archived),
    }


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="mode"):
        plan_import([], EXISTING, "merge")


def test_plan_from_the_files_numbers_only_is_the_same_plan():
    """What the wizard does to keep its memory bounded: read the existing
    entries of the file's numbers only and, in replace mode, the ids of the
    others, a chunk at a time."""
    entries = [
        E("10024", ("b@example.com",), ("cc@example.com",)),
        E("10025", ("x@example.com",), ()),
        E("99", ("z@example.com",), ()),
    ]
    numbers = file_numbers([*entries, entries[0]])
    assert numbers == ["10024", "10025", "99"]
    touched = [row for row in EXISTING if row.customer_number in numbers]
    outside = []
    for chunk in chunked([(r.id, r.customer_number) for r in EXISTING], 2):
        outside.extend(ids_outside(chunk, set(numbers)))
    for mode in (UPDATE, REPLACE):
        whole = plan_import(entries, EXISTING, mode)
        partial = plan_import(
            entries, touched, mode, outside if mode == REPLACE else ()
        )
        assert partial == whole
    assert plan_import(entries, touched, REPLACE, outside).archived == [1]


def test_chunked():
    assert list(chunked(range(5), 2)) == [[0, 1], [2, 3], [4]]
    assert not list(chunked([], 3))
