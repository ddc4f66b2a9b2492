"""Plain-text helpers shared by the decision functions."""


def identity(source, *args, **kwargs):
    """Default translator: formats like ``env._(source, *args, **kwargs)``
    without translating, for callers outside Odoo (tests, scripts)."""
    if args or kwargs:
        return source % (args or kwargs)
    return source
