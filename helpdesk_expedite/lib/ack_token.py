"""Tokens of the one-click escalation acknowledgement link.

A token is ``"<expiry>.<signature>"``: the expiry as seconds since the Unix
epoch (UTC), then a hexadecimal HMAC-SHA256 signature that the model computes
over the escalation, the expiry and the escalation's nonce. This module only
reads and judges tokens; it never sees the key, so it needs no database.
"""

import re
from datetime import datetime

EPOCH = datetime(1970, 1, 1)
# a SHA-256 signature in hexadecimal is 64 characters; the expiry 1 to 12 digits
MAX_TOKEN_LENGTH = 96
_TOKEN = re.compile(r"([0-9]{1,12})\.([0-9a-f]{64})")

VALID = "valid"
MALFORMED = "malformed"  # missing, too long, not of the token's shape
INVALID = "invalid"  # well formed, but the signature does not match
EXPIRED = "expired"  # genuine, but past its expiry


def timestamp(when):
    """Whole seconds since the epoch of a naive UTC datetime."""
    return int((when - EPOCH).total_seconds())


def make_token(expires, signature):
    return f"{int(expires)}.{signature}"


def parse_token(token):
    """(expiry, signature) of ``token``, or None when it is not a token."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        return None
    match = _TOKEN.fullmatch(token)
    if not match:
        return None
    return int(match.group(1)), match.group(2)


def check_token(token, now, sign, equal):
    """The verdict on ``token`` at ``now`` (epoch seconds).

    ``sign(expiry)`` is the genuine signature for that expiry and
    ``equal(a, b)`` compares in constant time. The signature is checked
    before the expiry: an altered expiry is invalid, not merely expired.
    """
    parsed = parse_token(token)
    if parsed is None:
        return MALFORMED
    expires, signature = parsed
    if not equal(signature, sign(expires)):
        return INVALID
    if now >= expires:
        return EXPIRED
    return VALID
