"""The refusals an Odoo database's mail gateway sends back (Odoo 18.0).

A customer who runs Odoo may give an address that Odoo itself receives: its
mail gateway answers mail it does not accept with an ordinary reply (subject
``Re: <our subject>``, sent to our Return-Path by
``mail.thread._routing_create_bounce_email``), not a DSN.  The texts, in
English or in the language Odoo renders them in, are those of Odoo 18.0
(``addons/mail/data/mail_templates_mailgateway.xml``,
``addons/mail/models/mail_alias.py``, their translations in
``addons/mail/i18n/*.po``):

* ``mail.mail_bounce_catchall`` -- "The email sent to <x> cannot be
  processed.  This address is used to collect replies and should not be used
  to directly contact <company>": the address is the customer's reply
  collector, not a mailbox for our invoices: *hard* (``recipient_rejected``),
  ask the customer for the right address;
* ``mail.alias._get_alias_bounced_body_fallback`` -- "The message below could
  not be accepted by the address <x>.  Only <who> are allowed to contact it":
  the address refuses senders it does not know: *blocked*
  (``recipient_refuses``);
* ``mail.alias._get_alias_invalid_body`` -- "... could not be accepted by the
  address <x>.  Please try again later or contact <company> instead": the
  alias is misconfigured on their side: *soft* (``server_trouble``);
* ``mail.message_notification_limit_email`` -- "... could not be accepted by
  the address <x> because you have contacted it too many times in the last
  few minutes": *soft* (``rate_limited``).
"""

import re

from ..evidence import Record, to_failure
from ..model import FAILURE, BounceResult
from ..reasons import REASONS
from ..text import normalise_address, paragraph_at

NAME = "odoo"

_ADDRESS = r"<?([^\s<>\"']+@[^\s<>\"']+?)>?"
_APOS = "['\u2019]"

# "The email sent to <x> cannot be processed." -- en and the translations of
# mail_bounce_catchall (da, de, fi, fr, nb, nl, sv).
_CATCHALL = re.compile(
    r"(?:The\s+email\s+sent\s+to|Emailen\s+sendt\s+til|Die\s+E-Mail\s+gesendet\s+an"
    r"|Sähköposti\s+lähetetty|L" + _APOS + r"e-mail\s+envoyé\s+à"
    r"|E-posten\s+sendt\s+til|De\s+e-mail\s+verzonden\s+naar"
    r"|Det\s+e-postmeddelande\s+som\s+skickades\s+till)"
    r"\s+" + _ADDRESS + r"[.,]?\s+"
    r"(?:cannot\s+be\s+processed|kan\s+ikke\s+udføres|kann\s+nicht\s+verarbeitet"
    r"|ei\s+voida\s+käsitellä|ne\s+peut\s+pas\s+être\s+traité"
    r"|kan\s+niet\s+worden\s+verwerkt|kan\s+inte\s+behandlas)",
    re.I,
)
# "The message below could not be accepted by the address <x>" -- en and the
# translations of mail_alias.py and message_notification_limit_email.
_ALIAS = re.compile(
    r"(?:could\s+not\s+be\s+accepted\s+by\s+the\s+address"
    r"|konnte\s+(?:nicht\s+akzeptiert\s+werden\s+)?von\s+der\s+Adresse"
    r"|n" + _APOS + r"a\s+pas\s+été\s+accepté\s+par\s+l" + _APOS + r"adresse"
    r"|(?:aanvaard|geaccepteerd)\s+door\s+het\s+adres"
    r"|kunde\s+inte\s+accepteras\s+av\s+adressen"
    r"|kunne\s+ikke\s+blir\s+akseptert\s+av\s+adressen"
    r"|ei\s+voinut\s+hyväksyä\s+alla\s+olevaa\s+viestiä)"
    r"\s+" + _ADDRESS + r"(?=[.,]?(?:\s|$))"
    # Finnish puts the alias first: "Osoite <x> ei hyväksynyt alla olevaa
    # viestiä" / "Osoite <x> ei voinut hyväksyä alla olevaa viestiä".
    r"|\bOsoite\s+" + _ADDRESS + r"\s+ei\s+(?:hyväksynyt|voinut\s+hyväksyä)"
    r"\s+alla\s+olevaa\s+viestiä",
    re.I,
)
_TOO_OFTEN = re.compile(
    r"too\s+many\s+times|zu\s+oft|trop\s+souvent|te\s+vaak|för\s+många\s+gånger"
    r"|liian\s+monta\s+kertaa",
    re.I,
)
_ONLY_ALLOWED = re.compile(
    r"\ballowed\s+to\s+contact\b|\bgestattet\b|\bautorisés\s+à\s+contacter\b"
    r"|\bmogen\s+er\s+contact\b|\btillåtna\s+att\s+kontakta\b|\bsaa\s+ottaa\s+yhteyttä\b",
    re.I,
)
_TRY_LATER = re.compile(
    r"try\s+again\s+later|später\s+erneut|réessayer|myöhemmin\s+uudelleen"
    r"|later\s+opnieuw|försök\s+igen\s+senare",
    re.I,
)


def parse(env):
    # Odoo always answers with "Re: <subject>" (never translated).
    if env.parts.dsn or not env.subject.lstrip().lower().startswith("re:"):
        return None
    text = env.notice[:4000]
    match = _CATCHALL.search(text)
    if match:
        reason, address = "recipient_rejected", match.group(1)
    else:
        match = _ALIAS.search(text)
        if not match:
            return None
        address = match.group(1) or match.group(2)
        after = text[match.end() : match.end() + 600]
        if _TOO_OFTEN.search(after):
            reason = "rate_limited"
        elif _ONLY_ALLOWED.search(after):
            reason = "recipient_refuses"
        elif _TRY_LATER.search(after):
            reason = "server_trouble"
        else:
            return None
    address = normalise_address(address.rstrip("."))
    if not address:
        return None
    shown = " ".join(paragraph_at(text, match.start(), match.end()).split())
    failure = to_failure(
        Record(
            address=address,
            action="failed",
            evidence=shown,
            shown=shown,
            original_recipient=address,
        )
    )
    failure.decided_by(REASONS[reason])
    return BounceResult(is_bounce=True, kind=FAILURE, recipients=[failure], parser=NAME)
