# ruff: noqa: E501, RUF001  (documented texts kept on one line, full-width punctuation)
"""Non-English notices, whole, in the charsets their systems write (issue #10).

Each notice carries a text a vendor, a provider or its help pages publish
for its own error mails (the source is named beside it); the layout around
it (sender, subject, the address line) is the one such systems use.  They
check three things: the notice is decoded (ISO-2022-JP, Shift_JIS, EUC-JP,
GB2312/GBK/GB18030, Big5, EUC-KR, KOI8-R, windows-1251, ISO-8859-2,
UTF-8 in base64 or quoted-printable, RFC 2047 subjects), its address is
found (also when glued to Japanese or Chinese words), and the localized
phrase gives the reason.  Addresses and hosts are reserved ones.  Unit
fixtures, not corpus.
"""

import base64
import quopri
from email.header import Header

import pytest

from distribution.bounce import classify_message
from distribution.bounce.envelope import to_message
from distribution.bounce.reasons import explain
from distribution.bounce.text import ADDRESS_SCAN, decode_bytes, header

GMAIL_JA = "Gmail Help, answer 6596 (hl=ja), 送信したメールが返送された場合"
DTI = "DTI (dream.jp) techinfo, mail error05: 宛先のメールアドレスが見つからなかった場合 (the Japanese translation of its notice)"
MEGAEGG = "MEGA EGG FAQ 296, エラーメールの例と対処方法"
NTT = "NTT Communications (OCN) mail FAQ pid2300000e64, 受信拒否設定"
QQ = "QQ Mail help, 退信 reasons (qqmailbox.com/transceivers/169.html)"
EXMAIL = "Tencent Exmail reseller help, qqmail.zj.cn article 159 (退信原因)"
KO = "Korean mail help: puffinknight.tistory.com 102, foxydog.tistory.com 180"
YANDEX = "Yandex's Russian notice header, as its bounces carry it (yandex.ru support, not-got-report)"
MAILRU = (
    "mailout.ru, Mail.ru errors ('No such user' / 'User not found', a full mailbox)"
)
SEZNAM = (
    "Seznam.cz napoveda, Uzivatel neexistuje (napoveda.seznam.cz/uzivatel-neexistuje)"
)
INTERIA = "Interia help, Dlaczego wiadomość nie została dostarczona? (pomoc.poczta.interia.pl)"
BR = "br.ccm.net FAQ 28855 (Caixa do destinatário lotada); clubedohardware.com.br (caixa postal não existe)"
EXCHANGE_ES = (
    "Microsoft Exchange's Spanish NDR template (No se ha podido realizar la entrega...)"
)
WEBDE = "WEB.DE replies listed by sitepackage.de (typische Fehlermeldungen bei Unzustellbarkeit); schieb.de"
MEPF = (
    "Microsoft Learn, '554 5.2.2 mailbox full' when sending emails to a mail-enabled public"
    " folder (exchange/troubleshoot/email-delivery/cannot-send-mail-mepf), the NDR text as"
    " its {} edition quotes it"
)
MS_JA = "Microsoft Support ja-jp KB 3197393 (the Exchange Online NDR 550 5.1.10 in Japanese)"
CN_HOSTS = (
    "emailhost.com.cn service help (退信 categories); mysdqq.cn news 1981 (退信原因)"
)
OUTLOOK_DE = "Outlook's German report layout ('Ihre Nachricht hat einige oder alle Empfänger nicht erreicht', pastebin dUJNHrB0); WEB.DE's reply (sitepackage.de)"

RETURNED = (
    "From: invoices@seller.example\nTo: {to}\nSubject: Invoice INV/2026/0042\n"
    "Message-ID: <inv42@seller.example>\n\nPlease find our invoice attached.\n"
)


def encode_body(text, charset, cte):
    data = text.encode(charset)
    if cte == "base64":
        return base64.encodebytes(data)
    if cte == "quoted-printable":
        return quopri.encodestring(data)
    return data


