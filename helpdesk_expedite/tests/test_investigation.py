"""Evidence of how an incident was run stays as it was.

Monitoring checks, sent escalations and sent customer updates are what the
verdict, the closure gate and the handling score are drawn from. Agents
add to them and never change or delete them; a helpdesk manager may delete
one, and the ticket's chatter says who deleted what.
"""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ExpediteCase


@tagged("post_install", "-at_install")
class TestEvidence(ExpediteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._create_scenario_ticket()
        cls.ticket.action_escalate(cls.dev_team.id)  # its mail is queued
        cls._send_escalation_mails(cls.ticket.escalation_ids)  # then sent
        cls._resolve(cls.ticket)
        cls.ticket.action_log_monitoring(100.0, note="Clean")
        cls.ticket.monitoring_end_date = fields.Datetime.now() - timedelta(minutes=1)
        cls.ticket.action_log_monitoring(100.0, note="Clean at the end")
        cls.escalation = cls.ticket.escalation_ids
        cls.check = cls.ticket.monitoring_log_ids[:1]
        cls.update = cls.ticket.status_update_ids[:1]

    def test_the_incident_has_its_evidence(self):
        self.assertEqual(self.escalation.state, "sent")
        self.assertEqual(self.ticket.monitoring_state, "passed")
        self.assertEqual(len(self.ticket.monitoring_log_ids), 2)
        self.assertTrue(self.update)

    def test_an_agent_cannot_delete_a_monitoring_check(self):
        score = self.ticket.handling_score
        with self.assertRaisesRegex(AccessError, "evidence"):
            self.check.with_user(self.agent).unlink()
        self.assertTrue(self.check.exists())
        self.assertEqual(self.ticket.monitoring_state, "passed")
        self.assertEqual(self.ticket.handling_score, score)

    def test_an_agent_cannot_delete_a_sent_escalation_nor_rewrite_it(self):
        with self.assertRaisesRegex(AccessError, "evidence"):
            self.escalation.with_user(self.agent).unlink()
        with self.assertRaisesRegex(AccessError, "evidence"):
            self.escalation.with_user(self.agent).write({"summary": "Nothing happened"})
        self.assertTrue(self.escalation.exists())
        self.assertIn("53", self.escalation.summary)

    def test_an_agent_may_delete_an_escalation_never_sent(self):
        draft = (
            self.env["helpdesk.ticket.escalation"]
            .with_user(self.agent)
            .create(
                {
                    "ticket_id": self.ticket.id,
                    "target_id": self.dev_team.id,
                    "summary": "x",
                }
            )
        )
        self.assertEqual(draft.state, "draft")
        draft.write({"summary": "Draft, edited"})
        draft.unlink()
        self.assertFalse(draft.exists())

    def test_an_agent_cannot_delete_a_sent_customer_update(self):
        with self.assertRaises(AccessError):
            self.update.with_user(self.agent).unlink()
        self.assertTrue(self.update.exists())

    def test_a_manager_deletes_evidence_and_the_chatter_says_so(self):
        label = self.check.with_user(self.manager)._evidence_label()
        self.check.with_user(self.manager).unlink()
        self.escalation.with_user(self.manager).unlink()
        self.update.with_user(self.manager).unlink()
        bodies = "\n".join(self.ticket.message_ids.mapped("body"))
        self.assertIn(f"Helpdesk Manager deleted {self.check._description}", bodies)
        self.assertIn(label, bodies)
        self.assertIn("Helpdesk Ticket Escalation", bodies)
        self.assertIn("Helpdesk Ticket Customer Update", bodies)

    def test_the_label_names_the_check_facts(self):
        label = self.check._evidence_label()
        self.assertIn("100.0 % success", label)
        self.assertIn("0 timeout errors", label)
        self.assertIn("manual test passed", label)
