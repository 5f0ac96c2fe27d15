"""Routing table: every combination of settings, addresses and directory."""

import pytest

from distribution.routing import (
    DIRECTORY,
    DOCUMENT,
    DirectoryEntry,
    RoutingSettings,
    route_document,
)

ON = RoutingSettings(enabled=True, use_document_address=True, use_directory=True)
DOC_ONLY = RoutingSettings(enabled=True, use_document_address=True, use_directory=False)
DIR_ONLY = RoutingSettings(enabled=True, use_document_address=False, use_directory=True)
NEITHER = RoutingSettings(enabled=True, use_document_address=False, use_directory=False)
OFF = RoutingSettings(enabled=False, use_document_address=True, use_directory=True)
ENTRY = DirectoryEntry(to=("ap@dir.example",), cc=("cfo@dir.example",), format="pdf")

CASES = [
    # settings, doc address, number, entry, held, source, to, cc, reason fragment
    (OFF, "a@doc.example", "1", ENTRY, {}, None, (), (), "off"),
    (ON, "a@doc.example", "1", ENTRY, {}, DOCUMENT, ("a@doc.example",), (), None),
    (
        ON,
        "a@doc.example; b@doc.example",
        None,
        None,
        {},
        DOCUMENT,
        ("a@doc.example", "b@doc.example"),
        (),
        None,
    ),
    (ON, "", "1", ENTRY, {}, DIRECTORY, ENTRY.to, ENTRY.cc, None),
    (
        ON,
        None,
        "1",
        None,
        {},
        None,
        (),
        (),
        "no address in the document and no directory entry for customer number 1",
    ),
    (
        ON,
        None,
        None,
        None,
        {},
        None,
        (),
        (),
        "no address in the document and the customer has no customer number",
    ),
    (
        DOC_ONLY,
        "",
        "1",
        ENTRY,
        {},
        None,
        (),
        (),
        "No route: no address in the document.",
    ),
    (DOC_ONLY, "a@doc.example", "1", ENTRY, {}, DOCUMENT, ("a@doc.example",), (), None),
    (DIR_ONLY, "a@doc.example", "1", ENTRY, {}, DIRECTORY, ENTRY.to, ENTRY.cc, None),
    (
        DIR_ONLY,
        "a@doc.example",
        "2",
        None,
        {},
        None,
        (),
        (),
        "no directory entry for customer number 2",
    ),
    (NEITHER, "a@doc.example", "1", ENTRY, {}, None, (), (), "neither"),
    # Held addresses: skipped; all held in the document -> the directory.
    (
        ON,
        "a@doc.example",
        "1",
        ENTRY,
        {"a@doc.example": "blocked"},
        DIRECTORY,
        ENTRY.to,
        ENTRY.cc,
        None,
    ),
    (
        ON,
        "",
        "1",
        ENTRY,
        {"cfo@dir.example": "bounced"},
        DIRECTORY,
        ENTRY.to,
        (),
        None,
    ),
    (
        DIR_ONLY,
        "",
        "1",
        ENTRY,
        {"ap@dir.example": "bounced permanently"},
        None,
        (),
        (),
        "ap@dir.example (bounced permanently)",
    ),
    (ON, "bad@", "1", ENTRY, {}, None, (), (), "invalid"),
]


@pytest.mark.parametrize(
    ("settings", "doc", "number", "entry", "held", "source", "to", "cc", "reason"),
    CASES,
)
def test_route_document(settings, doc, number, entry, held, source, to, cc, reason):
    route = route_document(settings, doc, number, entry, held)
    assert route.source == source
    assert route.to == to
    assert route.cc == cc
    assert route.ok == bool(to)
    assert route.applicable == settings.enabled
    if reason is None:
        assert route.reason is None
    else:
        assert reason in str(route.reason)


def test_reason_is_translated_as_a_whole():
    route = route_document(ON, None, "7", None)
    catalog = {
        "No route: %(missing)s.": "Ei reittiä: %(missing)s.",
        "%(first)s and %(second)s": "%(first)s ja %(second)s",
        "no address in the document": "asiakirjassa ei ole osoitetta",
        "no directory entry for customer number %(number)s": (
            "asiakasnumerolle %(number)s ei ole hakemistoriviä"
        ),
    }
    assert route.reason.translate(catalog.get) == (
        "Ei reittiä: asiakirjassa ei ole osoitetta ja asiakasnumerolle 7 ei ole "
        "hakemistoriviä."
    )


def test_held_addresses_are_reported():
    route = route_document(
        ON, "a@doc.example, b@doc.example", None, None, {"b@doc.example": "blocked"}
    )
    assert route.to == ("a@doc.example",)
    assert route.held == (("b@doc.example", "blocked"),)
