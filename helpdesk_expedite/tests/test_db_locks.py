"""Crons next to another runner, with real concurrent transactions.

Odoo's transactions are REPEATABLE READ: once another transaction has
changed and committed a row after this one began, this one can no longer
lock or write it ("could not serialize access due to concurrent update").
The tests below make that happen for real: a second cursor (its own
connection) changes a committed demo record while the test's transaction,
begun earlier, still sees the old version. The change is a new version of
the row with the same values (``write_date = write_date``): nothing in the
database differs afterwards.

Each case is a class of its own: once the row has moved on, the class's
transaction can no longer lock it.
"""

import logging
from datetime import timedelta

from psycopg2.errors import SerializationFailure

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..models.db_locks import lock_row, lock_rows, skip_when_locked
from .common import ExpediteCase

DEMO_TICKETS = (
    "helpdesk_mgmt.helpdesk_ticket_3",
    "helpdesk_expedite.helpdesk_ticket_exam_submission",
)


def _touch_elsewhere(registry, table, row_id):
    """Another transaction changes the row and commits."""
    with registry.cursor() as other_cr:
        other_cr.execute(
            SQL(
                "UPDATE %s SET write_date = write_date WHERE id = %s",
                SQL.identifier(table),
                row_id,
            )
        )
        other_cr.commit()


class ConcurrentCase(TransactionCase):
    def _begin(self):
        """Make sure this transaction has its snapshot (it has, after the
        class's set-up; said here for the reader)."""
        self.env.cr.execute("SELECT 1")

    def _demo_tickets(self):
        return [self.env.ref(xmlid).id for xmlid in DEMO_TICKETS]

    def _query(self, ids):
        return SQL(
            "SELECT helpdesk_ticket.id FROM helpdesk_ticket "
            "WHERE helpdesk_ticket.id = ANY(%s) ORDER BY helpdesk_ticket.id",
            ids,
        )


@tagged("post_install", "-at_install")
class TestLockRowsChangedElsewhere(ConcurrentCase):
    def test_a_row_changed_since_this_transaction_began_is_skipped(self):
        self._begin()
        changed, untouched = sorted(self._demo_tickets())
        _touch_elsewhere(self.registry, "helpdesk_ticket", changed)
        # as it was before: PostgreSQL refuses the lock outright
        with self.assertRaises(SerializationFailure), self.env.cr.savepoint():
            self.env.cr.execute(
                SQL("%s FOR UPDATE SKIP LOCKED", self._query([changed])),
                log_exceptions=False,
            )
        with self.assertNoLogs("odoo.sql_db", logging.ERROR):
            locked = lock_rows(
                self.env.cr, "helpdesk_ticket", self._query([changed, untouched]), 10
            )
        self.assertEqual(locked, [untouched])
        self.assertFalse(lock_row(self.env.cr, "helpdesk_ticket", changed))
        self.env.cr.execute("SELECT 1")  # the transaction goes on


@tagged("post_install", "-at_install")
class TestLockRowsHeldElsewhere(ConcurrentCase):
    def test_a_row_held_elsewhere_is_skipped_and_the_limit_kept(self):
        held, free = sorted(self._demo_tickets())
        with self.registry.cursor() as other_cr:
            other_cr.execute(
                "SELECT id FROM helpdesk_ticket WHERE id = %s FOR UPDATE", [held]
            )
            locked = lock_rows(
                self.env.cr, "helpdesk_ticket", self._query([held, free]), 10
            )
            self.assertEqual(locked, [free])
            other_cr.rollback()
        locked = lock_rows(self.env.cr, "helpdesk_ticket", self._query([held, free]), 1)
        self.assertEqual(locked, [held])


@tagged("post_install", "-at_install")
class TestSkipWhenChangedElsewhere(ConcurrentCase):
    def test_a_write_refused_by_postgresql_is_skipped_not_raised(self):
        self._begin()
        ticket = self.env.ref(DEMO_TICKETS[1])
        _touch_elsewhere(self.registry, "helpdesk_ticket", ticket.id)
        with self.assertLogs("odoo.addons.helpdesk_expedite", logging.INFO) as logs:
            with skip_when_locked(self.env.cr, "Test step"):
                self.env.cr.execute(
                    "UPDATE helpdesk_ticket SET write_date = write_date WHERE id = %s",
                    [ticket.id],
                    log_exceptions=False,
                )
        self.assertIn("Test step skipped (could not serialize access", logs.output[0])
        self.env.cr.execute("SELECT 1")  # the transaction is usable


@tagged("post_install", "-at_install")
class TestWatchdogNextToAnotherRunner(ExpediteCase):
    def test_a_ticket_another_runner_changed_is_skipped_the_rest_reported(self):
        demo = self.env.ref(DEMO_TICKETS[1])
        self.assertTrue(demo.next_update_deadline)
        later = demo.next_update_deadline + timedelta(minutes=1)
        with self.at(later - timedelta(minutes=30)):
            ticket = self._create_scenario_ticket()
        self.env.flush_all()
        demo_notes = len(self._notes(demo, "Customer update overdue"))
        _touch_elsewhere(self.registry, "helpdesk_ticket", demo.id)
        with self.at(later), self.assertNoLogs("odoo.sql_db", logging.ERROR):
            self.Ticket._cron_update_watchdog()
        self.assertEqual(len(self._notes(ticket, "Customer update overdue")), 1)
        self.assertEqual(len(self._notes(demo, "Customer update overdue")), demo_notes)
        self.assertNotEqual(demo.watchdog_notified_deadline, demo.next_update_deadline)
