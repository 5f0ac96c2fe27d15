"""Text helpers shared by the bounce parsers: decoding, phrases, codes, addresses.

Nothing here knows what a bounce means; it turns bytes into clean text and
finds SMTP codes and addresses in it.
"""

import base64
import binascii
import codecs
import functools
import html
import quopri
import re
from email.header import Header, decode_header, make_header
from email.message import Message

MAX_DIAGNOSTIC = 1000


class Phrases:
    """Alternative regular expressions, each guarded by a keyword.

    A regex runs only when its lower-case keyword (or one of a tuple of
    keywords) occurs in the text: a substring test is a hundred times cheaper
    than an IGNORECASE alternation, and most phrases are absent from most
    bounces.  :meth:`search` returns the leftmost match of any phrase.
    """

    __slots__ = ("entries",)

    def __init__(self, *entries):
        self.entries = tuple(
            (
                (keyword,) if isinstance(keyword, str) else keyword,
                re.compile(regex, re.I),
            )
            for keyword, regex in entries
        )

    def search(self, text, lowered=None):
        if not text:
            return None
        if lowered is None:
            lowered = text.lower()
        best = None
        for keywords, pattern in self.entries:
            for keyword in keywords:
                if keyword in lowered:
                    match = pattern.search(text)
                    if match and (best is None or match.start() < best.start()):
                        best = match
                    break
        return best


def rx(*alternatives):
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)


STATUS_RE = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d]|\.\d)")
REPLY_RE = re.compile(r"(?<![\w.\-#/])([45]\d\d)(?=[ \t\-:;,)\]]|$)", re.MULTILINE)
_REPLY_LEAD = re.compile(
    r"(?:^[ \t>*\-|]*"
    r"|(?:said|replied|returned|response|error(?:\s+code)?|code)\W{0,3})$",
    re.IGNORECASE,
)


def normalise_status(status):
    """``"smtp; 5.1.1 (x)"`` -> ``"5.1.1"``, or None."""
    if not status:
        return None
    match = STATUS_RE.search(status)
    return ".".join(match.groups()) if match else None


def is_generic_status(status):
    """True for no status or an X.Y.0 code ("other or undefined", RFC 3463)."""
    return status is None or status.endswith(".0")


# A cache entry keeps its text alive (the key, and a match's string): 256
# whole notices of a few megabytes each were kept for the server's life.
# Short texts (a recipient's lines) are cached by the hundred, long ones (a
# whole notice, read again for each recipient) two at a time.
_SHORT_TEXT = 16_384


def cached_by_text(function):
    """*function* of one text, cached as described above; an empty text is
    not looked up (*function* is not called: None)."""
    short = functools.lru_cache(maxsize=256)(function)
    long = functools.lru_cache(maxsize=2)(function)

    @functools.wraps(function)
    def cached(text):
        if not text:
            return None
        return (short if len(text) <= _SHORT_TEXT else long)(text)

    return cached


