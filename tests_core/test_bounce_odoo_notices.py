"""The refusals of an Odoo database's mail gateway (parser ``odoo``).

The texts are Odoo 18.0's own (``addons/mail/data/mail_templates_mailgateway.xml``,
``addons/mail/models/mail_alias.py`` and their translations in
``addons/mail/i18n/{da,de,fi,fr,nb,nl,sv}.po`` of the Community archive
``odoo-18.0-1b5d156``), with their placeholders filled and the whitespace
Odoo's QWeb and HTML-to-text leave; unit fixtures, not corpus.  The Odoo
layer's test (``tests/test_bounce_reasons.py``) has Odoo render them itself.
"""

import pytest

from distribution.bounce import classify_message

HEAD = (
    "From: MAILER-DAEMON <bounce@customer.example>\n"
    "To: bounce@seller.example\n"
    "Subject: Re: Invoice INV/2026/00012\n"
    "Message-Id: <1764550000.1-openerp-message-notify@customer.example>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/html; charset=utf-8\n"
    "Content-Transfer-Encoding: 8bit\n\n"
)
QUOTED = "<blockquote>Dear Customer, here is your invoice INV/2026/00012.</blockquote>"


def catchall(hello, sent_to, processed, contact):
    # mail.mail_bounce_catchall
    return (
        f'<div><p>{hello} "Seller Ltd" &lt;invoices@seller.example&gt;,</p>'
        f"<p>{sent_to} catchall@customer.example {processed} Customer Inc..</p>"
        f'<p>{contact} <a href="mailto:info@customer.example">'
        "info@customer.example</a></p><p>Regards,</p><p>The Customer Inc. team.</p>"
        f"</div>{QUOTED}"
    )


def alias(text):
    # mail.mail_bounce_alias_security around mail.alias's body
    body = text % {
        "alias_display_name": "bills@customer.example",
        "contact_description": "addresses linked to registered partners",
        "default_email": '"Customer Inc." &lt;info@customer.example&gt;',
        "company_name": "Customer Inc.",
    }
    return (
        f"<div><p>Dear Sender,<br /><br />{body}<br /><br />Kind Regards</p></div>"
        f"{QUOTED}"
    )


def limit(lead, tail):
    # mail.message_notification_limit_email
    return (
        f"<p>Dear Sender,</p><p>{lead} bills@customer.example {tail}</p>"
        f"<p>Kind Regards</p>{QUOTED}"
    )


CATCHALL = {
    "en": (
        "Hello",
        "The email sent to",
        "cannot be processed. This address\n    is used to collect replies and "
        "should not be used to directly contact",
        "Please contact us instead using",
    ),
    "da": (
        "Hej",
        "Emailen sendt til",
        "kan ikke udføres. Denne adresse\n   bruges til at indsamle besvarelser og "
        "bør ikke bruges til direkte kontakt",
        "Kontakt os venligst i stedet via",
    ),
    "de": (
        "Hallo",
        "Die E-Mail gesendet an",
        "kann nicht verarbeitet werden. Diese Adresse\n    wird verwendet, um "
        "Antworten zu sammeln und sollte nicht zur direkten Kontaktaufnahme "
        "verwendet werden",
        "Bitte kontaktieren Sie uns stattdessen unter Verwendung von",
    ),
    "fi": (
        "Hei",
        "Sähköposti lähetetty",
        "ei voida käsitellä. Tätä osoitetta\n    käytetään vastausten keräämiseen, "
        "eikä sitä voi käyttää suoraan yhteydenottoihin",
        "Ota sen sijaan yhteyttä meihin käyttämällä",
    ),
    "fr": (
        "Bonjour",
        "L'e-mail envoyé à",
        "ne peut pas être traité. Cette adresse\n    est utilisée pour recevoir "
        "les réponses et ne doit pas être utilisée pour contacter directement",
        "Merci de nous contacter plutôt que d'utiliser",
    ),
    "nl": (
        "Hallo",
        "De e-mail verzonden naar",
        "kan niet worden verwerkt. Dit adres\nwordt gebruikt om antwoorden te "
        "verzamelen en mag niet worden gebruikt om rechtstreeks contact op te nemen",
        "Neem in plaats daarvan contact met ons op via",
    ),
    "sv": (
        "Hej",
        "Det e-postmeddelande som skickades till",
        "kan inte behandlas. Denna adress\n    används för att samla in svar och "
        "bör inte användas för att direkt kontakta",
        "Vänligen kontakta oss istället via",
    ),
}

