# ruff: noqa: E501  (documented texts kept on one line)
"""Non-delivery notices in the languages of the addon's users (issue #10).

Microsoft 365 / Exchange writes its NDR in the sending mailbox's language:
the headings and the user-facing sentences below are the ones Microsoft's
localized pages or a published notice show (the source is named beside
each); the server's reply under them stays English, as Exchange writes it.
Whole notices, in the charsets and transfer encodings such systems use,
asserting kind, category, reason and recipients; then replies that must
not be read as failures.  Addresses and hosts are reserved ones.  Unit
fixtures, not corpus.
"""

import pytest

from distribution.bounce import classify_message

from .test_bounce_languages import assert_classified, dsn, notice

DA_WIKI = (
    "Office 365 - Dansk, wiki page 'Fejl ved levering af mails'"
    " (dansk130.rssing.com chan-10151090 article79): the Danish NDR"
)
MS_POSTMASTER = (
    "Microsoft Support, 'Failed delivery messages from the postmaster at"
    " outlook.com, microsoft.com or service.microsoft.com' ({} edition: the"
    " localized name of the administrators' section)"
)
EXCHANGE_ES = "a Spanish Exchange NDR (pastebin JHaPQHk7: 'Generando servidor:', 'Encabezados de mensajes originales:')"
MEPF = "Microsoft Learn, cannot-send-mail-mepf, sv-se edition ('Diagnostikinformation för administratörer', 'Mottagarens postlåda är full')"
MEPF_NL = "Microsoft Learn, cannot-send-mail-mepf, nl-nl edition ('Het postvak van de ontvanger is vol', 'Diagnostische informatie voor beheerders')"

# The Danish NDR as the wiki page shows it: the list, the user-facing
# sentence for a 5.7.x refusal, the organisation that refused, then the
# administrators' section with the server's reply
DA_POLICY = (
    "Levering er ikke udført på disse modtagere eller grupper:\n\n"
    "kunde@customer.example\n"
    "Din meddelelse blev ikke leveret pga. et tilladelses- eller sikkerhedsproblem."
    " Den er måske blevet afvist af en redaktør, adressen accepterer kun mails fra"
    " visse afsendere, eller en anden begrænsning forhindrer levering.\n"
    "Følgende organisation afviste din meddelelse: mx.customer.example.\n\n"
)
DA_ADMIN = (
    "Fejlfindingsoplysninger for administratorer:\n\n"
    "Genererende server: mail.seller.example\n\n"
    "kunde@customer.example\n"
    "mx.customer.example #<mx.customer.example #5.7.1 smtp;530 5.7.1 Client was not authenticated> #SMTP#\n\n"
)
DA_HEADERS = (
    "Received: from mail.seller.example (192.0.2.10) by mail.seller.example\n"
    "From: Seller <invoices@seller.example>\nTo: kunde@customer.example\n"
    "Subject: Faktura 42\n"
)


def multipart_ndr(text, charset, cte, recipient, status, diagnostic):
    """Exchange's NDR with its delivery-status part (multipart/report): the
    translated text first, then the fields in English."""
    return dsn(text, charset, diagnostic, recipient, cte=cte, status=status)