def notice(
    body,
    charset,
    *,
    subject="Undelivered Mail Returned to Sender",
    sender="MAILER-DAEMON@mx.customer.example",
    cte="8bit",
    returned_to=None,
    subject_charset=None,
    extra="",
    ctype="text/plain",
):
    """A notice: its text in *charset*, and the returned message when
    *returned_to* is given (multipart/mixed, as ISP gateways send them)."""
    if any(ord(char) > 127 for char in subject):
        subject = Header(subject, subject_charset or charset).encode()
    head = (
        f"From: {sender}\nTo: bounce@seller.example\nSubject: {subject}\n"
        f"Date: Tue, 01 Dec 2026 06:00:00 +0900\n{extra}MIME-Version: 1.0\n"
    ).encode()
    text_head = (
        f"Content-Type: {ctype}; charset={charset}\n"
        f"Content-Transfer-Encoding: {cte}\n\n"
    ).encode()
    text = encode_body(body, charset, cte)
    if returned_to is None:
        return head + text_head + text
    return (
        head
        + b'Content-Type: multipart/mixed; boundary="NB"\n\n--NB\n'
        + text_head
        + text
        + b"\n--NB\nContent-Type: message/rfc822\n\n"
        + RETURNED.format(to=returned_to).encode()
        + b"--NB--\n"
    )


def dsn(
    text, charset, diagnostic, recipient, *, cte="8bit", status="5.0.0", action="failed"
):
    """A multipart/report whose human part is localized and whose
    Diagnostic-Code quotes the receiving server's words (RFC 3464; an
    RFC 6533 utf-8 diagnostic is the server's text as it wrote it)."""
    return (
        b"From: MAILER-DAEMON@mx.seller.example\nTo: bounce@seller.example\n"
        b"Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="R"\n\n'
        + f"--R\nContent-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: {cte}\n\n".encode()
        + encode_body(text, charset, cte)
        + b"\n--R\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.seller.example\n\n"
        + f"Final-Recipient: rfc822; {recipient}\nAction: {action}\nStatus: {status}\n".encode()
        + b"Diagnostic-Code: smtp; "
        + diagnostic.encode("utf-8")
        + b"\n\n--R--\n"
    )