RESTRICTED = {
    "en": "The message below could not be accepted by the address "
    "%(alias_display_name)s.\n                 Only %(contact_description)s are "
    "allowed to contact it.<br /><br />\n                 Please make sure you are "
    "using the correct address or contact us at %(default_email)s instead.",
    "de": "Die unten stehende Nachricht konnte von der Adresse %(alias_display_name)s "
    "nicht akzeptiert werden.\n                 Nur %(contact_description)s ist es "
    "gestattet, diese zu kontaktieren.<br /><br />\n                 Bitte stellen "
    "Sie sicher, dass Sie die korrekte Adresse verwenden, oder kontaktieren Sie uns "
    "stattdessen unter %(default_email)s.",
    "fi": "Osoite %(alias_display_name)s ei hyväksynyt alla olevaa viestiä.\n"
    "                 Vain %(contact_description)s saa ottaa yhteyttä.<br /><br />\n"
    "                 Varmista, että käytät oikeaa osoitetta, tai ota sen sijaan "
    "yhteyttä osoitteeseen %(default_email)s.",
    "fr": "Le message ci-dessous n'a pas été accepté par l'adresse "
    "%(alias_display_name)s.\n                 Seuls %(contact_description)s sont "
    "autorisés à contacter cette adresse.<br /><br />\n                 Veuillez "
    "vous assurer que vous utilisez la bonne adresse ou contactez-nous sur "
    "%(default_email)s.",
    "nl": "Het onderstaande bericht kon niet worden aanvaard door het adres "
    "%(alias_display_name)s.\n                 Enkel %(contact_description)s mogen "
    "er contact mee opnemen.<br /><br />\n                 Zorg ervoor dat je het "
    "juiste adres gebruikt of neem contact met ons op via %(default_email)s.",
    "sv": "Meddelandet nedan kunde inte accepteras av adressen %(alias_display_name)s."
    "\n                 Endast %(contact_description)s är tillåtna att kontakta "
    "den.<br /><br />\n                 Kontrollera att du använder rätt adress "
    "eller kontakta oss på %(default_email)s istället.",
}

INVALID = {
    "en": "The message below could not be accepted by the address "
    "%(alias_display_name)s.\n                 Please try again later or contact "
    "%(company_name)s instead.",
    "de": "Die unten stehende Nachricht konnte von der Adresse %(alias_display_name)s "
    "nicht aktzeptiert werden.\nBitte versuchen Sie es später erneut oder "
    "kontaktieren Sie stattdessen %(company_name)s.",
    "fi": "Osoite %(alias_display_name)s ei voinut hyväksyä alla olevaa viestiä.\n"
    "Yritä myöhemmin uudelleen tai ota yhteyttä %(company_name)s.",
    "fr": "Le message ci-dessous n'a pas été accepté par l'adresse "
    "%(alias_display_name)s.\nVeuillez réessayer ou contacter %(company_name)s.",
    "nl": "Het onderstaande bericht kon niet worden aanvaard door het adres "
    "%(alias_display_name)s.\nProbeer het later opnieuw of neem contact op met "
    "%(company_name)s.",
    "sv": "Meddelandet nedan kunde inte accepteras av adressen %(alias_display_name)s."
    "\nVänligen försök igen senare eller kontakta %(company_name)s istället.",
}

LIMIT = {
    "en": (
        "The message below could not be accepted by the address",
        "because you have\n                contacted it too many times in the last "
        "few minutes.\n                <br/>\n                Please try again later.",
    ),
    "de": (
        "Die unten stehende Nachricht konnte nicht akzeptiert werden von der Adresse",
        ", da Sie sie\n                in den letzten Minuten zu oft kontaktiert "
        "haben.\n                <br/>\n                Bitte versuchen Sie es "
        "später erneut.",
    ),
    "fi": (
        "Osoite ei voinut hyväksyä alla olevaa viestiä",
        "koska olette\n                ottanut siihen yhteyttä liian monta kertaa "
        "viime minuuttien aikana.\n               <br/>\n                Yritä "
        "myöhemmin uudelleen.",
    ),
    "fr": (
        "Le message ci-dessous n'a pas été accepté par l'adresse",
        "parce que vous l'avez\n                contacté trop souvent au cours des "
        "dernières minutes.\n                <br/>\n                Veuillez "
        "réessayer plus tard.",
    ),
    "nb": (
        "Meldingen under kunne ikke blir akseptert av adressen",
        "because you have\n                contacted it too many times in the last "
        "few minutes.\n                <br/>\n                Please try again later.",
    ),
    "nl": (
        "Het onderstaande bericht kon niet worden geaccepteerd door het adres",
        "omdat jij hebt\n                de afgelopen minuten te vaak contact met hem "
        "opgenomen.\n                <br/>\n                Probeer het later opnieuw.",
    ),
    "sv": (
        "Meddelandet nedan kunde inte accepteras av adressen",
        "eftersom du har\n                kontaktat den för många gånger under de "
        "senaste minuterna.\n                <br/>\n                Vänligen försök "
        "igen senare.",
    ),
}

