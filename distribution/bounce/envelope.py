"""The envelope: raw bytes to the parts a bounce parser reads.

Bounded and forgiving: the input is cut at :data:`MAX_BYTES`, MIME nesting is
read to :data:`MAX_DEPTH` levels only (a message nested thousands of levels
deep is read as text instead of crashing the parser with a RecursionError),
leading blank lines and an mbox ``From `` line are dropped, a multipart whose
declared boundary is never used is re-read with the boundary its body
actually uses, and a bounce forwarded as an attachment is unwrapped.
Nothing here raises on malformed mail.
"""

import re
from email import message_from_bytes
from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import parseaddr

from .text import (
    ADDRESS_SCAN,
    SYSTEM_LOCALPARTS,
    Phrases,
    clean,
    header,
    html_to_text,
    message_part_text,
    normalise_address,
    part_text,
    rx,
)

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 12
# more nested containers than this and the stdlib parser (recursive) is not
# trusted with the message: it is read as headers + text
MAX_CONTAINERS = 200
_CONTAINER = re.compile(
    rb"(?im)^content-type:[ \t]*(?:multipart/|message/(?:rfc822|global)\b)"
)
_BOUNDARY_LINE = re.compile(r"(?m)^--([^\s]{1,200}?)(?:--)?[ \t]*$")


def to_message(raw):
    """A :class:`email.message.Message` for bytes, str or a Message."""
    if isinstance(raw, Message):
        return raw
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    raw = bytes(raw[:MAX_BYTES])
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    raw = raw.removeprefix(b"\xef\xbb\xbf").lstrip(b"\n")  # a UTF-8 BOM, blank lines
    if raw.startswith(b"From ") and b"\n" in raw:
        first = raw.split(b"\n", 1)[0]
        if b":" not in first.split(b" ", 2)[1]:  # "From sender date", not a header
            raw = raw.split(b"\n", 1)[1]
    raw = _refold(raw)
    if len(_CONTAINER.findall(raw, 0, 1024 * 1024)) > MAX_CONTAINERS:
        return _flat(raw)
    try:
        msg = message_from_bytes(raw)
    except (RecursionError, MemoryError):
        return _flat(raw)
    except Exception:  # the stdlib parser is robust, but never let mail crash us
        return _flat(raw)
    return _recover_boundary(msg)


_FIELD_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")


def _refold(raw):
    """Header continuation lines that lost their indentation, indented again.

    RFC 5322 section 2.2.3 folds a long field with whitespace at the start of
    the next line; some stored samples lost it, and the stdlib parser then
    ends the header at the first unfolded line, reading the remaining fields
    as the body.  A line without a colon that is followed, before the blank
    line, by another header field is taken for a continuation.
    """
    end = raw.find(b"\n\n")
    head = raw[:end] if end != -1 else raw
    if not _FIELD_LINE.match(head):
        return raw  # no header at all (a bare notice text): nothing to mend
    lines = head.split(b"\n")
    broken = [
        index
        for index, line in enumerate(lines)
        if line and line[:1] not in b" \t" and not _FIELD_LINE.match(line)
    ]
    if not broken or not any(_FIELD_LINE.match(line) for line in lines[broken[-1] :]):
        return raw
    for index in broken:
        lines[index] = b" " + lines[index]
    return b"\n".join(lines) + raw[len(head) :]


def _flat(raw):
    """Headers of *raw* and its body as one text part."""
    try:
        msg = BytesHeaderParser().parsebytes(raw)
    except Exception:  # headers unreadable: an empty message
        msg = Message()
    body = raw.split(b"\n\n", 1)[1] if b"\n\n" in raw else b""
    for name in ("Content-Type", "Content-Transfer-Encoding"):
        del msg[name]
    msg["Content-Type"] = "text/plain; charset=utf-8"
    msg.set_payload(body.decode("utf-8", "replace"))
    return msg


def _recover_boundary(msg, depth=0):
    """Re-read a multipart whose declared boundary is not in its body."""
    if depth > MAX_DEPTH:
        return msg
    try:
        if msg.get_content_maintype() != "multipart":
            return msg
        payload = msg.get_payload()
    except Exception:  # odd headers
        return msg
    if isinstance(payload, list):
        return msg
    if not isinstance(payload, str):
        return msg
    match = _BOUNDARY_LINE.search(payload)
    if not match:
        return msg
    boundary = match.group(1)
    if boundary == msg.get_boundary():
        return msg
    msg.set_boundary(boundary)
    try:
        fixed = message_from_bytes(msg.as_bytes())
    except Exception:  # give up: keep the text
        return msg
    return fixed if fixed.is_multipart() else msg


DSN_TYPES = ("message/delivery-status", "message/global-delivery-status")
MDN_TYPES = (
    "message/disposition-notification",
    "message/global-disposition-notification",
)
_RETURNED_HEADER_TYPES = (
    "text/rfc822-headers",
    "message/rfc822-headers",
    "message/global-headers",
)


class Parts:
    __slots__ = (
        "dsn",
        "executable",
        "htmls",
        "mdn",
        "report",
        "returned",
        "status_part",
        "texts",
        "trailing",
    )

    def __init__(self):
        self.dsn = []
        self.mdn = []
        self.texts = []
        self.htmls = []
        self.returned = []
        self.trailing = []
        # a delivery-status part was seen, whether it held recipients or not
        self.status_part = False
        self.report = None
        self.executable = False


# A Windows program attached beside the notice (not inside a returned
# message): the mark of a mass-mailing worm that imitates a bounce
# (W32/Mydoom, W32/Netsky, W32/Bagle in the anti-virus vendors' write-ups:
# "Mail System Error - Returned Mail", "Mail Delivery System", "Mail
# Transaction Failed" with a .exe/.pif/.scr/.zip attachment).  A mail
# system's notice returns the message or its headers (RFC 3464 section 2,
# RFC 3462 / 6522), never a program of its own.
_PROGRAM_NAME = re.compile(r"\.(?:exe|scr|pif|com|cmd|bat|cpl|vbs|js)\s*$", re.I)
_PROGRAM_BASE64 = ("TVqQ", "TVpQ", "TVoA", "TVqA")  # "MZ" executable header


