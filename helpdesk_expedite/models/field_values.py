"""Field values checked by the field's type before a create or a write.

Odoo converts what it is given and fails late, with a ``ValueError`` or a
database error (a text for a number, a number too large for its column, a
NUL character, an unknown selection value...). These checks refuse such a
value up front with a ``ValidationError`` naming the field. Values only
server code can pass (records, dates, ``Command`` tuples, markup) are the
ORM's business and pass through; what JSON can carry is checked.
"""

from datetime import date

from odoo import fields
from odoo.exceptions import ValidationError

from ..lib import arguments, commands

ADDON = "helpdesk_expedite"
# what a JSON-RPC request can carry (the checks below judge these only)
JSON_TYPES = (str, int, float, list, dict, bool)


def checked_fields(model):
    """The fields of ``model`` whose values are checked on every create and
    write: those the add-on adds, and all the fields of its own models."""
    cls = type(model)
    if "_helpdesk_expedite_checked_fields" not in cls.__dict__:
        own_model = cls._original_module == ADDON
        cls._helpdesk_expedite_checked_fields = frozenset(
            name
            for name, field in cls._fields.items()
            if own_model or field._module == ADDON
        )
    return cls._helpdesk_expedite_checked_fields


def is_addon_model(model):
    """Whether the add-on defines, extends or adds fields to ``model``: its
    create and write then check their input."""
    cls = type(model)
    if "_helpdesk_expedite_model" not in cls.__dict__:
        cls._helpdesk_expedite_model = bool(
            cls._original_module == ADDON
            or checked_fields(model)
            or any(_extends(klass, model._name) for klass in cls.mro())
        )
    return cls._helpdesk_expedite_model


def _extends(klass, model_name):
    """Whether ``klass`` is a class of the add-on that extends the model."""
    if not klass.__module__.startswith(f"odoo.addons.{ADDON}."):
        return False
    inherit = klass.__dict__.get("_inherit") or ()
    return model_name in ([inherit] if isinstance(inherit, str) else inherit)


def raise_refused(error):
    raise ValidationError(str(error)) from None


def check_vals_list(model, vals_list, all_fields=False):
    """The values of a create: a list of ``{field: value}``."""
    if isinstance(vals_list, dict):
        vals_list = [vals_list]
    if not isinstance(vals_list, (list, tuple)):
        raise_refused(_not_values(model, vals_list))
    for vals in vals_list:
        check_vals(model, vals, all_fields)
    return vals_list


def check_vals(model, vals, all_fields=False):
    """The values of a write or of one record's create: ``{field: value}``
    with known field names (all fields when ``all_fields``, else those the
    add-on checks) and values of the field's type."""
    if not isinstance(vals, dict):
        raise_refused(_not_values(model, vals))
    names = None if all_fields else checked_fields(model)
    for name, value in vals.items():
        field = model._fields.get(name) if isinstance(name, str) else None
        if field is None:
            if all_fields:
                raise ValidationError(
                    model.env._(
                        "%(model)s has no field %(field)s.",
                        model=model._name,
                        field=arguments.describe(name),
                    )
                )
            continue
        if names is None or name in names:
            try:
                check_value(model, field, value)
            except arguments.ArgumentError as error:
                raise_refused(error)


def _not_values(model, value):
    return arguments.ArgumentError(
        model.env._(
            "%(model)s: values are given as {field: value}, not %(value)s.",
            model=model._name,
            value=arguments.describe(value),
        )
    )


def check_value(model, field, value):
    """Raise ArgumentError when ``value`` does not fit ``field``."""
    if value is None or value is False or not isinstance(value, JSON_TYPES):
        return
    _ = model.env._
    label = f"{field._description_string(model.env)} ({field.name})"
    kind = field.type
    if kind in ("char", "text", "html"):
        limit = (field.size or arguments.MAX_LINE_CHARS) if kind == "char" else None
        arguments.check_text(value, label, _, limit)
    elif kind == "integer":
        arguments.check_integer(value, label, _)
    elif kind in ("float", "monetary"):
        arguments.check_number(value, label, _)
    elif kind == "boolean":
        arguments.check_boolean(value, label, _)
    elif kind == "selection":
        arguments.check_choice(value, field.get_values(model.env), label, _)
    elif kind == "many2one":
        arguments.check_id(value, label, _)
    elif kind in ("one2many", "many2many"):
        comodel = model.env[field.comodel_name]
        commands.check_commands(
            value, label, lambda vals: check_vals(comodel, vals, all_fields=True), _
        )
    elif kind in ("date", "datetime"):
        _check_moment(field, value, label, _)
    elif isinstance(value, str):
        arguments.check_text(value, label, _)


def _check_moment(field, value, label, _):
    parse = fields.Date.to_date if field.type == "date" else fields.Datetime.to_datetime
    try:
        moment = parse(value) if isinstance(value, str) else None
    except (TypeError, ValueError):
        moment = None
    if not isinstance(moment, date):
        raise arguments.ArgumentError(
            _(
                "%(label)s: a date (YYYY-MM-DD) or date and time "
                "(YYYY-MM-DD HH:MM:SS) is expected, not %(value)s.",
                label=label,
                value=arguments.describe(value),
            )
        )
    arguments.check_year(moment, label, _)