CASES = [
    # --- Japanese ---------------------------------------------------------
    pytest.param(
        notice(
            "このメールは送信できませんでした。\n\n"
            "宛先のメールアドレスが見つかりませんでした。\n\n"
            "宛先: user@customer.example\n",
            "shift_jis",
            subject="配信エラー",
        ),
        ("failure", "hard", "mailbox_unknown", ["user@customer.example"]),
        id=f"ja-sjis-address-not-found ({DTI})",
    ),
    pytest.param(
        notice(
            "このメールは以下の原因により届けることが出来ませんでした:\n\n"
            "以下の受取人は、相手のメールサーバに拒否されました。\n"
            "以下のサーバーが返したエラーメッセージには、受取人が拒否された理由が\n"
            "含まれています。\n\n"
            "受取人: <pwd1234567@m.isp.example>\n"
            "原因:  <pwd1234567@m.isp.example> のユーザーは登録されていません\n\n"
            "もし、このエラーメールにご不明な点などございましたら\n"
            "Postmaster@isp.example まで返信をお願いします。\n",
            "iso-2022-jp",
            cte="7bit",
            sender="Mail Administrator <Postmaster@isp.example>",
            subject="メールシステム誤り- 返されたメール",
        ),
        ("failure", "hard", "mailbox_unknown", ["pwd1234567@m.isp.example"]),
        id=f"ja-iso2022jp-user-not-registered ({DTI})",
    ),
    pytest.param(
        notice(
            "アドレス不明\n\n"
            "アドレスが見つからなかったか、メールを受信できないアドレスであるため、"
            "メールはinfo@nouser.exampleに配信されませんでした。\n\n"
            "リモート サーバーからの応答:\n\n550 5.1.1 User unknown\n",
            "utf-8",
            cte="base64",
            sender="Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
            subject="Delivery Status Notification (Failure)",
        ),
        ("failure", "hard", "mailbox_unknown", ["info@nouser.example"]),
        id=f"ja-utf8-base64-address-glued-to-words ({GMAIL_JA})",
    ),
    pytest.param(
        notice(
            "<html><body><h2>アドレス不明</h2><p>アドレスが見つからなかったか、メールを受信できない"
            "アドレスであるため、メールは <a style='color:#212121;text-decoration:none'><b>"
            "info@nouser.example</b></a> に配信されませんでした。</p></body></html>",
            "shift_jis",
            sender="Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
            subject="Delivery Status Notification (Failure)",
            ctype="text/html",
        ),
        ("failure", "hard", "mailbox_unknown", ["info@nouser.example"]),
        id=f"ja-sjis-html-gmail-address-not-found ({GMAIL_JA}; the HTML as public Apps Script code reads it)",
    ),
    pytest.param(
        notice(
            "以下の宛先への配信に失敗しました。\n\n"
            "宛先: user@customer.example\n"
            "理由: 受信者のメールボックスの容量がいっぱいのため、受信できません。\n",
            "euc-jp",
            subject="配信エラー",
        ),
        ("failure", "soft", "mailbox_full", ["user@customer.example"]),
        id=f"ja-eucjp-mailbox-full ({MEGAEGG})",
    ),
    pytest.param(
        notice(
            "以下の宛先への配信に失敗しました。\n\n"
            "宛先: user@docomo.example\n"
            "理由: 受信拒否設定により配信できませんでした。\n",
            "iso-2022-jp",
            cte="7bit",
            subject="配信エラー",
        ),
        ("failure", "blocked", "recipient_refuses", ["user@docomo.example"]),
        id=f"ja-iso2022jp-refused-by-recipient ({NTT}; {GMAIL_JA})",
    ),
    pytest.param(
        notice(
            "以下の宛先への配信に失敗しました。\n\n"
            "宛先：user@customer.example\n"
            "理由：メールのサイズが大きすぎるため、受信できません。\n",
            "shift_jis",
            subject="配信エラー",
        ),
        ("failure", "soft", "message_too_large", ["user@customer.example"]),
        id=f"ja-sjis-too-large-fullwidth-colon ({GMAIL_JA}; {MEGAEGG})",
    ),
    pytest.param(
        notice(
            "user@customer.example\n"
            "受信者のメールボックスがいっぱいになり、メッセージを受け入れることはできません。 "
            "後でこのメッセージを再送信するか、受信者に直接連絡してください。\n\n"
            "管理者の診断情報\n\n生成サーバー: MBX01.customer.example\n",
            "iso-2022-jp",
            cte="7bit",
            sender="Microsoft Outlook <postmaster@customer.example>",
            subject="配信不能: 請求書 INV/2026/0042",
        ),
        ("failure", "soft", "mailbox_full", ["user@customer.example"]),
        id=f"ja-iso2022jp-exchange-mailbox-full ({MEPF.format('ja-jp')})",
    ),
    pytest.param(
        notice(
            "メッセージは tanaka@customer.example に配信されませんでした。\n"
            "customer.example でユーザーが見つかりませんでした。\n\n"
            "管理者向けの診断情報\n\n生成サーバー: MBX01.seller.example\n",
            "utf-8",
            cte="base64",
            sender="Microsoft Outlook <postmaster@seller.example>",
            subject="配信不能: 請求書",
        ),
        ("failure", "hard", "mailbox_unknown", ["tanaka@customer.example"]),
        id=f"ja-utf8-exchange-online-user-not-found ({MS_JA})",
    ),
    # --- Chinese ----------------------------------------------------------
    pytest.param(
        notice(
            "很抱歉您的邮件被退回。\n\n收件人：user@customer.example\n退信原因：该用户不存在\n",
            "gb2312",
            sender="postmaster@qq.example",
            subject="系统退信",
        ),
        ("failure", "hard", "mailbox_unknown", ["user@customer.example"]),
        id=f"zh-gb2312-user-does-not-exist ({QQ})",
    ),
    pytest.param(
        # labelled gb2312, written in GBK (镕 is GBK only): read as GB18030
        notice(
            "很抱歉您的邮件被退回。\n\n收件人：王镕 <user@customer.example>\n退信原因：收件人空间不足\n",
            "gbk",
            sender="postmaster@qq.example",
            subject="系统退信",
        ).replace(b"charset=gbk", b"charset=gb2312"),
        ("failure", "soft", "mailbox_full", ["user@customer.example"]),
        id=f"zh-gbk-labelled-gb2312-space-insufficient ({QQ})",
    ),
    pytest.param(
        notice(
            "您的邮件无法发送到user@customer.example，收件人拒收了您的邮件。\n",
            "gb18030",
            sender="postmaster@exmail.example",
            subject="退信",
        ),
        ("failure", "blocked", "recipient_refuses", ["user@customer.example"]),
        id=f"zh-gb18030-refused-glued-address ({EXMAIL})",
    ),
    pytest.param(
        notice(
            "您的郵件被退回。\n\n收件人: user@customer.example\n退信原因: 收件人郵箱已滿\n",
            "big5",
            sender="postmaster@mail.example",
            subject="退信",
        ),
        ("failure", "soft", "mailbox_full", ["user@customer.example"]),
        id=f"zh-big5-mailbox-full ({EXMAIL})",
    ),
    pytest.param(
        notice(
            "您发送的邮件被退回。\n\n收件人: info@nodomain.example\n[退信] 域名不存在: DNS query error\n",
            "gb18030",
            cte="base64",
            sender="postmaster@mail.example",
            subject="退信通知",
        ),
        ("failure", "hard", "domain_unknown", ["info@nodomain.example"]),
        id=f"zh-gb18030-base64-domain-does-not-exist ({CN_HOSTS})",
    ),
    pytest.param(
        notice(
            "您发送的邮件被退回。\n\n收件人: sleeper@customer.example\n"
            "退信原因: 用户由于长时间未登录处于休眠状态\n",
            "gb2312",
            sender="postmaster@mail.example",
            subject="退信通知",
        ),
        ("failure", "hard", "mailbox_disabled", ["sleeper@customer.example"]),
        id=f"zh-gb2312-dormant-account ({CN_HOSTS})",
    ),
    # --- Korean -----------------------------------------------------------
    pytest.param(
        notice(
            "메일 발송 실패\n\n받는 사람: user@customer.example\n사유: 사용자가 존재하지 않습니다.\n",
            "euc-kr",
            subject="메일 반송 안내",
            subject_charset="ks_c_5601-1987",
        ),
        ("failure", "hard", "mailbox_unknown", ["user@customer.example"]),
        id=f"ko-euckr-user-does-not-exist ({KO})",
    ),
    pytest.param(
        notice(
            "메일 발송 실패\n\n받는 사람: user@customer.example\n사유: 수신자의 메일함이 가득 찼습니다.\n",
            "utf-8",
            cte="quoted-printable",
            subject="메일 반송 안내",
        ),
        ("failure", "soft", "mailbox_full", ["user@customer.example"]),
        id=f"ko-utf8-qp-mailbox-full ({KO})",
    ),
    # --- Russian ----------------------------------------------------------
    pytest.param(
        notice(
            "Ваше сообщение не доставлено.\n\n<user@customer.example>: 550 Нет такого пользователя\n",
            "koi8-r",
            subject="Сообщение не доставлено",
        ),
        ("failure", "hard", "mailbox_unknown", ["user@customer.example"]),
        id=f"ru-koi8r-no-such-user ({MAILRU})",
    ),
    pytest.param(
        notice(
            "Это письмо отправлено почтовым сервером mx.customer.example.\n"
            "К сожалению, мы вынуждены сообщить Вам о том, что Ваше письмо не может\n"
            "быть отправлено одному или нескольким адресатам. Причины указаны ниже.\n\n"
            "<user@customer.example>: Почтовый ящик получателя переполнен\n",
            "windows-1251",
            subject="Недоставленное сообщение",
        ),
        ("failure", "soft", "mailbox_full", ["user@customer.example"]),
        id=f"ru-cp1251-mailbox-full ({YANDEX}; {MAILRU})",
    ),
    pytest.param(
        notice(
            "Это письмо отправлено почтовым сервером mx.customer.example.\n"
            "К сожалению, мы вынуждены сообщить Вам о том, что Ваше письмо не может\n"
            "быть отправлено одному или нескольким адресатам. Причины указаны ниже.\n\n"
            "<user@customer.example>: 554 Письмо отмечено как спам\n",
            "utf-8",
            cte="quoted-printable",
            subject="Недоставленное сообщение",
        ),
        ("failure", "blocked", "spam_content", ["user@customer.example"]),
        id=f"ru-utf8-qp-spam ({YANDEX})",
    ),
    # --- Czech, Polish ----------------------------------------------------
    pytest.param(
        notice(
            "Vaše zpráva pro <vesely.uzivatel@seznam.example> ze dne 19.11.2012 nemohla být doručena.\n"
            "Zpráva je přiložena.\n\nDůvod / Reason:\n---------------\n\n"
            "Uživatel neexistuje\n\nPermanentní chyba na straně uživatele.\n",
            "iso-8859-2",
            subject="Nedoručitelná zpráva",
            returned_to="vesely.uzivatel@seznam.example",
        ),
        ("failure", "hard", "mailbox_unknown", ["vesely.uzivatel@seznam.example"]),
        id=f"cs-latin2-user-does-not-exist ({SEZNAM})",
    ),
    pytest.param(
        notice(
            "Wiadomość nie została dostarczona.\n\nAdresat: user@interia.example\n"
            "Konto do którego próbujesz wysłać maila nie istnieje.\n",
            "iso-8859-2",
            cte="quoted-printable",
            subject="Wiadomość niedostarczona",
        ),
        ("failure", "hard", "mailbox_unknown", ["user@interia.example"]),
        id=f"pl-latin2-qp-account-does-not-exist ({INTERIA})",
    ),
    pytest.param(
        notice(
            "anna.nowak@customer.example\n"
            "Skrzynka pocztowa adresata jest pełna i nie może teraz akceptować wiadomości. "
            "Spróbuj ponownie wysłać tę wiadomość później lub skontaktuj się bezpośrednio z "
            "adresatem.\n\nInformacje diagnostyczne dla administratorów\n"
            "Serwer generujący: MBX01.customer.example\n",
            "utf-8",
            cte="quoted-printable",
            sender="Microsoft Outlook <postmaster@customer.example>",
            subject="Undeliverable: Faktura FV/2026/0042",
        ),
        ("failure", "soft", "mailbox_full", ["anna.nowak@customer.example"]),
        id=f"pl-utf8-qp-exchange-mailbox-full ({MEPF.format('pl-pl')})",
    ),
    # --- Swedish ----------------------------------------------------------
    pytest.param(
        notice(
            "sven@customer.example\n"
            "Mottagarens postlåda är full och kan inte ta emot meddelanden nu. Försök skicka "
            "meddelandet igen senare eller kontakta mottagaren direkt.\n\n"
            "Diagnostikinformation för administratörer\n"
            "Genererande server: MBX01.customer.example\n",
            "iso-8859-1",
            sender="Microsoft Outlook <postmaster@customer.example>",
            subject="Undeliverable: Faktura 2026-0042",
        ),
        ("failure", "soft", "mailbox_full", ["sven@customer.example"]),
        id=f"sv-latin1-exchange-mailbox-full ({MEPF.format('sv-se')})",
    ),
    # --- Portuguese, Spanish, German ---------------------------------------
    pytest.param(
        dsn(
            "Sua mensagem não pôde ser entregue ao destinatário abaixo.\n\n"
            "<user@uol.example>: Caixa postal do destinatário lotada\n",
            "iso-8859-1",
            "552 Caixa postal do destinatário lotada",
            "user@uol.example",
        ),
        ("failure", "soft", "mailbox_full", ["user@uol.example"]),
        id=f"pt-latin1-dsn-mailbox-full ({BR})",
    ),
    pytest.param(
        notice(
            "No se ha podido realizar la entrega a estos destinatarios o listas de distribución:\n\n"
            "lnegre@senado.example\n"
            "El buzón del destinatario está lleno y no puede aceptar mensajes. Microsoft Exchange no "
            "intentará volver a entregar este mensaje. Intente reenviarlo más tarde o póngase en "
            "contacto con el destinatario directamente.\n",
            "utf-8",
            cte="base64",
            sender="postmaster@senado.example",
            subject="No se puede entregar: Informe",
        ),
        ("failure", "soft", "mailbox_full", ["lnegre@senado.example"]),
        id=f"es-utf8-base64-exchange-mailbox-full ({EXCHANGE_ES})",
    ),
    pytest.param(
        notice(
            "No se ha podido realizar la entrega a estos destinatarios o grupos:\n\n"
            "eescuder@customer.example\n"
            "No se pudo encontrar la dirección de correo electrónico que escribiste. Comprueba la "
            "dirección de correo electrónico del destinatario y trata de volver a mandar el mensaje.\n",
            "iso-8859-1",
            cte="quoted-printable",
            sender="postmaster@customer.example",
            subject="No se puede entregar: prueba",
        ),
        ("failure", "hard", "mailbox_unknown", ["eescuder@customer.example"]),
        id=f"es-latin1-qp-exchange-address-not-found ({EXCHANGE_ES})",
    ),
    pytest.param(
        notice(
            "Die E-Mail konnte nicht zugestellt werden.\n\nEmpfänger: user@web.example\n"
            "Grund: 550 Benutzer hat das Speichervolumen ueberschritten.\n",
            "iso-8859-1",
            cte="quoted-printable",
            subject="Unzustellbar: Rechnung",
        ),
        ("failure", "soft", "mailbox_full", ["user@web.example"]),
        id=f"de-latin1-qp-storage-exceeded ({WEBDE})",
    ),
    pytest.param(
        # an 8-bit field of the report, quoted-printable and not UTF-8
        b"From: MAILER-DAEMON@mx.seller.example\nTo: bounce@seller.example\n"
        b"Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="R"\n\n'
        b"--R\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
        b"--R\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: quoted-printable\n\n"
        b"Reporting-MTA: dns; mx.seller.example\n\nFinal-Recipient: rfc822; user@web.example\n"
        b"Action: failed\nStatus: 5.0.0\n"
        b"Diagnostic-Code: smtp; 550 Benutzer hat das Speichervolumen =FCberschritten\n\n--R--\n",
        ("failure", "soft", "mailbox_full", ["user@web.example"]),
        id=f"de-dsn-qp-latin1-field ({WEBDE})",
    ),
    pytest.param(
        notice(
            "Ihre Nachricht hat einige oder alle Empfänger nicht erreicht.\n\n"
            "Betreff: Rechnung RE-2026-0042\nGesendet am: 01.12.2026 07:33\n\n"
            "Folgende(r) Empfänger kann/können nicht erreicht werden:\n\n"
            "kunde@web.example am 01.12.2026 07:33\n"
            "            550 Benutzer nicht bekannt\n",
            "windows-1252",
            cte="quoted-printable",
            sender="Systemadministrator <postmaster@seller.example>",
            subject="Unzustellbar: Rechnung RE-2026-0042",
        ),
        ("failure", "hard", "mailbox_unknown", ["kunde@web.example"]),
        id=f"de-cp1252-qp-outlook-user-not-known ({OUTLOOK_DE})",
    ),
]