def _is_program(part):
    name = part.get_filename() or ""
    if _PROGRAM_NAME.search(name):
        return True
    if (part.get("Content-Transfer-Encoding") or "").strip().lower() != "base64":
        return False
    payload = part.get_payload()
    return isinstance(payload, str) and payload.lstrip().startswith(_PROGRAM_BASE64)


def _is_wrapped_report(inner):
    """A bounce forwarded as an attachment, rather than the returned original."""
    ctype = inner.get_content_type()
    if ctype == "multipart/report":
        return True
    if inner.is_multipart():
        return any(
            sub.get_content_type() in DSN_TYPES
            for sub in inner.get_payload()
            if isinstance(sub, Message)
        )
    return False


def _after_report(acc):
    """Whether the notice and the report's machine-readable parts (a
    delivery-status, a disposition, the returned message) have been read."""
    return bool((acc.texts or acc.htmls) and (acc.dsn or acc.mdn or acc.returned))


def collect(part, acc, depth=0, standalone_html=False):
    if depth > MAX_DEPTH:
        return
    ctype = part.get_content_type()
    if ctype == "multipart/report" and acc.report is None:
        acc.report = (part.get_param("report-type") or "").lower()
    if ctype in DSN_TYPES:
        acc.status_part = True
        acc.dsn.append(message_part_text(part))
    elif ctype in MDN_TYPES:
        acc.mdn.append(message_part_text(part))
    elif ctype in ("message/rfc822", "message/global"):
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if isinstance(inner, Message) and _is_wrapped_report(inner):
            collect(inner, acc, depth + 1)
        elif inner is not None:
            acc.returned.append(inner)
    elif ctype in _RETURNED_HEADER_TYPES:
        if part.is_multipart():
            acc.returned.append(message_part_text(part))
        else:
            acc.returned.append(part_text(part))
    elif part.get_content_maintype() == "multipart" and not part.is_multipart():
        fixed = _recover_boundary(part, depth)
        if fixed is not part and fixed.is_multipart():
            collect(fixed, acc, depth + 1)
        else:
            acc.texts.append(part_text(part))
    elif part.is_multipart():
        subs = [sub for sub in part.get_payload() if isinstance(sub, Message)]
        # an HTML part is the notice's other rendering only beside a plain
        # one in a multipart/alternative (RFC 2046 section 5.1.4); alone, or
        # beside other parts, it is content of its own
        rendering = ctype == "multipart/alternative" and any(
            sub.get_content_type() == "text/plain" for sub in subs
        )
        for sub in subs:
            if rendering and sub.get_content_type() == "text/html":
                acc.htmls.append(part_text(sub))
            else:
                collect(sub, acc, depth + 1, standalone_html=not rendering)
    elif part.get_content_maintype() == "text" and _after_report(acc):
        # a text a list manager or a gateway added after the report's
        # machine-readable parts (Mailman's footer, a scanner's disclaimer,
        # in a part of their own): not the notice
        acc.trailing.append(part_text(part))
    elif ctype == "text/html":
        if standalone_html:
            acc.texts.append(html_to_text(clean(part_text(part))))
        else:
            acc.htmls.append(part_text(part))
    elif part.get_content_maintype() == "text":
        acc.texts.append(part_text(part))
    elif not acc.executable and _is_program(part):
        acc.executable = True


_CUT = Phrases(
    ("below", r"below\s+(?:this|the\s+next)\s+line\s+is\s+a\s+copy"),
    (
        "copy",
        r"this\s+is\s+a\s+copy\s+of\s+(?:the|your)\s+message|copy\s+of\s+the\s+original\s+message"
        r"|included\s+is\s+a\s+copy\s+of\s+the\s+message|attachment\s+is\s+a\s+copy"
        r"|copy\s+of\s+the\s+message\s+(?:below|follows)",
    ),
    (
        "original",
        r"original\s+message\s+(?:follows|below|headers|details|as\s+received)"
        r"|-{2,}\s*original\s+message",
    ),
    (
        "returned",
        r"start\s+of\s+returned\s+message|returned\s+mail\s+follows|-{2,}\s*returned\s+mail\s*-{2,}",
    ),
    ("unsent", r"unsent\s+message\s+(?:below|follows)"),
    ("follow", r"message\s+(?:header|text|body)s?\s+follows?"),
    (
        "header",
        r"header\s+of\s+the\s+(?:original|source)\s+(?:message|mail)"
        r"|header\s+and\s+top\s+\d+\s+lines|undelivered\s+message\s+headers?:",
    ),
    ("forwarded", r"-{2,}\s*forwarded\s+message"),
    # a person's mail client passing a notice on: the banner above what it
    # forwards or quotes.  Apple Mail's "Begin forwarded message:" (German
    # "Anfang der weitergeleiteten E-Mail:", French "Début du message
    # réexpédié :"); Gmail's and Thunderbird's dashed "Forwarded message" in
    # German, French and Swedish; Outlook's dashed "Original Message" in
    # Swedish, Finnish, Norwegian and Danish (German, French and Spanish are
    # below)
    (
        ("begin forwarded", "anfang der weitergeleiteten", "réexpédié"),
        r"(?m)^[ \t]*(?:begin\s+forwarded\s+message|anfang\s+der\s+weitergeleiteten"
        r"\s+(?:e-mail|nachricht)|d[ée]but\s+du\s+message\s+r[ée]exp[ée]di[ée])\s*:",
    ),
    (
        (
            "weitergeleitete",
            "transféré",
            "vidarebefordrat",
            "ursprungligt",
            "alkuperäinen",
            "opprinnelig",
            "oprindelig",
        ),
        r"-{2,}\s*(?:weitergeleitete\s+nachricht|message\s+transf[ée]r[ée]"
        r"|vidarebefordrat\s+meddelande|ursprungligt\s+meddelande"
        r"|alkuper[äa]inen\s+viesti|opprinnelig\s+melding|oprindelig\s+meddelelse)",
    ),
    ("old", r"(?m)^old\s+message:\s*$"),
    # the returned message's own header, pasted after the notice with no
    # line announcing it: a trace field at a line's start (RFC 5321
    # section 4.4, "Received: from ... by ...")
    ("received:", r"(?m)^received:[ \t]+(?:from|by)\s"),
    ("-- ", r"(?m)^-- $"),  # a signature (RFC 3676 section 4.3) ends the notice
    # a list manager's footer appended to the notice: Mailman 2's default
    # msg_footer ("____...\n%(real_name)s mailing list\n..."), Mailman 3's
    # ("____...\n$display_name mailing list -- $listname")
    ("mailing list", r"(?m)^_{20,}[ \t]*\n[^\n]{0,100}\bmailing\s+list\b"),
    ("reads", r"your\s+message\s+reads\s+\(in\s+part\)"),
    ("lines", r"lines\s+of\s+(?:your|the)\s+(?:original\s+)?message"),
    ("summary", r"summary\s+of\s+the\s+undelivered\s+message"),
    ("mensaje", r"mensaje\s+original"),
    ("origine", r"-{2,}\s*message\s+d'origine"),
    ("nachricht", r"-{2,}\s*urspr(?:ü|ue)ngliche\s+nachricht"),
    # The header of a returned-message part (RFC 3462/6522) read as text: a
    # multipart whose boundary could not be recovered (a boundary folded
    # across lines, as Netscape Mail Server 2 wrote it) shows its parts inline.
    (
        "content-type",
        r"(?im)^content-type:\s*(?:message/rfc822|text/rfc822-headers"
        r"|message/rfc822-headers)\b",
    ),
)