CASES = [
    # --- Danish -----------------------------------------------------------
    pytest.param(
        notice(
            DA_POLICY + DA_ADMIN + DA_HEADERS,
            "utf-8",
            cte="quoted-printable",
            sender="postmaster@seller.example",
            subject="Kan ikke leveres: Faktura 42",
        ),
        ("failure", "blocked", "auth_required", ["kunde@customer.example"]),
        id=f"da-utf8-qp-exchange-administrators-section ({DA_WIKI})",
    ),
    pytest.param(
        # the text part converted from the HTML one, without the
        # administrators' section: the Danish sentence gives the reason
        notice(
            DA_POLICY,
            "iso-8859-1",
            cte="quoted-printable",
            sender="postmaster@seller.example",
            subject="Kan ikke leveres: Faktura 42",
            returned_to="kunde@customer.example",
        ),
        ("failure", "blocked", "policy", ["kunde@customer.example"]),
        id=f"da-latin1-qp-exchange-user-text-only ({DA_WIKI})",
    ),
    pytest.param(
        multipart_ndr(
            DA_POLICY + DA_ADMIN,
            "utf-8",
            "base64",
            "kunde@customer.example",
            "5.7.1",
            "550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized",
        ),
        ("failure", "blocked", "recipient_refuses", ["kunde@customer.example"]),
        id=f"da-utf8-base64-exchange-with-dsn ({DA_WIKI})",
    ),
    # --- French -------------------------------------------------------------
    pytest.param(
        notice(
            "kunde@customer.example\n\n"
            "Informations de diagnostic pour les administrateurs :\n\n"
            "Serveur de génération : mail.seller.example\n\n"
            "client@customer.example\n"
            "Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'\n\n"
            "Received: from mail.seller.example (192.0.2.10)\n",
            "iso-8859-15",
            cte="quoted-printable",
            sender="postmaster@seller.example",
            subject="Non remis : Facture FAC/2026/0042",
        ),
        ("failure", "hard", "mailbox_unknown", ["client@customer.example"]),
        id=f"fr-latin9-qp-exchange-administrators-section ({MS_POSTMASTER.format('fr-fr')})",
    ),
    pytest.param(
        multipart_ndr(
            "Informations de diagnostic pour les administrateurs :\n\n"
            "client@customer.example\n"
            "Remote Server returned '550 5.2.2 mailbox full'\n",
            "utf-8",
            "quoted-printable",
            "client@customer.example",
            "5.2.2",
            "550 5.2.2 mailbox full",
        ),
        ("failure", "soft", "mailbox_full", ["client@customer.example"]),
        id=f"fr-utf8-qp-exchange-with-dsn ({MS_POSTMASTER.format('fr-fr')})",
    ),
    # --- Italian ------------------------------------------------------------
    pytest.param(
        notice(
            "Informazioni di diagnostica per gli amministratori:\n\n"
            "cliente@customer.example\n"
            "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##\n\n"
            "Received: from mail.seller.example (192.0.2.10)\n",
            "iso-8859-1",
            sender="postmaster@seller.example",
            subject="Non recapitabile: Fattura 42",
        ),
        ("failure", "hard", "mailbox_unknown", ["cliente@customer.example"]),
        id=f"it-latin1-exchange-administrators-section ({MS_POSTMASTER.format('it-it')})",
    ),
    # --- German: the heading alone (no "Remote Server returned" line) ------
    pytest.param(
        notice(
            "Diagnoseinformationen für Administratoren:\n\n"
            "kunde@customer.example\n"
            "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##\n\n"
            "Received: from mail.seller.example (192.0.2.10)\n",
            "windows-1252",
            cte="quoted-printable",
            sender="postmaster@seller.example",
            subject="Unzustellbar: Rechnung RE-2026-0042",
        ),
        ("failure", "hard", "mailbox_unknown", ["kunde@customer.example"]),
        id=f"de-cp1252-qp-exchange-hash-reply ({MS_POSTMASTER.format('de-de')})",
    ),
    # --- Swedish --------------------------------------------------------------
    pytest.param(
        notice(
            "Diagnostikinformation för administratörer:\n\n"
            "kund@customer.example\n"
            "#554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException ##\n\n"
            "Received: from mail.seller.example (192.0.2.10)\n",
            "iso-8859-1",
            cte="quoted-printable",
            sender="postmaster@seller.example",
            subject="Olevererbart: Faktura 42",
        ),
        ("failure", "soft", "mailbox_full", ["kund@customer.example"]),
        id=f"sv-latin1-qp-exchange-hash-reply ({MEPF})",
    ),
    # --- Dutch ---------------------------------------------------------------
    pytest.param(
        notice(
            "klant@customer.example\n"
            "Het postvak van de ontvanger is vol en kan nu geen berichten ontvangen."
            " Probeer dit bericht later opnieuw te verzenden of neem direct contact"
            " op met de ontvanger.\n\n"
            "Diagnostische informatie voor beheerders:\n\n"
            "klant@customer.example\n"
            "#554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException ##\n\n"
            "Received: from mail.seller.example (192.0.2.10)\n",
            "iso-8859-1",
            cte="quoted-printable",
            sender="postmaster@seller.example",
            subject="Onbestelbaar: Factuur 42",
        ),
        ("failure", "soft", "mailbox_full", ["klant@customer.example"]),
        id=f"nl-latin1-qp-exchange-mailbox-full ({MEPF_NL})",
    ),
    pytest.param(
        # the user-facing sentence alone (the HTML part's text, no reply)
        notice(
            "klant@customer.example\n"
            "Het postvak van de ontvanger is vol en kan nu geen berichten ontvangen.\n",
            "utf-8",
            cte="base64",
            sender="postmaster@seller.example",
            subject="Onbestelbaar: Factuur 42",
            returned_to="klant@customer.example",
        ),
        ("failure", "soft", "mailbox_full", ["klant@customer.example"]),
        id=f"nl-utf8-base64-user-text-only ({MEPF_NL})",
    ),
    # --- Spanish: the localized server line is no recipient evidence ---------
    pytest.param(
        notice(
            "Información de diagnóstico para los administradores:\n\n"
            "Generando servidor: mail.seller.example\n\n"
            "cliente@customer.example\n"
            "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##\n\n"
            "Encabezados de mensajes originales:\n\n"
            "Received: from mail.seller.example (192.0.2.10)\n",
            "utf-8",
            cte="base64",
            sender="postmaster@seller.example",
            subject="No se puede entregar: Factura 42",
        ),
        ("failure", "hard", "mailbox_unknown", ["cliente@customer.example"]),
        id=f"es-utf8-base64-exchange-server-line ({EXCHANGE_ES})",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_localized_exchange_notice(raw, expected):
    assert_classified(raw, expected)


# out-of-office replies from a system mailbox that quote our invoice: the
# Outlook auto-reply subjects in the users' languages, and no word about a
# failed delivery
NEGATIVES = [
    pytest.param(
        "Olen lomalla 7.12. asti enkä lue sähköpostiani.\n",
        "iso-8859-15",
        "Automaattinen vastaus: Lasku 42",
        id="fi-lomalla",
    ),
    pytest.param(
        "Jag är ledig till och med den 7 december och läser inte min e-post.\n",
        "iso-8859-1",
        "Automatiskt svar: Faktura 42",
        id="sv-ledig",
    ),
    pytest.param(
        "Jag är på semester och läser ditt brev när jag är tillbaka.\n",
        "iso-8859-1",
        "Inte på kontoret",
        id="sv-inte-pa-kontoret",
    ),
    pytest.param(
        "Takk for meldingen. Jeg er ikke på kontoret.\n",
        "utf-8",
        "Faktura 42 (Ikke på kontoret)",
        id="nb-ikke-pa-kontoret-groupwise",
    ),
    pytest.param(
        "Jeg er på ferie til 7. desember og leser ikke e-post.\n",
        "utf-8",
        "Automatisk svar: Faktura 42",
        id="nb-ferie",
    ),
    pytest.param(
        "Je suis absent jusqu'au 7 décembre ; les administrateurs de la"
        " messagerie traiteront les demandes urgentes.\n",
        "iso-8859-15",
        "Réponse automatique : Facture 42",
        id="fr-absent-administrateurs",
    ),
    pytest.param(
        "Ich bin bis zum 7. Dezember nicht im Büro. Ihre Nachricht wird nicht"
        " weitergeleitet.\n",
        "windows-1252",
        "Automatische Antwort: Rechnung 42",
        id="de-abwesend",
    ),
    pytest.param(
        "Ik ben afwezig tot 7 december en lees mijn e-mail niet.\n",
        "iso-8859-1",
        "Automatisch antwoord: Factuur 42",
        id="nl-afwezig",
    ),
]


@pytest.mark.parametrize(("text", "charset", "subject"), NEGATIVES)
def test_out_of_office_reply_is_not_a_bounce(text, charset, subject):
    raw = notice(
        text,
        charset,
        cte="quoted-printable",
        sender="postmaster@customer.example",
        subject=subject,
        returned_to="info@customer.example",
    )
    result = classify_message(raw)
    assert (result.is_bounce, result.category) == (False, "none")


def test_delay_report_with_a_localized_heading_stays_a_delay():
    """A delivery-status report that says "delayed": the Danish
    administrators' heading (a bounce signal now) gives up nothing."""
    raw = dsn(
        "Fejlfindingsoplysninger for administratorer:\n\n"
        "kunde@customer.example\n"
        "#451 4.4.0 DNS query failed ##\n",
        "utf-8",
        "451 4.4.0 DNS query failed",
        "kunde@customer.example",
        status="4.4.0",
        action="delayed",
    )
    result = classify_message(raw)
    assert (result.kind, result.category) == ("delay", "soft")
    assert result.addresses == ["kunde@customer.example"]


def test_a_sentence_about_permissions_in_an_auto_reply_is_not_a_refusal():
    """The Danish policy sentence only counts in a notice: an auto-reply
    that mentions a security problem stays an auto-reply."""
    raw = notice(
        "Jeg er på ferie. Vi har et tilladelses- eller sikkerhedsproblem med"
        " vores VPN; ring venligst.\n",
        "utf-8",
        sender="kunde@customer.example",
        subject="Automatisk svar: Faktura 42",
    )
    result = classify_message(raw)
    assert (result.is_bounce, result.category) == (False, "none")