def assert_classified(raw, expected):
    """*raw* classified as *expected*: (kind, category, reason, addresses)."""
    result = classify_message(raw)
    kind, category, reason, addresses = expected
    assert (result.kind, result.category, result.reason) == (kind, category, reason)
    assert result.addresses == addresses


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_localized_notice(raw, expected):
    assert_classified(raw, expected)


NEGATIVES = [
    # vacation replies from a shared or system mailbox that quote our
    # message: two bounce signals, but no word about a failed delivery
    pytest.param(
        notice(
            "ただいま不在のため、メールを確認できません。12月7日以降にご連絡いたします。\n",
            "iso-2022-jp",
            cte="7bit",
            sender="postmaster@customer.example",
            subject="不在のお知らせ: Invoice INV/2026/0042",
            returned_to="info@customer.example",
        ),
        id="ja-vacation",
    ),
    pytest.param(
        notice(
            "Ich bin bis zum 7. Dezember nicht im Büro und lese meine E-Mails nicht.\n",
            "iso-8859-1",
            sender="postmaster@customer.example",
            subject="Abwesenheit: Invoice INV/2026/0042",
            returned_to="info@customer.example",
        ),
        id="de-abwesenheit",
    ),
    pytest.param(
        notice(
            "Je suis absent jusqu'au 7 décembre, je lirai votre message à mon retour.\n",
            "iso-8859-1",
            cte="quoted-printable",
            sender="noreply@customer.example",
            subject="Je suis absent",
            returned_to="info@customer.example",
        ),
        id="fr-je-suis-absent",
    ),
    pytest.param(
        notice(
            "您好，我目前不在办公室，将于12月7日回复您的邮件。\n",
            "gb2312",
            sender="postmaster@customer.example",
            subject="自动回复: Invoice INV/2026/0042",
            returned_to="info@customer.example",
        ),
        id="zh-auto-reply",
    ),
]