def cut_returned(text):
    """The notification without the returned copy of the original message."""
    match = _CUT.search(text)
    if not match:
        return text
    return text[: text.rfind("\n", 0, match.start()) + 1]


_SUBJECT_BOUNCE = rx(
    r"\bundeliver|\bundelivered\b|\breturned\s+(?:mail|to\s+sender)\b",
    r"\bdelivery\s+(?:status\s+)?(?:notification|failure|failed|problem|report|error"
    r"|has\s+failed|warning|delayed|delay)",
    r"\bmail\s+delivery\s+(?:failed|failure|problem|system)",
    r"\bfailure\s+(?:notice|delivery|notification)\b|\bfailed\s+(?:mail|delivery)\b",
    r"\bnon[-\s]?delivery\b|\bnot\s+delivered\b|\bcould\s+not\s+be\s+delivered\b",
    r"\bmail\s+(?:system\s+)?error\b|\bdelayed\s+mail\b|\bmessage\s+delayed\b",
    r"\bwarning:\s+message\b|\bautomatically\s+rejected\b|\brejected\s+mail\b",
    r"\buser\s+unknown\b|\bprocessing\s+error\b|\bmail\s+(?:failed|failure)\b",
    r"\breturning\s+(?:message\s+)?to\s+sender\b",
    r"\bне\s+доставлено\b",  # noqa: RUF001 -- Russian "not delivered" (mail.ru)
    # Yandex's subject, "Недоставленное сообщение" ("undelivered message")
    r"\bнедоставленн",  # noqa: RUF001
    # Japanese: 配信不能 (Exchange's "Undeliverable:"), DTI's translated
    # "メールシステム誤り- 返されたメール" (dream.jp techinfo mail error05),
    # エラーメール / 配信エラー / 送信エラー ("error mail", the ISPs' name for a
    # bounce: Biglobe FAQ 10621, NTT OCN FAQ pid2300000e64)
    r"配信不能|返されたメール|配信エラー|送信エラー|配送エラー|配信失敗|送信失敗",
    # "(the mail) could not be delivered / received" (DTI's notice above;
    # freeserve's 2001 subject "メールを受け取ることが出来ませんでした", fml8's
    # regress/errormails)
    r"(?:届ける|受け取る)ことが(?:出来|でき)ませんでした",
    # Korean 반송 ("returned"), 발송 실패 ("sending failed"); Czech
    # nedoručitelná (Seznam); Polish niedostarczona / nie została dostarczona
    # (Interia help, "Dlaczego wiadomość nie została dostarczona?")
    r"반송|발송\s?실패|\bnedoru[čc]iteln|\bniedostarczon|\bnie\s+zosta[łl]a\s+dostarczona",
    r"\bunzustellbar\b|\bnon\s+remis\b|\bnon\s+recapitabile\b|\bonbestelbaar\b",
    r"\bno\s+se\s+puede\s+entregar\b|\bolevererbar|\bkan\s+ikke\s+leveres\b",
    # Chinese: "returned mail" (Alibaba Mail: "来自postmaster@aliyun.com的退信"),
    # "delivery failed", "not delivered"
    r"退信|投递失败|发送失败|未送达|无法送达",
)
# Exchange's NDR heading "Diagnostic information for administrators" as the
# translated templates write it: Microsoft Support, "Failed delivery
# messages from the postmaster at outlook.com..." (de-de "Diagnose-
# informationen für Administratoren", fr-fr "Informations de diagnostic pour
# les administrateurs", it-it "Informazioni di diagnostica per gli
# amministratori", ja-jp "管理者向けの診断情報"); Microsoft Learn,
# exchange/troubleshoot/email-delivery/cannot-send-mail-mepf (sv-se
# "Diagnostikinformation för administratörer", pl-pl "Informacje
# diagnostyczne dla administratorów", nl-nl "Diagnostische informatie voor
# beheerders", ja-jp "管理者の診断情報"); a Spanish NDR (pastebin JHaPQHk7:
# "Información de diagnóstico para los administradores"); the Office 365
# Dansk wiki page "Fejl ved levering af mails" (Danish
# "Fejlfindingsoplysninger for administratorer").  Read by the envelope (a
# bounce's sign) and the Exchange parser (where its diagnostics begin).
EXCHANGE_HEADING = (
    r"管理者(?:向け)?の診断情報"
    r"|\bdiagnoseinformationen\s+f(?:ü|ue)r\s+administratoren"
    r"|\binformations\s+de\s+diagnostic\s+pour\s+les\s+administrateurs"
    r"|\binformazioni\s+di\s+diagnostica\s+per\s+gli\s+amministratori"
    r"|\bdiagnostikinformation\s+f(?:ö|o)r\s+administrat(?:ö|o)rer"
    r"|\binformacje\s+diagnostyczne\s+dla\s+administrator(?:ó|o)w"
    r"|\binformaci(?:ó|o)n\s+de\s+diagn(?:ó|o)stico\s+para\s+(?:los\s+)?administradores"
    r"|\bfejlfindingsoplysninger\s+for\s+administratorer"
    r"|\bdiagnostische\s+informatie\s+voor\s+beheerders"
)
# Danish "Delivery has failed to these recipients or groups:" (the same wiki
# page: "Levering er ikke udført på disse modtagere eller grupper:")
EXCHANGE_LIST = (
    r"\blevering\s+er\s+ikke\s+udf(?:ø|oe)rt\s+p(?:å|aa)\s+disse\s+modtagere"
    r"\s+eller\s+grupper"
)
_BODY_BOUNCE = Phrases(
    (
        "deliver",
        # MMDF lib/mmdf/rtn_proc.c: "your message could not be fully delivered"
        r"\bcould\s*(?:not|n'?t)\s+(?:be\s+)?(?:fully\s+)?deliver|\bcannot\s+be\s+delivered\b"
        r"|\b(?:was|were|wasn't|has\s+not\s+been)\s+(?:not\s+)?delivered\b"
        r"|\bnot\s+(?:be\s+)?delivered\s+to\b"
        r"|\b(?:unable|not\s+able|wasn'?t\s+able|failed)\s+to\s+deliver\b"
        r"|\bdelivery\s+(?:to\s+the\s+following\s+recipients?\s+)?(?:has\s+)?failed\b"
        r"|\bundeliverable\b|\bmail\s+delivery\s+(?:software|system|subsystem)\b"
        r"|\bnon-?delivery\b|\bdelivery\s+status\s+notification\b"
        r"|\bnot\s+yet\s+been\s+(?:fully\s+)?delivered\b|\bdelivery\s+(?:has\s+been\s+)?delayed\b"
        r"|\bdelivery\s+(?:failure|problems?)\b|\bproblem\s+delivering\b"
        r"|\bdelivery\s+of\s+(?:e-?mail|your\s+message)\b",
    ),
    ("reach", r"\bdid\s+not\s+reach\b|\bcould\s+not\s+be\s+reached\b"),
    ("recipient", r"\bfailed\s+recipients?\b"),
    ("permanent", r"\bpermanent\s+(?:fatal\s+)?errors?\b"),
    ("following", r"\bfollowing\s+address(?:es|\(es\))?\s+(?:had|failed)"),
    ("returned", r"\breturned\s+mail\b"),
    # Chinese notices (Alibaba Mail): "your mail was returned", "cannot be sent
    # to", "reason for the return"
    (
        ("退", "无法", "失败"),
        r"邮件被(?:系统)?退回|退信原因|无法发送到|无法送达|投递失败",
    ),
    # Japanese: Gmail's notice ("メールは <x> に配信されませんでした"), DTI's
    # translated one ("このメールは以下の原因により届けることが出来ませんでした",
    # dream.jp techinfo mail error05)
    (
        ("でした", "失敗"),
        r"(?:配信|送信|配達)(?:されませんでした|できませんでした|に失敗)"
        r"|(?:届ける|受け取る)ことが(?:出来|でき)ませんでした",
    ),
    # Russian: Yandex's notice ("Ваше письмо не может быть отправлено одному
    # или нескольким адресатам"); Czech: Seznam's ("Vaše zpráva pro <x> ze
    # dne ... nemohla být doručena", napoveda.seznam.cz/uzivatel-neexistuje);
    # Polish ("wiadomość nie została dostarczona", Interia help); German
    # ("Die E-Mail konnte nicht zugestellt werden", schieb.de); Spanish
    # (Exchange: "No se ha podido realizar la entrega a estos destinatarios")
    (
        ("не может", "не удалось", "nemohla", "dostarczona", "zugestellt", "entrega"),
        r"письмо\s+не\s+может\s+быть\s+(?:отправлено|доставлено)"
        r"|не\s+удалось\s+доставить|\bnemohla\s+b[ýy]t\s+doru[čc]ena"
        r"|\bnie\s+zosta[łl]a\s+dostarczona|\bkonnte\s+nicht\s+zugestellt\s+werden"
        r"|\bno\s+se\s+ha\s+podido\s+realizar\s+la\s+entrega",
    ),
    # Exchange's NDR in the sending mailbox's language (EXCHANGE_HEADING and
    # EXCHANGE_LIST above); Outlook's German rendering of a report ("Ihre
    # Nachricht hat einige oder alle Empfänger nicht erreicht", the English
    # "did not reach some or all of the intended recipients")
    (
        ("診断情報", "diagnos", "erreicht", "fejlfinding", "udført"),
        rf"{EXCHANGE_HEADING}|{EXCHANGE_LIST}"
        r"|\beinige\s+oder\s+alle\s+empf(?:ä|ae)nger\s+nicht\s+erreicht",
    ),
    (
        ("qmail", "postfix", "host"),
        r"\bqmail-send\b|\bpostfix\s+program\b|\bmail\s+system\s+at\s+host\b",
    ),
    (
        ("such", "unknown", "found"),
        r"\bno\s+such\s+user\b|\buser\s+unknown\b|\baddress\s+not\s+found\b",
    ),
    ("failed", r"\bfailed\s+addresses\b"),
    ("postponed", r"\bpostponed\b"),
    (
        ("accepted", "rejected"),
        r"\b(?:message|mail)\s+(?:was|has\s+been)\s+(?:not\s+accepted|rejected)\b",
    ),
    ("sent", r"\ba\s+message\s+that\s+you\s+(?:have\s+)?sent\b"),
)
_STRONG_BODY = Phrases(
    # Dovecot LDA / Pigeonhole Sieve reject (lda-settings.c, sieve-actions.c)
    (
        "automatically rejected",
        r"your\s+message\s+to\s+<[^\s<>]+@[^\s<>]+>\s+was\s+automatically\s+rejected",
    ),
    (
        "automatically",
        r"this\s+message\s+was\s+created\s+automatically\s+by\s+mail\s+delivery\s+software",
    ),
    ("qmail", r"this\s+is\s+the\s+qmail-send\s+program"),
    ("postfix", r"this\s+is\s+the\s+(?:[\w ]+ )?postfix\b[^\n]*program"),
    ("system", r"this\s+is\s+the\s+mail\s+system\s+at\s+host"),
    ("notification", r"delivery\s+status\s+notification"),
    ("fatal", r"the\s+following\s+addresses\s+had\s+permanent\s+fatal\s+errors"),
    ("recipients", r"delivery\s+has\s+failed\s+to\s+these\s+recipients"),
    # Microsoft 365 / Exchange Online NDR templates
    (
        ("couldn't", "could not"),
        r"your\s+message\s+to\s+\S+@\S+\s+(?:couldn't|could\s+not)\s+be\s+delivered",
    ),
    (
        "rejected",
        r"rejected\s+your\s+message\s+to\s+the\s+following\s+e-?mail\s+addresses",
    ),
    # Symantec Email Security.cloud, Gmail
    (
        "unable",
        r"i\s+was\s+unable\s+to\s+deliver\s+your\s+message\s+to\s+the\s+following",
    ),
    ("wasn't", r"your\s+message\s+wasn't\s+delivered\s+to\s+\S+@"),
    # SmarterMail (SmarterTools) non-delivery notice: "The following message
    # to <address> was undeliverable. The reason for the problem: 5.1.0 -
    # Unknown address error 550-'...'"
    (
        "undeliverable",
        r"the\s+following\s+message\s+to\s+<?[^\s<>]+@[^\s<>]+>?\s+was\s+undeliverable",
    ),
    (
        "temporary",
        r"there\s+was\s+a\s+temporary\s+problem\s+delivering\s+your\s+message",
    ),
)
_MTA_NAME = rx(
    r"mail\s+delivery|delivery\s+(?:sub)?system|mailer[-\s]?daemon|postmaster"
    r"|system\s+administrator|mail\s+administrator|mdaemon|delivery\s+service"
)
_DELAY_TEXT = Phrases(
    (
        "warning",
        r"\bwarning\s+(?:message\s+)?only\b|\bthis\s+is\s+(?:just\s+|only\s+)?a\s+warning\b",
    ),
    (
        "delivered",
        # MMDF's warning: "your message has not yet been fully delivered"
        r"\bnot\s+yet\s+been\s+(?:fully\s+)?delivered\b|\bhas\s+not\s+been\s+delivered\s+yet\b",
    ),
    ("still", r"\bstill\s+(?:being\s+)?(?:retried|trying|queued|awaiting)\b"),
    (
        "will",
        r"\bwill\s+(?:continue\s+(?:to\s+)?(?:try|attempt)|be\s+retried|retry|keep\s+trying)\b"
        # nullmailer src/dsn.cc, Exchange: "Delivery will continue to be attempted"
        r"|\bwill\s+continue\s+to\s+be\s+attempted\b",
    ),
    ("continue", r"\bdelivery\s+attempts\s+will\s+continue\b|\bcontinue\s+trying\b"),
    (
        "resend",
        r"\b(?:do|need)\s+not\s+(?:need\s+to\s+)?resend\b|\bno\s+need\s+to\s+resend\b"
        r"|\bdo\s+not\s+resend\b",
    ),
    (
        "delayed",
        r"\bhas\s+been\s+delayed\b|\bdelivery\s+(?:has\s+been\s+)?delayed\b"
        r"|\bmessage\s+delayed\b|\bdelayed\s+mail\b",
    ),
    ("postponed", r"\bpostponed\b"),
    ("advisory", r"\badvisory[-\s]only\b"),
    # Stalwart (crates/smtp/src/queue/dsn.rs: "There was a temporary problem
    # delivering your message to the following recipients:", subject
    # "Warning: Delay in message delivery"), ZoneMTA (email-bounce.js), Gmail
    (
        ("temporary", "delay in"),
        r"\btemporary\s+problem\s+delivering\s+your\s+message\b"
        r"|\bdelay\s+in\s+(?:message\s+)?delivery\b",
    ),
    ("action", r"\bno\s+action\s+is\s+required\b"),
)
_PERMANENT_TEXT = Phrases(
    ("permanent", r"\bpermanent(?:ly)?\s+(?:error|failure|fatal)"),
    ("permanently", r"\bfailed\s+permanently\b"),
    (
        ("given", "gave", "giving"),
        r"\bi'?ve\s+given\s+up\b|\bgave\s+up\b|\bgiving\s+up\b",
    ),
    ("again", r"\bnot\s+going\s+to\s+try\s+again\b"),
    ("will", r"\bwill\s+not\s+(?:try|retry|be\s+retried)\b"),
    ("further", r"\bno\s+further\s+(?:delivery\s+)?attempts\b"),
)
# Swedish "automatiskt svar" and the default vacation subject "Inte på
# kontoret" (Solaris CDE Användarhandbok, "Så här skapar du ett automatiskt
# svar"); Norwegian "Ikke på kontoret" (GroupWise 18 user guide, nb-no,
# "Opprette en Ikke på kontoret-regel": the auto-reply's subject, in
# parentheses after the original one, "Sv: Budsjett (Ikke på kontoret)")
_AUTOREPLY_SUBJECT = rx(
    r"^\s*(?:re:\s*)?(?:auto(?:matic|matische|matiskt?|maattinen)?[\s_-]*"
    r"(?:reply|response|respond|antwort|answer|svar|vastaus))",
    r"^\s*(?:inte|ikke)\s+p(?:å|a)\s+kontoret\b|\((?:inte|ikke)\s+p(?:å|a)\s+kontoret\)\s*$",
    r"^\s*out\s+of\s+(?:the\s+)?office\b|^\s*abwesenheit|^\s*absence\b",
    r"^\s*(?:je\s+suis\s+)?absent(?:e|\s+du\s+bureau)?\b",
    r"^\s*r[ée]ponse\s+automatique|^\s*respuesta\s+autom[áa]tica",
    r"^\s*risposta\s+automatica|^\s*automatisch\s+antwoord|^\s*fravær",
    r"^\s*vacation\b|^\s*on\s+vacation\b|^\s*away\s+from\b|^\s*autosvar",
    # the subjects Sieve vacation (RFC 5230) and mail clients' auto-replies
    # carry in Japanese (不在, 自動応答, 自動返信), Chinese (自动回复), Korean
    # (자동 응답, 부재중), Russian, Polish, Czech, Portuguese
    r"^\s*[\[【(]?\s*(?:不在|自動応答|自動返信|自动回复|自動回覆|자동\s?응답|부재중)",
    r"^\s*(?:автоответ|автоматический\s+ответ|odpowied[źz]\s+automatyczna"
    r"|automatick[áa]\s+odpov[ěe]d|resposta\s+autom[áa]tica)",
)
_READ_RECEIPT_SUBJECT = rx(r"^\s*(?:read|lu|gelesen|le[ií]do|letto|gelezen|läst)\s*:")
_MDN_REJECTED = rx(r"\bdeleted\b|\bdenied\b|\bfailed\b|\berror\b|\brejected\b")

