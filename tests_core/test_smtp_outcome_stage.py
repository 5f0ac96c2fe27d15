"""SMTP-time refusals: a temporary code at MAIL is retried, not a block."""

import pytest

from distribution.smtp_outcome import classify_smtp_reply


@pytest.mark.parametrize(
    "code, text, stage, state",
    [
        (
            421,
            "4.3.2 Service shutting down, closing transmission channel",
            "mail",
            "soft_bounce",
        ),
        (451, "4.7.1 Greylisted, try again later", "mail", "soft_bounce"),
        (550, "5.7.1 Sender address rejected: Access denied", "mail", "blocked"),
        (554, "5.7.1 Client host rejected", "connect", "blocked"),
    ],
)
def test_refusal_at_mail(code, text, stage, state):
    assert classify_smtp_reply(code, text, stage).state == state