@pytest.mark.parametrize("raw", NEGATIVES)
def test_localized_auto_reply_is_not_a_bounce(raw):
    result = classify_message(raw)
    assert (result.is_bounce, result.category) == (False, "none")


def test_delay_notice_with_localized_header_stays_a_delay():
    """Yandex's Russian header above Postfix's delay text (the delay words
    win: nothing was given up)."""
    raw = notice(
        "Это письмо отправлено почтовым сервером mx.customer.example.\n\n"
        "This is the mail system at host mx.customer.example.\n\n"
        "####################################################################\n"
        "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n"
        "####################################################################\n\n"
        "Your message could not be delivered for 4.0 hours.\n"
        "It will be retried until it is 5.0 days old.\n\n"
        "<user@customer.example>: connect to mx.customer.example[192.0.2.25]:25:\n"
        "    Connection timed out\n",
        "utf-8",
        subject="Delayed Mail (still being retried)",
    )
    result = classify_message(raw)
    assert (result.kind, result.category) == ("delay", "soft")
    assert result.addresses == ["user@customer.example"]


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("x-sjis", "宛先不明"),
        ("shift_jis", "①宛先不明"),  # a NEC extension: cp932
        ("iso-2022-jp", "ｱﾄﾞﾚｽ不明"),  # half-width katakana: iso2022_jp_ext
        ("gb2312", "王镕"),  # a GBK character: gb18030
        ("ks_c_5601-1987", "메일 반송"),
        ("big5", "退信"),
        ("koi8-r", "Недоставленное"),
    ],
)
def test_charset_labels_mail_software_writes(label, text):
    codec = {
        "x-sjis": "cp932",
        "shift_jis": "cp932",
        "iso-2022-jp": "iso2022_jp_ext",
    }.get(
        label,
        "gb18030"
        if label == "gb2312"
        else "cp949"
        if label.startswith("ks_c")
        else label,
    )
    assert decode_bytes(text.encode(codec), label) == text