# reply prefixes (RFC 5322 section 3.6.5's "Re:", and the translations mail
# clients write: German AW, Nordic SV/VS, Dutch Antw)
_REPLY_SUBJECT = re.compile(r"\s*(?:re|aw|sv|vs|antw)\s*(?:\[\d+\])?\s*:", re.I)
# forward prefixes (Fw/Fwd; German WG, French TR, Spanish RV, Italian I,
# Swedish VB, Finnish VL, Norwegian/Danish VS is a reply prefix above):
# a person passing a bounce on, when a person sent it
_FORWARD_SUBJECT = re.compile(r"\s*(?:fwd?|wg|tr|rv|i|vb|vl)\s*(?:\[\d+\])?\s*:", re.I)
_POSTMASTER_COPY = re.compile(r"\s*postmaster\s+(?:copy|warning|notify)\s*:", re.I)
# a list manager's subject tag ("[Osst-users] ", Mailman's subject_prefix,
# "%d" numbering included) before or between the reply and forward prefixes
# of a subject: taken out, so that the anchored subject rules read a bounce
# posted to a list, or an auto-reply to it, as they read one sent directly.
# ASCII names only: "[不在]" and "【自動返信】" are the auto-replies' words.
_LIST_TAG = re.compile(r"\[[A-Za-z0-9][\w.+-]{0,63}(?: \d{1,9})?\]\s*")
_LEADING_TAGS = re.compile(
    r"(?:\s*(?:\[[A-Za-z0-9][\w.+-]{0,63}(?: \d{1,9})?\]"
    r"|(?:re|aw|sv|vs|antw|fwd?|wg|tr|rv|i|vb|vl)\s*(?:\[\d+\])?\s*:))*",
    re.I,
)


