"""What an upgrade from the full indexes leaves, and a major
incident created with its reporters already linked."""

from odoo import Command
from odoo.tests import tagged

from ..models.helpdesk_ticket.ticket import OBSOLETE_INDEXED_COLUMNS
from .common import ExpediteCase


@tagged("post_install", "-at_install")
class TestUpgradeAndCreate(ExpediteCase):
    def _indexes(self):
        self.env.cr.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = 'helpdesk_ticket'"
        )
        return dict(self.env.cr.fetchall())

    def test_init_replaces_the_full_indexes_of_earlier_versions(self):
        cr = self.env.cr
        for column in OBSOLETE_INDEXED_COLUMNS:
            cr.execute(
                f'CREATE INDEX IF NOT EXISTS "helpdesk_ticket__{column}_index" '
                f'ON helpdesk_ticket ("{column}")'
            )
        cr.execute('DROP INDEX "helpdesk_ticket_class_of_service_partial_index"')
        self.env["helpdesk.ticket"].init()
        indexes = self._indexes()
        for column in OBSOLETE_INDEXED_COLUMNS:
            self.assertNotIn(f"helpdesk_ticket__{column}_index", indexes)
        for column in self.env["helpdesk.ticket"]._get_partial_indexes():
            self.assertIn(" WHERE ", indexes[f"helpdesk_ticket_{column}_partial_index"])

    def test_a_major_created_with_its_reporters_counts_them(self):
        reporter = self._create_ticket(groups=[])
        major = self.Ticket.create(
            self._ticket_vals(
                name="Major created with its reporter",
                # classified after the create, but checked by the link inside
                class_of_service="expedite",
                linked_ticket_ids=[Command.link(reporter.id)],
            )
        )
        self.assertEqual(reporter.major_incident_id, major)
        self.assertEqual(major.linked_ticket_count, 1)
        self.env.invalidate_all()
        self.assertEqual(major.linked_ticket_count, 1)
