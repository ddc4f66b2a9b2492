"""What a visitor gives the status page's subscription form, checked.

Plain functions (no ORM): the address (one mailbox, normalised as Odoo
normalises addresses: lower case) and the components chosen (ids).
"""

import re

MAX_EMAIL_LENGTH = 254  # RFC 5321's path limit
MAX_LOCAL_LENGTH = 64
MAX_COMPONENTS = 100
MAX_ID = 2**31 - 1
# one mailbox, ASCII: the local part of RFC 5322's dot-atom, a domain of
# labels with a dot
_LOCAL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
)
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


class InputError(ValueError):
    """What the visitor gave cannot be used; ``args[0]`` says which input
    ("email" or "components")."""


def normalize_email(value):
    """The address ``value`` in lower case, or InputError("email")."""
    if not isinstance(value, str):
        raise InputError("email")
    address = value.strip()
    if not address or len(address) > MAX_EMAIL_LENGTH or address.count("@") != 1:
        raise InputError("email")
    local, domain = address.split("@")
    labels = domain.split(".")
    if (
        len(local) > MAX_LOCAL_LENGTH
        or not _LOCAL.fullmatch(local)
        or len(labels) < 2
        or not all(_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise InputError("email")
    return address.lower()


def parse_component_ids(values, max_count=MAX_COMPONENTS):
    """The sorted distinct ids in ``values`` (texts or numbers from a form
    or a call), or InputError("components")."""
    if values is None:
        return []
    if isinstance(values, (str, int)):
        values = [values]
    if not isinstance(values, (list, tuple)) or len(values) > max_count:
        raise InputError("components")
    ids = set()
    for value in values:
        if isinstance(value, bool):
            raise InputError("components")
        if isinstance(value, str):
            value = value.strip()
            if not value.isascii() or not value.isdigit() or len(value) > 10:
                raise InputError("components")
            value = int(value)
        if not isinstance(value, int) or not 0 < value <= MAX_ID:
            raise InputError("components")
        ids.add(value)
    return sorted(ids)