CASES = [
    *(
        pytest.param(
            catchall(*texts),
            "catchall@customer.example",
            "hard",
            "recipient_rejected",
            id=f"catchall-{lang}",
        )
        for lang, texts in CATCHALL.items()
    ),
    *(
        pytest.param(
            alias(text),
            "bills@customer.example",
            "blocked",
            "recipient_refuses",
            id=f"restricted-{lang}",
        )
        for lang, text in RESTRICTED.items()
    ),
    *(
        pytest.param(
            alias(text),
            "bills@customer.example",
            "soft",
            "server_trouble",
            id=f"invalid-{lang}",
        )
        for lang, text in INVALID.items()
    ),
    *(
        pytest.param(
            limit(*texts),
            "bills@customer.example",
            "soft",
            "rate_limited",
            id=f"limit-{lang}",
        )
        for lang, texts in LIMIT.items()
    ),
]


@pytest.mark.parametrize(("body", "recipient", "category", "reason"), CASES)
def test_odoo_gateway_refusal(body, recipient, category, reason):
    result = classify_message((HEAD + body).encode())
    assert (result.kind, result.category, result.parser) == (
        "failure",
        category,
        "odoo",
    )
    assert result.addresses == [recipient]
    assert result.recipients[0].reason == reason
    assert recipient in result.recipients[0].diagnostic


def test_catchall_as_odoo_sends_it_multipart():
    body = catchall(*CATCHALL["en"])
    raw = (
        HEAD.replace(
            "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n",
            'Content-Type: multipart/alternative; boundary="B"\n',
        )
        + "--B\nContent-Type: text/plain; charset=utf-8\n\n"
        "Hello,\n\nThe email sent to catchall@customer.example cannot be processed. "
        "This address\nis used to collect replies and should not be used to directly "
        "contact Customer Inc..\n\n> Dear Customer\n"
        f"--B\nContent-Type: text/html; charset=utf-8\n\n{body}\n--B--\n"
    )
    result = classify_message(raw.encode())
    assert (result.category, result.addresses) == (
        "hard",
        ["catchall@customer.example"],
    )


@pytest.mark.parametrize(
    "subject",
    ["Fwd: Invoice INV/2026/00012", "Invoice INV/2026/00012"],
)
def test_the_same_words_outside_a_gateway_reply_are_not_a_refusal(subject):
    """A person who forwards the notice, or writes its words in a new mail,
    is not Odoo's gateway answering."""
    raw = HEAD.replace("Re: Invoice INV/2026/00012", subject) + alias(RESTRICTED["en"])
    result = classify_message(raw.encode())
    assert result.parser != "odoo"


def test_an_alias_without_an_address_is_not_a_recipient():
    """An inactive alias's display name is "Inactive Alias", not an address."""
    body = alias(RESTRICTED["en"].replace("%(alias_display_name)s", "Inactive Alias"))
    result = classify_message((HEAD + body).encode())
    assert result.parser != "odoo"


def test_the_refusal_names_our_mail_not_odoo_s_loop_tag():
    """Odoo refers to the refused mail, then to a tag of its own
    (``mail.thread._routing_create_bounce_email``'s ``references``)."""
    raw = HEAD.replace(
        "MIME-Version",
        "References: <1764549000.7-account.move-12@seller.example>"
        " <1764550000.2-loop-detection-bounce-email@customer.example>\nMIME-Version",
    ) + alias(RESTRICTED["en"])
    result = classify_message(raw.encode())
    assert result.original_message_id == "<1764549000.7-account.move-12@seller.example>"


def test_a_refusal_in_the_notice_s_first_paragraph_is_shown_whole():
    """The sentence shown to the accountant starts at the notice's first
    character when no blank line comes before it (it lost one before)."""
    raw = HEAD.replace("text/html", "text/plain") + (
        "The email sent to catchall@customer.example cannot be processed.\n"
    )
    result = classify_message(raw.encode())
    assert result.recipients[0].diagnostic == (
        "The email sent to catchall@customer.example cannot be processed."
    )
