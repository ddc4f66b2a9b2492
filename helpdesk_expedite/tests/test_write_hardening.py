"""The tracking shortcut (ticket._track_prepare): a change of an
add-on tracked field must reach the chatter, with its true old value, even
when a flush inside the write recomputes it."""

from odoo import Command
from odoo.tests import tagged

from .common import ExpediteCase


@tagged("post_install", "-at_install")
class TestTrackingThroughAFlush(ExpediteCase):
    def setUp(self):
        super().setUp()
        self.ticket = self._create_ticket(
            groups=[("LAW301-HN", "Hanoi", 10), ("LAW302-HN", "Hanoi", 0)]
        ).with_context(mail_notrack=False)
        self._commit_tracking()

    def _commit_tracking(self):
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _tracking(self, name):
        self._commit_tracking()
        self.ticket.invalidate_recordset(["message_ids"])
        return [
            (value.old_value_integer, value.new_value_integer)
            for value in self.ticket.message_ids.tracking_value_ids
            if value.field_id.name == name
        ]

    def test_users_changed_and_an_empty_group_removed_in_one_save(self):
        first, empty = self.ticket.impact_line_ids
        self.assertEqual(self.ticket.affected_user_count, 10)
        # one save of the form: a group's users changed, an empty row removed
        # (removing a line flushes, inside the write)
        self.ticket.write(
            {
                "impact_line_ids": [
                    Command.update(first.id, {"affected_users": 50}),
                    Command.delete(empty.id),
                ]
            }
        )
        self.assertEqual(self.ticket.affected_user_count, 50)
        self.assertEqual(self._tracking("affected_user_count"), [(10, 50)])

    def test_executives_added_while_a_group_is_removed(self):
        self.assertFalse(self.ticket.executive_involved)
        empty = self.ticket.impact_line_ids[1]
        self.ticket.write(
            {
                "executive_partner_ids": [Command.set(self.executive.ids)],
                "impact_line_ids": [Command.delete(empty.id)],
            }
        )
        self.assertTrue(self.ticket.executive_involved)
        self._commit_tracking()
        self.ticket.invalidate_recordset(["message_ids"])
        self.assertIn(
            "executive_involved",
            self.ticket.message_ids.tracking_value_ids.field_id.mapped("name"),
        )


@tagged("post_install", "-at_install")
class TestCallerContext(ExpediteCase):
    def test_a_callers_context_key_does_not_skip_the_classification(self):
        """Any RPC caller sets any context key (see lifecycle_guard): an
        agent adding 40 affected users must not keep the ticket Standard by
        passing the add-on's own "defer" key."""
        ticket = self._create_ticket(groups=[("WEB102-HN", "Hanoi", 5)])
        self.assertEqual(ticket.class_of_service, "standard")
        ticket.with_user(self.agent).with_context(
            helpdesk_expedite_defer_classification=True
        ).write(
            {
                "impact_line_ids": [
                    Command.create({"name": "DATA101-SG", "affected_users": 40})
                ]
            }
        )
        self.assertEqual(ticket.affected_user_count, 45)
        self.assertEqual(ticket.class_of_service, "expedite")
