"""Posting JSON to webhooks over one kept-alive connection (no ORM here).

The delivery cron prepares the payloads and records the outcomes; this
module does the network part only: the safety check of the URL, right
before its post, then the POST. One HTTP session serves a whole cron run,
so consecutive posts to the same host reuse their connection (for HTTPS,
one TLS handshake per run instead of one per post).
"""

import logging
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter

from . import webhook_safety

_logger = logging.getLogger(__name__)

# A reply body up to this size (by its Content-Length) is read, so that the
# connection can serve the next post; a larger or unsized one is left
# unread and its connection closed.
MAX_DRAINED_REPLY = 4096


class SplitTimeout(float):
    """A read timeout in seconds that also carries a shorter connect one.

    It is a number wherever a number is expected (``requests``, and the
    guard Odoo's test runner puts on every outgoing request, which compares
    the timeout with a number and fails on a ``(connect, read)`` tuple); the
    poster's own adapter turns it back into the split, so an unreachable
    host is given up after the connect time and a slow reply is waited for
    up to the read time.
    """

    def __new__(cls, connect, read):
        timeout = super().__new__(cls, read)
        timeout.connect = float(connect)
        return timeout

    @classmethod
    def of(cls, timeout):
        """``timeout`` (seconds, or a (connect, read) pair) in this form."""
        if isinstance(timeout, tuple | list):
            connect, read = timeout
            return cls(connect, read)
        return cls(timeout, timeout)

    def __repr__(self):
        return f"SplitTimeout(connect={self.connect}, read={float(self)})"


class _SplitTimeoutAdapter(HTTPAdapter):
    """Gives urllib3 the (connect, read) pair a SplitTimeout carries."""

    def send(self, request, timeout=None, **kwargs):
        return super().send(request, timeout=split_pair(timeout), **kwargs)


def split_pair(timeout):
    """What urllib3 gets for ``timeout``: the (connect, read) pair of a
    SplitTimeout, any other value as it is."""
    if isinstance(timeout, SplitTimeout):
        return (timeout.connect, float(timeout))
    return timeout


@dataclass(frozen=True)
class PostOutcome:
    """What became of one post: a problem with the URL (nothing was sent),
    a network error, or the reply's status."""

    problem: str | None = None
    detail: str = ""
    error: Exception | None = None
    status_code: int | None = None
    reason: str = ""
    retry_after: str | None = None


class WebhookPoster:
    """Posts JSON payloads through one session; a context manager."""

    def __init__(self, allowed_hosts=frozenset()):
        self.allowed_hosts = allowed_hosts
        self.session = requests.Session()
        adapter = _SplitTimeoutAdapter()
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        self.session.close()

    def post(self, url, payload, timeout):
        """Check ``url`` (it may have come to resolve to an internal address
        since it was saved), then POST ``payload``; redirects are not
        followed (one could lead inside the network). ``timeout`` is
        seconds or a (connect, read) pair."""
        problem, detail = webhook_safety.check_url(url, self.allowed_hosts)
        if problem:
            return PostOutcome(problem=problem, detail=detail)
        try:
            with self.session.post(
                url,
                json=payload,
                timeout=SplitTimeout.of(timeout),
                allow_redirects=False,
                stream=True,
            ) as response:
                outcome = PostOutcome(
                    status_code=response.status_code,
                    reason=response.reason or "",
                    retry_after=response.headers.get("Retry-After"),
                )
                _drain_small_reply(response)
                return outcome
        except requests.RequestException as error:
            return PostOutcome(error=error)


def _drain_small_reply(response):
    """Read a small reply body so that its connection can be reused."""
    try:
        length = int(response.headers.get("Content-Length", ""))
    except ValueError:
        return
    if 0 <= length <= MAX_DRAINED_REPLY:
        try:
            for _chunk in response.iter_content(1024):
                pass
        except requests.RequestException as error:
            # the status is known; the connection is just not reused
            _logger.debug("Webhook reply body not read: %s", type(error).__name__)
