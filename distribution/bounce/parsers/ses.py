"""Amazon SES bounce notifications in JSON (Amazon SES Developer Guide,
"Contents of notifications for Amazon SES" and "Amazon SES event
publishing"), as delivered by e-mail, raw or inside an Amazon SNS envelope.

``bounceType`` Permanent / Transient / Undetermined and ``bounceSubType``
(General, NoEmail, Suppressed, OnAccountSuppressionList, MailboxFull,
MessageTooLarge, ContentRejected, AttachmentRejected) give the reason when
the recipient's ``diagnosticCode`` does not; ``Complaint`` and ``Delivery``
notifications are not failures.
"""

import json

from ..evidence import Record, to_failure
from ..model import FAILURE, NONE, BounceResult
from ..reasons import REASONS
from ..text import normalise_address

NAME = "ses"
_MAX_JSON = 1024 * 1024
_SUBTYPES = {
    "noemail": "mailbox_unknown",
    "suppressed": "recipient_rejected",
    "onaccountsuppressionlist": "recipient_rejected",
    "mailboxfull": "mailbox_full",
    "messagetoolarge": "message_too_large",
    "contentrejected": "content_rejected",
    "attachmentrejected": "content_rejected",
}
_BY_TYPE = {"permanent": "recipient_rejected", "transient": "server_trouble"}


def _load(env):
    text = env.plain.strip()
    if not text.startswith("{") or len(text) > _MAX_JSON:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get("Message"), str):
        try:  # an SNS envelope
            data = json.loads(data["Message"])
        except ValueError:
            return None
    return data if isinstance(data, dict) else None


def parse(env):
    data = _load(env)
    if data is None:
        return None
    kind = str(data.get("notificationType") or data.get("eventType") or "").lower()
    if kind not in ("bounce", "complaint", "delivery", "deliverydelay"):
        return None
    mail = data.get("mail") if isinstance(data.get("mail"), dict) else {}
    common = (
        mail.get("commonHeaders") if isinstance(mail.get("commonHeaders"), dict) else {}
    )
    message_id = common.get("messageId") or None
    if kind != "bounce":
        return BounceResult(False, NONE, original_message_id=message_id, parser=NAME)
    bounce = data.get("bounce") if isinstance(data.get("bounce"), dict) else {}
    bounce_type = str(bounce.get("bounceType") or "").lower()
    subtype = str(bounce.get("bounceSubType") or "").lower()
    remote = bounce.get("remoteMtaIp") or bounce.get("reportingMTA")
    recipients = []
    for item in bounce.get("bouncedRecipients") or []:
        if not isinstance(item, dict):
            continue
        address = normalise_address(str(item.get("emailAddress") or ""))
        if not address:
            continue
        diagnostic = str(item.get("diagnosticCode") or "")
        record = Record(
            address=address,
            action=str(item.get("action") or "failed"),
            status=str(item.get("status") or "") or None,
            evidence=diagnostic,
            shown=diagnostic.split(";", 1)[-1].strip(),
            final_recipient=address,
            remote_mta=str(remote) if remote else None,
        )
        failure = to_failure(record)
        fallback = _SUBTYPES.get(subtype) or _BY_TYPE.get(bounce_type)
        if fallback and failure.tier in ("class", "stage", None):
            failure.decided_by(REASONS[fallback])
        recipients.append(failure)
    return BounceResult(
        is_bounce=True,
        kind=FAILURE,
        recipients=recipients,
        original_message_id=message_id,
        parser=NAME,
    )
