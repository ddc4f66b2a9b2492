"""The checks of one2many/many2many values, ids or commands
(lib/commands.py): no database."""

from odoo.addons.helpdesk_expedite.lib import commands
from odoo.addons.helpdesk_expedite.lib.arguments import ArgumentError

from .common import PureCase, table


class TestCommands(PureCase):
    def test_commands_accepted(self):
        seen = []
        value = [
            (0, 0, {"name": "A"}),
            [0, "virtual_1", {"name": "B"}],
            [1, 7, {"name": "C"}],
            [2, 7],
            [3, 7, False],
            [4, 7],
            [5],
            [6, False, [1, 2]],
        ]
        self.assertEqual(commands.check_commands(value, "lines", seen.append), value)
        self.assertEqual(seen, [{"name": "A"}, {"name": "B"}, {"name": "C"}])
        self.assertEqual(commands.check_commands([3, 4], "lines", seen.append), [3, 4])

    @table(
        "abc",
        5,
        {"0": 1},
        [[0]],
        [[9, 1, 1]],
        [[True, 1]],
        [[0, 0, "x"]],
        [[1, 2**40, {}]],
        [[4]],
        [[4, "1"]],
        [[6, 0, "x"]],
        [[6, 0, [None]]],
        [[4, 1], 2],
        [1, [4, 1]],
    )
    def test_commands_refused(self, value):
        with self.assertRaisesRegex(ArgumentError, "lines: "):
            commands.check_commands(value, "lines", lambda vals: None)
