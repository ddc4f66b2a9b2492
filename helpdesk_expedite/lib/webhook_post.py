"""Posting JSON to webhooks from a few threads at once (no ORM here).

The delivery cron prepares the payloads and records the outcomes in its own
thread; only the network part runs here: the safety check of the URL, right
before its post, then the POST. Each worker thread keeps one HTTP session,
so consecutive posts to the same host reuse the connection (for HTTPS, the
TLS handshake is made once per thread instead of once per post).
"""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests

from . import webhook_safety

_logger = logging.getLogger(__name__)

# A reply body up to this size (by its Content-Length) is read, so that the
# connection can serve the next post; a larger or unsized one is left
# unread and its connection closed.
MAX_DRAINED_REPLY = 4096


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
    """A bounded pool of threads posting JSON payloads.

    Use as a context manager; :meth:`post_all` returns the outcomes in the
    order of the posts given.
    """

    def __init__(self, workers, allowed_hosts=frozenset()):
        self.allowed_hosts = allowed_hosts
        self._local = threading.local()
        self._sessions = []
        self._sessions_lock = threading.Lock()
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, workers), thread_name_prefix="webhook-post"
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        self._pool.shutdown(wait=True)
        with self._sessions_lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()

    def post_all(self, posts, timeout):
        """``posts``: (url, payload) pairs. Returns a :class:`PostOutcome`
        each, once all are done."""
        futures = [
            self._pool.submit(self.post, url, payload, timeout)
            for url, payload in posts
        ]
        return [future.result() for future in futures]

    def post(self, url, payload, timeout):
        """Check ``url`` (it may have come to resolve to an internal address
        since it was saved), then POST ``payload``; redirects are not
        followed (one could lead inside the network)."""
        problem, detail = webhook_safety.check_url(url, self.allowed_hosts)
        if problem:
            return PostOutcome(problem=problem, detail=detail)
        try:
            with self._session().post(
                url,
                json=payload,
                timeout=timeout,
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

    def _session(self):
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            with self._sessions_lock:
                self._sessions.append(session)
        return session


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