def _untagged(subject):
    """``subject`` without the list tags among its leading prefixes."""
    lead = _LEADING_TAGS.match(subject)
    if "[" not in lead.group(0):
        return subject
    return _LIST_TAG.sub("", lead.group(0)) + subject[lead.end() :]


_QUOTED_LINE = re.compile(r"(?m)^[ \t]*>.*\n?")
# a mail server's reply with its enhanced status code ("550 5.7.1 ...")
_SMTP_REPLY = re.compile(r"\b[45]\d\d[ -][245]\.\d{1,3}\.\d{1,3}\b")


def _bounce_subject(subject, person=False):
    found = _SUBJECT_BOUNCE.search(subject)
    if not found:
        return False
    reply = _REPLY_SUBJECT.match(subject) or (
        _FORWARD_SUBJECT.match(subject) if person else None
    )
    # "Re: Undelivered Mail Returned to Sender": the reply to a bounce; "Fw:
    # Returned mail: ..." from a person: a bounce passed on, quoted
    return not (reply and not subject[reply.end() : found.start()].strip())


_MSGID = re.compile(r"<[^<>\s]+@[^<>\s]+>")
_TO_CC = re.compile(r"(?im)^(?:to|cc)[ \t]*:((?:.*)(?:\n[ \t]+.*)*)")
_BODY_MSGID = re.compile(
    r"^[ \t>]*message-id[ \t]*:[ \t]*(?:\n[ \t]+)?(<[^<>\s]+@[^<>\s]+>)",
    re.IGNORECASE | re.MULTILINE,
)