_VAGUE_CHARSETS = frozenset({"us-ascii", "ascii", "x-unknown", "unknown-8bit"})
# Labels mail software writes that Python does not know, and labels whose
# writers really use the vendor's superset (the WHATWG Encoding Standard
# maps gb2312 and gbk to gb18030, euc-kr and ks_c_5601-1987 to windows-949,
# shift_jis to windows-31j, big5 to Big5-HKSCS): a GBK character in a text
# labelled gb2312, a NEC or IBM extension in Shift_JIS (circled digits,
# Roman numerals), half-width katakana in ISO-2022-JP (Python's
# iso2022_jp_ext reads them) decode instead of turning into U+FFFD.
_CHARSET_ALIASES = {
    "unicode-1-1-utf-7": "utf-7",
    **dict.fromkeys(
        (
            "shift_jis",
            "shift-jis",
            "sjis",
            "x-sjis",
            "ms_kanji",
            "csshiftjis",
            "windows-31j",
            "x-ms-cp932",
        ),
        "cp932",
    ),
    **dict.fromkeys(("x-euc-jp", "eucjp", "cseucpkdfmtjapanese"), "euc_jp"),
    **dict.fromkeys(("iso-2022-jp", "csiso2022jp", "iso2022jp"), "iso2022_jp_ext"),
    **dict.fromkeys(
        ("gb2312", "gbk", "x-gbk", "cp936", "euc-cn", "x-euc-cn", "csgb2312"),
        "gb18030",
    ),
    **dict.fromkeys(("big5", "x-big5", "cn-big5", "csbig5"), "big5hkscs"),
    **dict.fromkeys(
        (
            "euc-kr",
            "ks_c_5601-1987",
            "ks_c_5601",
            "ksc5601",
            "windows-949",
            "x-windows-949",
        ),
        "cp949",
    ),
    "iso-8859-8-i": "iso-8859-8",
}
# ISO-2022-JP (RFC 1468) is 7-bit: a Japanese text sent without a charset
# parameter is still recognisable by its escape sequences (JIS X 0208-1978
# and -1983, JIS X 0201 Roman and katakana)
_ISO2022JP_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b(J", b"\x1b(I")


_KANA = re.compile("[\u3041-\u30ff]")


def _legacy_text(data):
    """Unlabelled 8-bit text that is not UTF-8: Japanese mail systems' raw
    Shift_JIS (cp932) or EUC-JP when it decodes cleanly and has kana, else
    Latin-1.  Kana are a safe test: in cp932 their lead bytes are 0x82 and
    0x83, control codes Latin-1 text never holds; in EUC-JP 0xA4 / 0xA5
    ("¤", "¥") followed by a byte of 0xA1 - 0xF3, which Latin-1 text
    hardly ever has."""
    for codec in ("cp932", "euc_jp"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _KANA.search(text):
            return text
    return data.decode("latin-1")


def decode_bytes(data, charset):
    """Text of *data*; unknown or lying charsets never raise."""
    if charset in _VAGUE_CHARSETS:
        charset = None
    elif charset:
        charset = charset.lower()
        charset = _CHARSET_ALIASES.get(charset, charset)
    if charset is None and b"\x1b" in data:
        if any(escape in data for escape in _ISO2022JP_ESCAPES):
            charset = "iso2022_jp_ext"
    if charset:
        try:
            codecs.lookup(charset)
        except (LookupError, ValueError):
            charset = None
    if charset is None:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return _legacy_text(data)
    try:
        return data.decode(charset, "replace")
    except Exception:  # a broken codec (e.g. utf-7 on garbage) must not stop us
        return data.decode("latin-1")


def clean(text):
    """Replace lone surrogates left by 8-bit headers with U+FFFD."""
    if not text:
        return ""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def header(msg, name):
    """Decoded value of header *name* ("" when absent); never raises."""
    value = msg.get(name)
    if value is None:
        return ""
    if isinstance(value, Header):
        # 8-bit bytes in the field (the parser's "unknown-8bit"): UTF-8 as
        # RFC 6532 allows, else Latin-1, not replacement characters
        try:
            value = "".join(
                decode_bytes(chunk, None if charset == "unknown-8bit" else charset)
                if isinstance(chunk, bytes)
                else chunk
                for chunk, charset in decode_header(value)
            )
        except Exception:  # keep the parser's own rendering
            value = str(value)
    if isinstance(value, str) and "=?" not in value:
        if "\x1b" in value:  # raw ISO-2022-JP, not RFC 2047 encoded
            return clean(decode_bytes(value.encode("latin-1", "replace"), None))
        return clean(value)
    value = _ENCODED_WORD_CHARSET.sub(_aliased_charset, str(value))
    try:
        text = str(make_header(decode_header(value)))
    except Exception:  # a charset that lies about its bytes: word by word
        try:
            text = _decode_words(value)
        except Exception:  # malformed encoded-words: keep the raw text
            text = value
    return clean(text)


# RFC 2047 section 2: "=?" charset ["*" language] "?" encoding "?"
_ENCODED_WORD_CHARSET = re.compile(r"=\?([^?*\s]{1,40})(\*[^?\s]{0,20})?\?(?=[bBqQ]\?)")


def _aliased_charset(match):
    charset = match.group(1).lower()
    return f"=?{_CHARSET_ALIASES.get(charset, charset)}{match.group(2) or ''}?"


def _decode_words(value):
    """The encoded words of *value* decoded one by one, bytes a codec cannot
    read replaced (``make_header`` raises on them); a blank between an
    encoded word and plain text, as RFC 2047 section 6.2 displays them."""
    pieces = []
    previous = None
    for chunk, charset in decode_header(value):
        if isinstance(chunk, bytes):
            chunk = decode_bytes(chunk, charset)
        if pieces and (charset is None) != (previous is None):
            if not (pieces[-1][-1:].isspace() or chunk[:1].isspace()):
                pieces.append(" ")
        pieces.append(chunk)
        previous = charset
    return "".join(pieces)


def part_text(part):
    """Decoded text of a leaf part."""
    try:
        data = part.get_payload(decode=True)
    except Exception:  # undecodable transfer encoding
        data = None
    if data is None:
        payload = part.get_payload()
        if not isinstance(payload, str):
            return ""
        data = payload.encode("utf-8", "surrogateescape")
    try:
        charset = part.get_content_charset()
    except Exception:  # odd RFC 2231 parameters
        charset = None
    return decode_bytes(data, charset)


def _field_text(value):
    """A field of a delivery-status block: the stdlib hands 8-bit values
    (an RFC 6531 address sent raw) as a Header whose str() loses them."""
    if not isinstance(value, Header):
        return value
    try:
        return "".join(
            chunk
            if isinstance(chunk, str)
            else decode_bytes(
                chunk, None if charset in (None, "unknown-8bit") else charset
            )
            for chunk, charset in decode_header(value)
        )
    except Exception:  # a malformed value: what str() gives
        return str(value)


def message_part_text(part):
    """Text of a message/* part (delivery-status, rfc822-headers...)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        chunks = []
        for sub in payload:
            if not isinstance(sub, Message):
                continue
            lines = [f"{key}: {_field_text(value)}" for key, value in sub.items()]
            body = sub.get_payload()
            if isinstance(body, str) and "\ufffd" in body:
                # 8-bit text (RFC 6533's message/global-delivery-status is
                # UTF-8): the stdlib replaced it; read the bytes instead
                data = sub.get_payload(decode=True)
                if isinstance(data, bytes):
                    body = decode_bytes(data, None)
            if isinstance(body, str) and body.strip():
                lines.append("")
                lines.append(body)
            chunks.append("\n".join(lines))
        text = "\n\n".join(chunks)
    elif isinstance(payload, str):
        text = payload
    else:
        return ""
    text = clean(text)
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if encoding == "base64":
        try:
            raw = base64.b64decode("".join(text.split()), validate=False)
        except (binascii.Error, ValueError):  # not base64 after all: keep the text
            raw = None
        if raw is not None:
            text = decode_bytes(raw, part.get_content_charset())
    elif encoding == "quoted-printable":
        # the part's charset, else UTF-8 and Latin-1 (an 8-bit field of an
        # RFC 3464 report, "=FCberschritten", is not UTF-8)
        text = decode_bytes(
            quopri.decodestring(text.encode("utf-8", "replace")),
            part.get_content_charset(),
        )
    return text


_BREAK_TAGS = re.compile(r"<\s*/?\s*(?:br|p|div|tr|li|h\d|hr|table|pre)\b[^>]*>", re.I)
_DROP_BLOCKS = re.compile(r"<(style|script|head)\b.*?</\1\s*>", re.I | re.S)
_TAGS = re.compile(r"<[^>]*>")
_PRE_BLOCKS = re.compile(r"(<pre\b.*?</pre\s*>)", re.I | re.S)
_LINE_START_BLANKS = re.compile(r"\n[ \t]+")


def html_to_text(markup):
    markup = _DROP_BLOCKS.sub(" ", markup)
    if _BREAK_TAGS.search(markup):
        # source line breaks are not significant in HTML, except inside <pre>
        # and blanks at the start of a rendered line are not shown
        pieces = _PRE_BLOCKS.split(markup)
        markup = "".join(
            _BREAK_TAGS.sub("\n", piece)
            if index % 2
            else _LINE_START_BLANKS.sub(
                "\n",
                _BREAK_TAGS.sub("\n", piece.replace("\r", " ").replace("\n", " ")),
            )
            for index, piece in enumerate(pieces)
        )
    return html.unescape(_TAGS.sub("", markup))


# From the start of a run of local-part characters only (the lookbehind), and
# no longer than RFC 5321 allows a local part (64) with room to spare: from
# every position of a long run the scan ran to its end (quadratic: 2.7 s for
# a 30 000-character word before an "@").
_ADDRESS = re.compile(
    r"(?<![\w.!#$%&'*+/=?^`{|}~-])[\w.!#$%&'*+/=?^`{|}~-]{1,256}@[\w-]+(?:\.[\w-]+)+"
)
# Han, kana and Hangul are word characters to the regex engine, but Chinese,
# Japanese and Korean write no blank between words: "user@example.jpへの",
# "宛先user@example.jp" are an address glued to the sentence, not one
# address (an RFC 6531 address in those scripts is not read; a Latin one
# with accents is).  Only a match holding such a character is read again,
# without them: the class alternation is three times slower than the scan.
_CJK = "\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff00-\uffef"
_HAS_CJK = re.compile("[" + _CJK + "]")
_ATEXT = r"(?:[^\W" + _CJK + r"]|[.!#$%&'*+/=?^`{|}~-])"
_LABEL = r"(?:[^\W" + _CJK + r"]|-)+"
_ADDRESS_NO_CJK = re.compile(
    r"(?<![.!#$%&'*+/=?^`{|}~-])(?<![^\W"
    + _CJK
    + r"])"
    + _ATEXT
    + r"{1,256}@"
    + _LABEL
    + r"(?:\."
    + _LABEL
    + r")+"
)


class _AddressScan:
    """:data:`ADDRESS_SCAN`: the methods of a compiled pattern the parsers
    use, the matches cut where a CJK script begins or ends.  A text without
    such characters (``str.isascii`` is a flag of the string, free) is
    scanned by the plain pattern alone."""

    __slots__ = ()

    @staticmethod
    def _plain(string):
        return string.isascii() or not _HAS_CJK.search(string)

    @staticmethod
    def _cut(string, found):
        if found is None or not _HAS_CJK.search(found.group(0)):
            return found
        return _ADDRESS_NO_CJK.search(string, found.start(), found.end())

    def finditer(self, string, pos=0, endpos=None):
        end = len(string) if endpos is None else endpos
        if self._plain(string):
            return _ADDRESS.finditer(string, pos, end)
        return self._cut_all(string, pos, end)

    def _cut_all(self, string, pos, end):
        for found in _ADDRESS.finditer(string, pos, end):
            found = self._cut(string, found)
            if found is not None:
                yield found

    def findall(self, string, pos=0, endpos=None):
        end = len(string) if endpos is None else endpos
        if self._plain(string):
            return _ADDRESS.findall(string, pos, end)
        return [found.group(0) for found in self._cut_all(string, pos, end)]

    def search(self, string, pos=0, endpos=None):
        end = len(string) if endpos is None else endpos
        if self._plain(string):
            return _ADDRESS.search(string, pos, end)
        return next(self._cut_all(string, pos, end), None)

    def match(self, string, pos=0, endpos=None):
        end = len(string) if endpos is None else endpos
        found = _ADDRESS.match(string, pos, end)
        if found is None or string.isascii():
            return found
        found = self._cut(string, found)
        return found if found is not None and found.start() == pos else None


ADDRESS_SCAN = _AddressScan()
_LOCAL_OK = re.compile(r"^[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*$")
_DOMAIN_OK = re.compile(r"^(?:[\w](?:[\w-]*[\w])?\.)+[\w](?:[\w-]*[\w])?$")
SYSTEM_LOCALPARTS = frozenset(
    {
        "postmaster",
        "mailer-daemon",
        "mailerdaemon",
        "mail-daemon",
        "maildaemon",
        "mdaemon",
        "root",
        "abuse",
        "hostmaster",
        "mailer",
        "ndr",
        "daemon",
        # MMDF's own login, the From of its notices (configure: MMDFLOGIN
        # "mmdf"; lib/mmdf/rtn_proc.c rtn_mlinit)
        "mmdf",
    }
)


_QUOTED = re.compile(r'^<?("(?:[^"\\\r\n]|\\.){1,64}")@([^\s<>@]+?)>?\.?$')
QUOTED_SCAN = re.compile(r'"(?:[^"\\\r\n]|\\.){1,64}"@[\w-]+(?:\.[\w-]+)+')


def _without_trailing_comment(value):
    """*value* without a final "(...)" holding no parenthesis, and the
    blanks around it.  Not a regex: one whose leading blanks were retried
    from every blank of a long run before a "(" was quadratic (57 s for
    200 000 blanks)."""
    stripped = value.rstrip()
    if not stripped.endswith(")"):
        return value.strip()
    opening = stripped.rfind("(")
    if opening == -1 or ")" in stripped[opening + 1 : -1]:
        return value.strip()
    return stripped[:opening].strip()


_UNITEXT = re.compile(r"\\x\{([0-9A-Fa-f]{1,6})\}")


def normalise_address(value):
    """``"rfc822; <John@Example.COM>"`` -> ``"john@example.com"``, or None.

    RFC 5321 quoted local parts (``"john smith"@example.com``) are kept, with
    their quotes; the domain must be a host name (no address literal).
    """
    if not value:
        return None
    value = value.strip()
    if "(" in value and not value.startswith('"'):
        # an RFC 5322 comment after the address ("rfc822; a@b.example (Jo)")
        value = _without_trailing_comment(value)
    if "\\x{" in value:
        # RFC 6533 section 3: utf-8-addr-unitext / -xtext escapes
        value = _UNITEXT.sub(lambda m: chr(int(m.group(1), 16)), value)
    if ";" in value:
        kind, rest = value.split(";", 1)
        if kind.strip().lower() in ("rfc822", "utf-8", "internet", "smtp", ""):
            value = rest
        else:
            found = ADDRESS_SCAN.search(rest)
            value = found.group(0) if found else ""
    quoted = _QUOTED.match(value.strip())
    if quoted:
        if not _DOMAIN_OK.match(quoted.group(2)):
            return None
        return f"{quoted.group(1)}@{quoted.group(2)}".lower()
    value = value.strip().rstrip(".").strip("<>\"'[](),;: \t").rstrip(".")
    if value.lower().startswith(("smtp:", "mailto:")):
        value = value.split(":", 1)[1]
    if value.count("@") != 1:
        return None
    local, domain = value.rsplit("@", 1)
    if not _LOCAL_OK.match(local) or not _DOMAIN_OK.match(domain):
        return None
    return value.lower()


def site_domain(host):
    labels = host.lower().strip(".").split(".")
    if len(labels) <= 2:
        return ".".join(labels)
    if len(labels[-1]) == 2 and labels[-2] in {
        "co",
        "com",
        "ac",
        "org",
        "net",
        "gov",
        "edu",
    }:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


_CONTINUATION = re.compile(r"(?<=\s)([45]\d\d)[ -]([245]\.\d{1,3}\.\d{1,3})(?:\s+|$)")


def one_line(text, reply_code, status):
    """One trimmed line; ``550-5.7.1 a 550-5.7.1 b`` -> ``550-5.7.1 a b``."""
    text = " ".join(clean(text).split())
    if reply_code and status and f"{reply_code}-{status}" in text:
        first = text.find(reply_code)
        head, tail = text[: first + 4], text[first + 4 :]
        tail = _CONTINUATION.sub(
            lambda m: "" if m.groups() == (reply_code, status) else m.group(0), tail
        )
        text = head + tail
    return text[:MAX_DIAGNOSTIC].strip()


def unwrap(text):
    """Trim blanks and one pair of enclosing parentheses."""
    text = text.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text


def codes_in(text):
    status = None
    reply = None
    if text:
        match = STATUS_RE.search(text)
        if match and match.group(1) != "2":
            status = ".".join(match.groups())
        match = REPLY_RE.search(text)
        if match:
            reply = match.group(1)
    return status, reply


def text_codes(text):
    """Status and reply code from SMTP-looking lines of a free text."""
    status = None
    match = STATUS_RE.search(text)
    if match and match.group(1) != "2":
        status = ".".join(match.groups())
    for match in REPLY_RE.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if _REPLY_LEAD.search(
            text[max(line_start, match.start() - 24) : match.start()]
        ):
            return status, match.group(1)
    return status, None


def paragraph_at(text, start, end):
    """The paragraph (text between blank lines) holding ``text[start:end]``."""
    before = text.rfind("\n\n", 0, start)
    after = text.find("\n\n", end)
    return text[0 if before == -1 else before + 2 : after if after != -1 else len(text)]


def paragraphs_naming(text, address):
    """The paragraphs of *text* that name *address*, in order (case-blind)."""
    address = (address or "").lower()
    if not address or address not in text.lower():
        return []
    return [
        paragraph for paragraph in text.split("\n\n") if address in paragraph.lower()
    ]


def line_around(text, match):
    """The paragraph holding *match* when short, else its line."""
    paragraph = paragraph_at(text, match.start(), match.end()).strip()
    if len(paragraph) <= 300:
        return paragraph
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    line = text[start : end if end != -1 else len(text)]
    if len(line.strip()) < 12:
        # a bare reason ("quota exceeded") reads better with its address line
        before = text.rfind("\n", 0, max(start - 1, 0)) + 1
        line = text[before:start] + line
    return line.strip()
