"""Tokens of the status page subscription links.

A confirmation link carries ``c<subscriber id>.<expiry>.<signature>``, an
unsubscribe link ``u<subscriber id>.<signature>``: the expiry as seconds
since the Unix epoch (UTC), the signature a hexadecimal HMAC-SHA256 that the
model computes over the scope, the subscriber, the expiry and a nonce of
the subscriber's (so that a new request or a confirmation retires earlier
links). This module only reads and judges tokens; it never sees the key.
"""

import re
from dataclasses import dataclass
from datetime import datetime

CONFIRM = "c"  # expires, works until the subscription is confirmed
UNSUBSCRIBE = "u"  # lasts as long as the subscriber
SCOPES = (CONFIRM, UNSUBSCRIBE)
MAX_ID = 2**31 - 1
MAX_TOKEN_LENGTH = 96
_TOKEN = re.compile(r"([cu])([1-9][0-9]{0,9})(?:\.([0-9]{1,12}))?\.([0-9a-f]{64})")

EPOCH = datetime(1970, 1, 1)

VALID = "valid"
MALFORMED = "malformed"  # missing, too long, not of the token's shape or scope
INVALID = "invalid"  # well formed, but the signature does not match
EXPIRED = "expired"  # genuine, but past its expiry


@dataclass(frozen=True)
class Token:
    scope: str
    subscriber_id: int
    expires: int  # 0 for a token that does not expire
    signature: str


def timestamp(when):
    """Whole seconds since the epoch of a naive UTC datetime."""
    return int((when - EPOCH).total_seconds())


def make_token(scope, subscriber_id, signature, expires=0):
    if scope not in SCOPES:
        raise ValueError(f"unknown token scope {scope!r}")
    if scope == CONFIRM:
        return f"{scope}{int(subscriber_id)}.{int(expires)}.{signature}"
    return f"{scope}{int(subscriber_id)}.{signature}"


def parse_token(token, scope):
    """The Token of ``token`` when it has the shape of a ``scope`` token,
    else None."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        return None
    match = _TOKEN.fullmatch(token)
    if not match:
        return None
    found, subscriber_id, expires, signature = match.groups()
    subscriber_id = int(subscriber_id)
    if found != scope or subscriber_id > MAX_ID:
        return None
    if (expires is None) != (scope == UNSUBSCRIBE):
        return None  # a confirmation expires, an unsubscription does not
    return Token(scope, subscriber_id, int(expires or 0), signature)


def check_token(token, scope, now, sign, equal):
    """The verdict on ``token`` for ``scope`` at ``now`` (epoch seconds).

    ``sign(subscriber_id, expires)`` is the genuine signature (None for no
    such subscriber) and ``equal(a, b)`` compares in constant time. The
    signature is checked before the expiry: an altered expiry is invalid,
    not merely expired.
    """
    parsed = parse_token(token, scope)
    if parsed is None:
        return MALFORMED
    genuine = sign(parsed.subscriber_id, parsed.expires)
    if not genuine or not equal(parsed.signature, genuine):
        return INVALID
    if scope == CONFIRM and now >= parsed.expires:
        return EXPIRED
    return VALID