def test_undeclared_iso_2022_jp_is_recognised():
    assert decode_bytes("宛先不明".encode("iso2022_jp"), None) == "宛先不明"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "=?x-sjis?B?"
            + base64.b64encode("配信エラー".encode("cp932")).decode()
            + "?=",
            "配信エラー",
        ),
        (
            "Undeliverable: =?ks_c_5601-1987?B?"
            + base64.b64encode("메일 반송".encode("cp949")).decode()
            + "?=",
            "Undeliverable: 메일 반송",
        ),
        # an encoded word whose bytes the declared codec cannot read: the
        # other words are kept
        (
            "=?iso-2022-jp?B?GyRCR1s/LklUR709GyhC?= =?utf-8?B?"
            + base64.b64encode("退信".encode()).decode()
            + "?=",
            None,
        ),
    ],
)
def test_encoded_subjects(value, expected):
    msg = to_message(f"Subject: {value}\n\nx\n".encode())
    decoded = header(msg, "Subject")
    if expected is None:
        assert decoded.endswith("退信")
    else:
        assert decoded == expected


def test_raw_iso_2022_jp_subject():
    raw = b"Subject: " + "配信不能".encode("iso2022_jp") + b"\n\nx\n"
    assert header(to_message(raw), "Subject") == "配信不能"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("メールはinfo@nouser.exampleに配信されませんでした", ["info@nouser.example"]),
        ("宛先user@customer.example宛のメール", ["user@customer.example"]),
        ("«jörg@bücher.example»", ["jörg@bücher.example"]),
        ("收件人：user@customer.example（不存在）", ["user@customer.example"]),
    ],
)
def test_addresses_glued_to_cjk_words(text, found):
    assert ADDRESS_SCAN.findall(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "差出人のメールアドレスが見つかりません",
        "发件人地址不存在",
        "Adres nadawcy nie istnieje",
        "Почтовый ящик отправителя не найден",
        "O endereço do remetente não existe",
    ],
)
def test_our_sender_named_in_another_language_is_not_the_recipient(text):
    """The localized "no such address" alternatives are scoped to the
    recipient, as the English ones are: our sender's address named by the
    same words is never a bad recipient address."""
    assert explain("5.0.0", "550", text).category != "hard"
