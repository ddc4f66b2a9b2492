"""The door of the add-on's public methods: what an RPC caller may send.

``public_method`` checks, before the method runs: the arguments against
its signature (a missing or extra argument is a clear error, not a
TypeError), the record ids, the number of records when the method works on
one, the caller's access to the records, then each argument given a
``Spec``. Refusals are ``ValidationError`` (``AccessError`` for access).
``lifecycle_guard.incident_action`` is a public method that needs write
access and then may set guarded fields.

Every public method of the add-on carries ``CHECKED`` and the ``ACCESS``
it requires: tests enumerate them from the registry and fail on one
without the checks, or on an action that changes records without
requiring write access.
"""

import functools
import inspect
from contextlib import nullcontext

from odoo.exceptions import ValidationError
from odoo.models import NewId

from ..lib import arguments
from . import field_values

CHECKED = "_helpdesk_expedite_checks_input"
# the access a public method requires on its records ("write" for those
# that change them), read by the test that enumerates them
ACCESS = "_helpdesk_expedite_access"


def refused(error):
    """The ValidationError of an ArgumentError."""
    return ValidationError(str(error))


def mark_checked(function):
    """Mark ``function`` as a public method that checks its own input."""
    setattr(function, CHECKED, True)
    return function


def check_record_ids(records):
    """The ids of ``records`` as an RPC caller gave them: whole numbers."""
    for record_id in records._ids:
        if not isinstance(record_id, NewId):
            try:
                arguments.check_id(record_id, records._name, records.env._)
            except arguments.ArgumentError as error:
                raise refused(error) from None


def visible_record(model, record_id):
    """The record ``record_id`` of ``model``, when it exists and the user
    may read it; the same refusal otherwise, so that an id the user may not
    see answers as one that does not exist."""
    record = model.browse(record_id)
    if not record.exists() or not record.has_access("read"):
        raise ValidationError(
            model.env._(
                "%(model)s %(id)s does not exist or is not visible to you.",
                model=model.env["ir.model"]._get(model._name).name,
                id=record_id,
            )
        )
    return record


class Spec:
    """How one argument is checked; ``check`` returns the value passed on."""

    def __init__(self, required=True):
        self.required = required

    def check(self, model, value, label):
        if not self.required and (value is None or value is False):
            return value
        try:
            return self._check(model, value, label, model.env._)
        except arguments.ArgumentError as error:
            raise refused(error) from None

    def _check(self, model, value, label, _):
        raise NotImplementedError


class Record(Spec):
    """The id of a record of ``model_name`` the user may read."""

    def __init__(self, model_name, required=True):
        super().__init__(required)
        self.model_name = model_name

    def _check(self, model, value, label, _):
        record_id = arguments.check_id(value, label, _)
        visible_record(model.env[self.model_name], record_id)
        return record_id


class Text(Spec):
    def __init__(self, max_chars=None, required=True):
        super().__init__(required)
        self.max_chars = max_chars

    def _check(self, model, value, label, _):
        return arguments.check_text(value, label, _, self.max_chars)


class Boolean(Spec):
    def _check(self, model, value, label, _):
        return arguments.check_boolean(value, label, _)


class Choice(Spec):
    def __init__(self, choices, required=True):
        super().__init__(required)
        self.choices = tuple(choices)

    def _check(self, model, value, label, _):
        return arguments.check_choice(value, self.choices, label, _)


class Instance(Spec):
    """An object only server code passes (a workbook, records): no value
    an RPC caller can send is one."""

    def __init__(self, *types, required=True):
        super().__init__(required)
        self.types = types

    def _check(self, model, value, label, _):
        if not isinstance(value, self.types):
            raise arguments.ArgumentError(
                _(
                    "%(label)s: %(kind)s is expected, not %(value)s.",
                    label=label,
                    kind=" or ".join(kind.__name__ for kind in self.types),
                    value=arguments.describe(value),
                )
            )
        return value


class Names(Spec):
    """A list of names (e.g. of fields)."""

    def _check(self, model, value, label, _):
        return arguments.check_names(value, label, _)


class Values(Spec):
    """``{field: value}`` for the model: every key a field of it, every
    value of its field's type (``all_fields=False``: only the values of the
    fields the add-on checks, see field_values)."""

    def __init__(self, all_fields=True, required=True):
        super().__init__(required)
        self.all_fields = all_fields

    def _check(self, model, value, label, _):
        field_values.check_vals(model, value, self.all_fields)
        return value


class ValuesList(Values):
    """A list of ``{field: value}`` for the model (or one)."""

    def _check(self, model, value, label, _):
        return field_values.check_vals_list(model, value, self.all_fields)


def _bind(records, signature, name, args, kwargs):
    try:
        return signature.bind(records, *args, **kwargs)
    except TypeError as error:
        raise ValidationError(
            records.env._(
                "%(model)s.%(method)s: %(error)s.",
                model=records._name,
                method=name,
                error=error,
            )
        ) from None


def _check_single(records, name):
    if len(records) != 1:
        raise ValidationError(
            records.env._(
                "%(model)s.%(method)s works on one record at a time, not %(count)s.",
                model=records._name,
                method=name,
                count=len(records),
            )
        )


def public_method(access=None, single=False, around=None, when=None, **specs):
    """Decorate a method callable over RPC (see the module's docstring).
    Put it above ``api.model_create_multi``: the checks then come first.

    ``access``: the operation the caller must be allowed on the records
    ("read", "write"...; None when the ORM checks it, as create and write
    do); ``single``: the method works on exactly one record; ``around``: a
    context manager factory the method runs in; ``when``: a predicate on
    the records, the checks are skipped when it is false; ``specs``:
    {argument name: Spec}."""

    def decorate(method):
        signature = inspect.signature(method)
        unknown = set(specs) - set(signature.parameters)
        assert not unknown, f"{method.__name__}: no argument {unknown}"

        @functools.wraps(method)
        def checked(self, *args, **kwargs):
            if when is not None and not when(self):
                return method(self, *args, **kwargs)
            bound = _bind(self, signature, method.__name__, args, kwargs)
            check_record_ids(self)
            if single:
                _check_single(self, method.__name__)
            if access:
                self.check_access(access)
            for name, spec in specs.items():
                if name in bound.arguments:
                    bound.arguments[name] = spec.check(
                        self, bound.arguments[name], name
                    )
            with around() if around else nullcontext():
                return method(*bound.args, **bound.kwargs)

        setattr(checked, ACCESS, access)
        return mark_checked(checked)

    return decorate
