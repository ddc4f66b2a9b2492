"""The value of a one2many or many2many field from outside: a list of
record ids, or a list of commands ``(operation, id, values)``."""

from .arguments import ArgumentError, check_id, check_ids, describe
from .text import identity

# the commands' operations: create, update, delete, unlink, link, clear, set
CREATE, UPDATE, DELETE, UNLINK, LINK, CLEAR, SET = range(7)


def check_commands(value, label, check_values, _=identity):
    """The value of a one2many or many2many field: a list of record ids or
    a list of commands ``[(operation, id, values)]``; ``check_values``
    checks the values of a create or update command."""
    if not isinstance(value, (list, tuple)):
        raise _bad_commands(value, label, _)
    if value and not isinstance(value[0], (list, tuple)):
        return check_ids(value, label, _)
    for command in value:
        if (
            not isinstance(command, (list, tuple))
            or not command
            or isinstance(command[0], bool)
            or command[0] not in range(7)
        ):
            raise _bad_commands(command, label, _)
        _check_command(command, label, check_values, _)
    return value


def _check_command(command, label, check_values, _):
    operation, size = command[0], len(command)
    if operation in (CREATE, UPDATE, SET) and size != 3:
        raise _bad_commands(command, label, _)
    if operation in (UPDATE, DELETE, UNLINK, LINK):
        if size < 2:
            raise _bad_commands(command, label, _)
        check_id(command[1], label, _)
    if operation in (CREATE, UPDATE):
        if not isinstance(command[2], dict):
            raise _bad_commands(command, label, _)
        check_values(command[2])
    elif operation == SET:
        check_ids(command[2], label, _)


def _bad_commands(value, label, _):
    return ArgumentError(
        _(
            "%(label)s: a list of record ids or of commands (operation, id, "
            "values) is expected, not %(value)s.",
            label=label,
            value=describe(value),
        )
    )
