"""Plain-text helpers shared by the decision functions."""

import re

# what ends a line in a mail header or on a screen, Unicode's breaks included
_LINE_BREAKS = re.compile("[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")


def identity(source, *args, **kwargs):
    """Default translator: formats like ``env._(source, *args, **kwargs)``
    without translating, for callers outside Odoo (tests, scripts)."""
    if args or kwargs:
        return source % (args or kwargs)
    return source


def single_line(value):
    """``value`` with each run of line breaks made one space, and trimmed
    when it had any; anything but a string unchanged.

    A ticket's title is written by customers (portal form, mail gateway,
    RPC) and goes into mail subjects: a line break there would end the
    header and start another one ("Bcc: ...")."""
    if not isinstance(value, str) or not _LINE_BREAKS.search(value):
        return value
    return _LINE_BREAKS.sub(" ", value).strip()
