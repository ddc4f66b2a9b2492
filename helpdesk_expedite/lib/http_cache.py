"""Caching of rendered public responses, in one server process.

A response is identified by a key made of everything that changes it (the
database, the company, its status page's version, the language, the route,
...). The ETag is derived from the key alone, so a conditional request is
answered 304 without rendering anything, in any process; the rendered body
is kept in a bounded, thread-safe LRU map per process.
"""

import hashlib
import threading
from collections import OrderedDict

MAX_ENTRIES = 256


class BodyCache:
    """A bounded least-recently-used map, safe across threads."""

    def __init__(self, max_entries=MAX_ENTRIES):
        self.max_entries = max_entries
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key, value):
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self):
        with self._lock:
            self._entries.clear()

    def __len__(self):
        return len(self._entries)


def etag(key):
    """A strong entity tag for ``key`` (a tuple of plain values)."""
    digest = hashlib.sha256(repr(key).encode("utf-8", "backslashreplace"))
    return f'"{digest.hexdigest()[:32]}"'


def none_match(header, tag):
    """Whether an ``If-None-Match`` header value names ``tag``, compared
    weakly (RFC 9110 13.1.2: a proxy that compresses a response makes its
    tag weak). "*" matches nothing here: it would answer 304 for a page
    that does not exist."""
    if not header or not isinstance(header, str) or len(header) > 4096:
        return False
    opaque = tag.removeprefix("W/")
    for candidate in header.split(","):
        candidate = candidate.strip().removeprefix("W/")
        if candidate == opaque:
            return True
    return False
