"""Whether a mail that failed is worth sending again.

Odoo records a failed mail with a failure type and the error's text. A
failure is *transient* when sending the same mail later may work: the mail
server could not be reached (Odoo's ``mail_smtp``), the connection broke or
timed out, or the server answered with a temporary (4xx) reply, RFC 5321
section 4.2.1. Anything else is *permanent*: the message itself is at fault
(a header with a line break, an invalid address, a 5xx refusal), and
sending it again would fail again.
"""

import re

# Odoo's failure types that say nothing against the message itself
TRANSIENT_TYPES = frozenset({"mail_smtp"})
# types of a generic failure, judged on the error's text
GENERIC_TYPES = frozenset({"", "unknown"})
# an address is missing or invalid (the recipient's, or the sender's)
ADDRESS_TYPES = frozenset(
    {
        "mail_email_invalid",
        "mail_email_missing",
        "mail_from_invalid",
        "mail_from_missing",
    }
)
# an SMTP reply code as smtplib reports it: "(451, b'...')"
_REPLY_CODE = re.compile(r"\(([2-5][0-9][0-9]),")
_NETWORK = re.compile(
    r"timed out|timeout|connection (?:refused|reset|aborted|unexpectedly closed)"
    r"|broken pipe|network is unreachable|temporary failure in name resolution"
    r"|SMTPServerDisconnected|SMTPConnectError",
    re.IGNORECASE,
)


def is_transient(failure_type, reason):
    """True when the mail may go through if sent again later."""
    failure_type = failure_type or ""
    if failure_type in TRANSIENT_TYPES:
        return True
    if failure_type not in GENERIC_TYPES:
        return False  # an address missing or invalid: the message's fault
    text = reason if isinstance(reason, str) else ""
    codes = {int(code) for code in _REPLY_CODE.findall(text)}
    if any(code >= 500 for code in codes):
        return False
    if any(400 <= code < 500 for code in codes):
        return True
    return bool(_NETWORK.search(text))
