"""Plan what an import does to the recipient directory, before doing it.

The import wizard previews counts (new, changed, unchanged, archived) and then
applies exactly that plan; both steps use :func:`plan_import`, so the preview
cannot drift from what is applied.

The plan does not need the whole directory: given only the existing entries
whose numbers are in the file, plus (in replace mode) the ids of the other
active entries, it is the same plan.  The Odoo wizard reads it that way, in
chunks (:func:`chunked`), so that its memory follows the file and not the
directory.
"""

from dataclasses import dataclass, field
from itertools import islice

UPDATE = "update"
REPLACE = "replace"


@dataclass(frozen=True)
class Existing:
    """An active directory entry as the plan needs it (ids are opaque)."""

    id: object
    customer_number: str
    to: tuple
    cc: tuple


@dataclass
class ImportPlan:
    """Which file entries create or change rows, and which rows are archived."""

    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # (existing id, entry)
    unchanged: list = field(default_factory=list)
    archived: list = field(default_factory=list)  # existing ids

    def counts(self):
        return {
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "archived": len(self.archived),
        }


def chunked(items, size):
    """Successive lists of at most *size* items of the iterable *items*."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def file_numbers(entries):
    """The distinct customer numbers of the file *entries*, in file order."""
    return list(dict.fromkeys(entry.customer_number for entry in entries))


def ids_outside(rows, numbers):
    """Ids of the ``(id, customer number)`` *rows* whose number is not in the
    set *numbers*: what replace mode archives, scanned a chunk at a time."""
    return [row_id for row_id, number in rows if number not in numbers]


def plan_import(entries, existing, mode=UPDATE, outside=()):
    """Compare file *entries* with the *existing* active entries of one type.

    *entries* are objects with ``customer_number``, ``to`` and ``cc`` (tuples of
    normalised addresses); *existing* is an iterable of :class:`Existing`:
    either the whole active directory of the type, or only the entries whose
    numbers the file has.  In ``update`` mode entries missing from the file
    are left alone; in ``replace`` mode they are archived: those of *existing*
    and the ids in *outside* (the active entries the caller found outside the
    file, see :func:`ids_outside`).  Address order is kept as typed, so a
    reordered list counts as changed (the first address is the main one).
    """
    if mode not in (UPDATE, REPLACE):
        raise ValueError(f"unknown import mode {mode!r}")
    current = {row.customer_number: row for row in existing}
    plan = ImportPlan()
    in_file = set()
    for entry in entries:
        in_file.add(entry.customer_number)
        row = current.get(entry.customer_number)
        if row is None:
            plan.new.append(entry)
        elif (tuple(row.to), tuple(row.cc)) == (tuple(entry.to), tuple(entry.cc)):
            plan.unchanged.append(entry)
        else:
            plan.changed.append((row.id, entry))
    if mode == REPLACE:
        plan.archived = [
            row.id for number, row in current.items() if number not in in_file
        ]
        plan.archived.extend(outside)
    return plan
