"""Fields that only the add-on's own actions may set.

``readonly=True`` binds the user interface only: over RPC any field can be
written. The incident's milestones and states are evidence (time to
acknowledge, monitoring passed, customer confirmed), so the models refuse
them from callers and the add-on's actions write them inside
``system_write()``. The flag lives in a context variable, not in the
record's context, because an RPC caller can set any context key.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from odoo.exceptions import AccessError

from .public_method import public_method


def context_flag(name):
    """A flag raised for the duration of a ``with`` block (per thread and
    task). Returns ``(raised, is_raised)``: ``with raised(): ...`` and
    ``is_raised()``. Unlike a context key, an RPC caller cannot set it."""
    var = ContextVar(name, default=False)

    @contextmanager
    def raised():
        token = var.set(True)
        try:
            yield
        finally:
            var.reset(token)

    return raised, var.get


# inside it, the add-on's actions may set guarded fields (the caller's
# access rights on the records are still checked by the ORM)
system_write, _system_write_raised = context_flag("helpdesk_expedite_system_write")


def writing_as_system(env):
    """Whether guarded fields may be written now."""
    return env.su or _system_write_raised()


def incident_action(method=None, **specs):
    """Decorate a public action that changes incident records: its input is
    checked (``public_method``, ``specs`` for its arguments), the caller
    must be allowed to write the records, then the action may set guarded
    fields. Used bare (``@incident_action``) or with specs."""
    decorate = public_method(access="write", around=system_write, **specs)
    return decorate(method) if method else decorate


def check_guarded_fields(model, vals_list, guarded=None):
    """Raise AccessError when a caller sets one of the model's guarded
    fields (``_get_guarded_fields()``, or ``guarded`` when given)."""
    if writing_as_system(model.env):
        return
    given = set().union(*vals_list) & (guarded or model._get_guarded_fields())
    if given:
        raise AccessError(
            model.env._(
                "%(fields)s of %(model)s are set by the incident's actions "
                "(acknowledge, resolve, log monitoring, confirm, close), not "
                "written directly.",
                fields=", ".join(sorted(model._fields[name].string for name in given)),
                model=model._description,
            )
        )


def check_guarded_defaults(model):
    """Refuse ``default_<field>`` context keys for guarded fields: over RPC a
    context default would set them on create."""
    defaults = {
        key.removeprefix("default_")
        for key in model.env.context
        if isinstance(key, str) and key.startswith("default_")
    }
    check_guarded_fields(model, [defaults])