def _first_id(value):
    match = _MSGID.search(value or "")
    return match.group(0) if match else None


def _returned_id(returned, own_id):
    for item in returned:
        if isinstance(item, Message):
            candidate = _first_id(str(item.get("Message-ID", "")))
            if candidate is None:
                body = item.get_payload()
                if isinstance(body, str):
                    match = _BODY_MSGID.search(clean(body))
                    candidate = match.group(1) if match else None
        else:
            match = _BODY_MSGID.search(item)
            candidate = match.group(1) if match else None
        if candidate and candidate != own_id:
            return candidate
    return None


def _mail_system_sender(msg):
    raw_from = header(msg, "From")
    if _MTA_NAME.search(raw_from):
        return True
    name, address = parseaddr(raw_from)
    if raw_from.strip() in ("<>", "") and msg.get("From") is not None:
        return True  # From: <> -- the null sender of RFC 5321 section 4.5.5
    local = address.split("@", 1)[0].lower() if address else ""
    if local in SYSTEM_LOCALPARTS or local.startswith(("mailer-daemon", "postmaster")):
        return True
    return bool(_MTA_NAME.search(name or "")) or (not address and bool(name))


def _is_autoreply(msg, subject):
    auto = header(msg, "Auto-Submitted").lower()
    if auto.startswith("auto-replied"):
        return True
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Reply"):
        if msg.get(name) is not None:
            return True
    for name in ("Precedence", "X-Precedence"):
        if header(msg, name).strip().lower() in ("auto_reply", "auto-reply"):
            return True
    return bool(_AUTOREPLY_SUBJECT.search(subject))


