"""Checks of values that come from outside (RPC arguments, field values)
before the add-on or the ORM uses them.

Each check returns the value (normalised where said) or raises
``ArgumentError`` with a message for the caller, composed with the
translator ``_`` it is given (``env._`` in Odoo). ``label`` names what is
checked ("body", "Failure Rate (failure_rate)").
"""

import math

from .text import identity

MAX_ID = 2**31 - 1  # PostgreSQL integer: record ids and Integer columns
MIN_INTEGER = -(2**31)
MAX_INTEGER = 2**31 - 1
# beyond this a float has lost its units digit; an amount, rate or
# duration never needs it
MAX_NUMBER = 1e15
# a single line of text (Char fields): an index entry must hold it
MAX_LINE_CHARS = 2000
MIN_YEAR, MAX_YEAR = 1900, 2999
NAME_COLLECTIONS = (list, tuple, set, frozenset, type({}.keys()))


class ArgumentError(ValueError):
    """A value refused; ``str(error)`` is the message for the caller."""


def describe(value, limit=40):
    """A short, safe rendering of a refused value for a message."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def check_id(value, label, _=identity):
    """A record id: a whole number from 1 to MAX_ID (not a boolean)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 1 <= value <= MAX_ID
    ):
        raise ArgumentError(
            _(
                "%(label)s: a record id (a whole number from 1 to %(max)s) is "
                "expected, not %(value)s.",
                label=label,
                max=MAX_ID,
                value=describe(value),
            )
        )
    return value


def check_ids(values, label, _=identity):
    """A list of record ids."""
    if not isinstance(values, (list, tuple)):
        raise ArgumentError(
            _(
                "%(label)s: a list of record ids is expected, not %(value)s.",
                label=label,
                value=describe(values),
            )
        )
    return [check_id(value, label, _) for value in values]


def check_text(value, label, _=identity, max_chars=None):
    """A text without NUL characters or lone surrogates (PostgreSQL and
    UTF-8 cannot store them), at most ``max_chars`` long."""
    if not isinstance(value, str):
        raise ArgumentError(
            _(
                "%(label)s: a text is expected, not %(value)s.",
                label=label,
                value=describe(value),
            )
        )
    if max_chars is not None and len(value) > max_chars:
        raise ArgumentError(
            _(
                "%(label)s: at most %(max)s characters, not %(count)s.",
                label=label,
                max=max_chars,
                count=len(value),
            )
        )
    if "\x00" in value:
        raise ArgumentError(_("%s: the text contains a NUL character (\\x00).", label))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ArgumentError(
            _("%s: the text is not valid Unicode (a lone surrogate).", label)
        ) from None
    return value


def check_integer(value, label, _=identity, minimum=MIN_INTEGER, maximum=MAX_INTEGER):
    """A whole number from ``minimum`` to ``maximum`` (a float with no
    fractional part is taken as the whole number)."""
    if isinstance(value, float) and value.is_integer():
        _check_range(value, label, _, minimum, maximum)
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentError(
            _(
                "%(label)s: a whole number is expected, not %(value)s.",
                label=label,
                value=describe(value),
            )
        )
    _check_range(value, label, _, minimum, maximum)
    return value


def check_number(value, label, _=identity, minimum=-MAX_NUMBER, maximum=MAX_NUMBER):
    """A finite number from ``minimum`` to ``maximum``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or (isinstance(value, float) and not math.isfinite(value))
    ):
        raise ArgumentError(
            _(
                "%(label)s: a number is expected, not %(value)s.",
                label=label,
                value=describe(value),
            )
        )
    _check_range(value, label, _, minimum, maximum)
    return value


def _check_range(value, label, _, minimum, maximum):
    if not minimum <= value <= maximum:
        raise ArgumentError(
            _(
                "%(label)s: %(value)s is out of range (%(min)s to %(max)s).",
                label=label,
                value=describe(value),
                min=minimum,
                max=maximum,
            )
        )


def check_boolean(value, label, _=identity):
    """True or false (0 and 1 are taken as false and true)."""
    if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
        return bool(value)
    raise ArgumentError(
        _(
            "%(label)s: true or false is expected, not %(value)s.",
            label=label,
            value=describe(value),
        )
    )


def check_choice(value, choices, label, _=identity):
    """One of ``choices``."""
    if (
        isinstance(value, (str, int))
        and not isinstance(value, bool)
        and value in choices
    ):
        return value
    raise ArgumentError(
        _(
            "%(label)s: one of %(choices)s is expected, not %(value)s.",
            label=label,
            choices=", ".join(str(choice) for choice in choices),
            value=describe(value),
        )
    )


def check_year(moment, label, _=identity):
    """A date or datetime between MIN_YEAR and MAX_YEAR (outside, time
    zone arithmetic and formatting overflow)."""
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ArgumentError(
            _(
                "%(label)s: a date from %(min)s to %(max)s is expected.",
                label=label,
                min=MIN_YEAR,
                max=MAX_YEAR,
            )
        )
    return moment


def check_names(values, label, _=identity):
    """A list of names (field names, keys): a list or tuple over RPC; a set
    or a dict's keys from the server's own code."""
    if not isinstance(values, NAME_COLLECTIONS) or not all(
        isinstance(value, str) for value in values
    ):
        raise ArgumentError(
            _(
                "%(label)s: a list of names is expected, not %(value)s.",
                label=label,
                value=describe(values),
            )
        )
    return values
