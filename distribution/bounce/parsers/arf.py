"""Feedback reports are not bounces: ARF abuse/complaint reports (RFC 5965)
and authentication-failure reports (RFC 6591), ``multipart/report;
report-type=feedback-report``.  They are answered with kind ``none``."""

from ..model import NONE, BounceResult

NAME = "arf"


def parse(env):
    msg = env.msg
    if env.report_type == "feedback-report":
        return BounceResult(False, NONE, parser=NAME)
    if msg.get_content_type() == "message/feedback-report":
        return BounceResult(False, NONE, parser=NAME)
    return None