_MESSAGE_ID_FIELDS = ("Message-ID", "In-Reply-To", "References")
_HEADER_ADDRESS_FIELDS = (
    "From",
    "To",
    "Cc",
    "Sender",
    "Reply-To",
    "Return-Path",
    "Errors-To",
)


# RFC 2369 section 3: the list manager's own command addresses (help,
# unsubscribe, subscribe, owner) as mailto: URLs.  Whatever a notice
# distributed by the list says, they are the list's and never a failed
# recipient of ours; the footer repeats them ("To unsubscribe send an email to
# <list>-leave@...").  List-Post is left out: the list's posting address can
# itself be the recipient a server refused.
_LIST_COMMAND_FIELDS = ("List-Help", "List-Unsubscribe", "List-Subscribe", "List-Owner")
_MAILTO = re.compile(r"<\s*mailto:([^>?\s]+)", re.IGNORECASE)


_RECIPIENT_FIELD = re.compile(
    r"^(?:final|original|x-actual)-recipient[ \t]*:", re.I | re.M
)
# a delivery-status report sent in a part labelled as plain text: it
# begins with the fields of RFC 3464 section 2.2 or 2.3 and has a recipient's
# action or status
_DSN_TEXT_START = re.compile(
    r"\s*(?:reporting-mta|final-recipient|original-recipient|received-from-mta"
    r"|arrival-date|original-envelope-id|x-postfix-queue-id|dsn-gateway)[ \t]*:",
    re.I,
)
_DSN_TEXT_RECORD = re.compile(r"^(?:action|status)[ \t]*:", re.I | re.M)


def _report_in_text(text):
    return bool(
        _DSN_TEXT_START.match(text)
        and _RECIPIENT_FIELD.search(text)
        and _DSN_TEXT_RECORD.search(text)
    )


class Envelope:
    """Everything the parsers read, computed once per message."""

    def __init__(self, raw):
        self.msg = to_message(raw)
        msg = self.msg
        self.subject = _untagged(header(msg, "Subject"))
        self.own_id = _first_id(str(msg.get("Message-ID", "")))
        self.parts = Parts()
        if msg.is_multipart() or msg.get_content_maintype() == "message":
            collect(msg, self.parts)
        elif msg.get_content_type() == "text/html":
            self.parts.htmls.append(part_text(msg))
        else:
            self.parts.texts.append(part_text(msg))
        # a "delivery-status" part without recipient fields is the readable
        # text; a plain text part that holds the report's fields is the report
        for text in list(self.parts.dsn):
            if not _RECIPIENT_FIELD.search(text):
                # the report's first, human-readable part mislabelled: it
                # comes before any text added after the report
                self.parts.dsn.remove(text)
                self.parts.texts.insert(0, text)
        if not self.parts.dsn:
            reports = [t for t in self.parts.texts if t and _report_in_text(t)]
            if reports and len(reports) < len(self.parts.texts):
                self.parts.dsn.extend(reports)
                self.parts.texts = [t for t in self.parts.texts if t not in reports]
        plain = "\n".join(clean(t) for t in self.parts.texts if t and t.strip())
        if not plain.strip() and self.parts.htmls:
            plain = "\n".join(html_to_text(clean(h)) for h in self.parts.htmls)
        self.plain = plain.replace("\r\n", "\n").replace("\r", "\n")
        self.notice = cut_returned(self.plain)
        # the bounce's own header addresses, the list manager's command
        # addresses, and Message-IDs: a Message-ID has the form of an address
        # (RFC 5322 section 3.6.4, "id-left@id-right") but never names a
        # mailbox: the notice's own and the ones it answers are not
        # recipients when the text repeats them
        self.excluded = {
            normalised
            for names, scan in (
                (_HEADER_ADDRESS_FIELDS, ADDRESS_SCAN),
                (_LIST_COMMAND_FIELDS, _MAILTO),
                (_MESSAGE_ID_FIELDS, _MSGID),
            )
            for name in names
            for value in msg.get_all(name) or ()
            for found in scan.findall(str(value))
            if (normalised := normalise_address(found))
        }

    def postmaster_copy(self):
        """A mail system's copy of a notice for its own postmaster, not for
        the sender: Postfix's "Postmaster Copy: Undelivered Mail" and
        "Postmaster Warning: Delayed Mail" (bounce_templates.c,
        notify_classes and double bounces), Sendmail's "Postmaster notify:
        see transcript for details" and "Postmaster warning:" (savemail.c).
        The sender has its own notice; reading the copy too would apply one
        failure twice, or apply someone else's."""
        return bool(_POSTMASTER_COPY.match(self.subject)) and self.mail_system_sender()

    def person_passing_on(self):
        """A person replying to or forwarding a notice, quoted: the subject
        has a reply or forward prefix, the sender is not a mail system, there
        is no delivery report, and the notice's words are all on quoted
        lines ("> "), none in the person's own text."""
        if self.parts.dsn or self.parts.mdn or self.mail_system_sender():
            return False
        subject = self.subject
        if not (_REPLY_SUBJECT.match(subject) or _FORWARD_SUBJECT.match(subject)):
            return False
        head = self.notice[:4000]
        unquoted = self.unquoted_head
        return (
            ">" in head
            and bool(_BODY_BOUNCE.search(head) or _SMTP_REPLY.search(head))
            and not _BODY_BOUNCE.search(unquoted)
            and not _SMTP_REPLY.search(unquoted)
        )

    def worm_imitation(self):
        """A mass-mailing worm's fake bounce.

        Either a program attached beside the notice, no delivery report and
        a sender that is not a mail system (see ``_is_program``); or a
        "notice" written by Outlook Express with neither a delivery report
        nor a returned message: W32/Mydoom and its kin forge the mail
        system's From and subject ("Returned mail: Data format error",
        "Delivery reports about your e-mail") but keep the client's
        ``X-Mailer: Microsoft Outlook Express 6.00.2600.0000`` (the
        anti-virus vendors' write-ups), and a list manager that strips the
        program (Mailman's MimeDel) leaves that header.  A desktop client
        never generates a non-delivery notice: the MTA does (RFC 5321
        section 6.1, RFC 3464).
        """
        if self.parts.dsn:
            return False
        if self.parts.executable and not self.mail_system_sender():
            return True
        if self.parts.returned:
            return False
        mailer = str(self.msg.get("X-Mailer", ""))
        return "outlook express" in mailer.lower()

    @property
    def report_type(self):
        return self.parts.report

    def mail_system_sender(self):
        return _mail_system_sender(self.msg)

    @property
    def unquoted_head(self):
        """The first 4 000 characters of the notice without the lines a
        person quoted ("> Delivery has failed..." in a customer's reply)."""
        cached = self.__dict__.get("_unquoted_head")
        if cached is None:
            head = self.notice[:4000]
            if ">" in head:
                head = _QUOTED_LINE.sub("", head)
            cached = self.__dict__["_unquoted_head"] = head
        return cached

    def bounce_signals(self):
        """The independent hints that this is a bounce (see the parsers).

        A subject that answers a bounce ("Re: Undelivered Mail...") is a
        person or a ticket system writing back, not a bounce; a notice that
        puts its words after the original subject ("RE: <subject> : non remis
        (delivery failed)") still counts."""
        head = self.unquoted_head
        system = self.mail_system_sender()
        return (
            system,
            _bounce_subject(self.subject, person=not system),
            bool(_BODY_BOUNCE.search(head)),
            bool(self.parts.returned),
            self.parts.report == "delivery-status"
            or bool(self.parts.dsn)
            or self.parts.status_part,
        )

    @property
    def plain_lower(self):
        """The whole readable text (the returned part included), lower-cased,
        computed once when a parser needs it."""
        cached = self.__dict__.get("_plain_lower")
        if cached is None:
            cached = self.__dict__["_plain_lower"] = self.plain.lower()
        return cached

    @property
    def head_lower(self):
        """The first 4 000 characters of the notice, lower-cased, computed
        once: the notice parsers' cheap first test of their format."""
        cached = self.__dict__.get("_head_lower")
        if cached is None:
            cached = self.__dict__["_head_lower"] = self.notice[:4000].lower()
        return cached

    def strong_body(self):
        return bool(_STRONG_BODY.search(self.unquoted_head))

    def autoreply_subject(self):
        """The subject of an auto-reply ("Out of office", "Abwesenheit",
        "不在のお知らせ"...): the header fields are not asked, RFC 3834's
        Auto-Submitted: auto-replied is on many delivery reports too."""
        return bool(_AUTOREPLY_SUBJECT.search(self.subject))

    def is_autoreply(self):
        return _is_autoreply(self.msg, self.subject) or bool(
            _READ_RECEIPT_SUBJECT.search(self.subject)
        )

    def delay_text(self, text=None):
        text = self.notice if text is None else text
        return bool(_DELAY_TEXT.search(text))

    def permanent_text(self, text=None):
        text = self.notice if text is None else text
        return bool(_PERMANENT_TEXT.search(text))

    def delay_subject(self):
        return bool(_DELAY_TEXT.search(self.subject))

    def returned_recipients(self):
        """The addresses in the To and Cc of the returned message (or of its
        returned headers), lower-cased: whom the original was written to."""
        found = set()
        for item in self.parts.returned[:2]:
            if isinstance(item, Message):
                values = [str(item.get(name, "")) for name in ("To", "Cc")]
            else:
                head = item.split("\n\n", 1)[0][:20000]
                values = [match.group(1) for match in _TO_CC.finditer(head)]
            for value in values:
                found.update(a.lower() for a in ADDRESS_SCAN.findall(value))
        return found

    def original_id(self):
        """The Message-ID of the mail that bounced, or None."""
        found = _returned_id(self.parts.returned, self.own_id)
        if found:
            return found
        msg = self.msg
        found = _first_id(str(msg.get("In-Reply-To", "")))
        if found and found != self.own_id:
            return found
        # An Odoo database's gateway refusal refers to our mail and then to a
        # tag of its own ("<...-loop-detection-bounce-email@host>", Odoo 18.0
        # mail.thread), which names no mail of ours.
        references = [
            found
            for found in _MSGID.findall(str(msg.get("References", "")))
            if "-loop-detection-bounce-email@" not in found
        ]
        if references and references[-1] != self.own_id:
            return references[-1]
        for match in _BODY_MSGID.finditer(self.plain):
            if match.group(1) != self.own_id:
                return match.group(1)
        return None


def mdn_rejected(disposition):
    return bool(_MDN_REJECTED.search(disposition or ""))


def first_id(value):
    return _first_id(value)
