"""Nothing internal reaches the customer; what the customer sees is escaped.

A ticket is worked end to end with a distinctive marker in every internal
place (escalation summary, check result, findings, preliminary assessment,
internal note, monitoring note, monitoring token). The customer's portal
page, portal chatter and the customer emails (acknowledgement, status update,
closure summary; mail mocked at the gateway) must show none of them.
"""

import json
from datetime import timedelta

from odoo import Command, fields, http
from odoo.tests import tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import PortalIncidentCase

XSS = "<script>alert(1)</script>"
XSS_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
MARKERS = {
    "escalation summary": "LEAKMARK-ESCALATION-7f1",
    "check result": "LEAKMARK-CHECK-8a2",
    "findings": "LEAKMARK-FINDINGS-9b3",
    "preliminary assessment": "LEAKMARK-ASSESSMENT-0c4",
    "internal note": "LEAKMARK-NOTE-1d5",
    "monitoring note": "LEAKMARK-MONITORING-2e6",
    "monitoring token": "LEAKMARK-TOKEN-3f7",
}
CUSTOMER_ADDRESSES = ("coordinator@example.com", "director@example.com")


@tagged("post_install", "-at_install")
class TestNoLeaks(PortalIncidentCase):
    def _work_the_ticket(self):
        """The scenario, worked up to the fix being watched; markers planted."""
        ticket = self._create_ticket(
            critical_activity_blocked=True,
            executive_partner_ids=[Command.set(self.executive.ids)],
            error_message=f"System error {XSS}",
            business_impact=f"Final exams blocked {XSS}",
        )
        self.assertEqual(ticket.class_of_service, "expedite")
        ticket.sudo().monitoring_token = MARKERS["monitoring token"]
        check = ticket.check_ids[:1] or self.env["helpdesk.ticket.check"].create(
            {"ticket_id": ticket.id, "name": "Error logs"}
        )
        check.write({"state": "issue_found", "result": MARKERS["check result"]})
        ticket.write(
            {
                "findings": f"<p>{MARKERS['findings']}</p>",
                "preliminary_assessment": MARKERS["preliminary assessment"],
            }
        )
        ticket.message_post(body=MARKERS["internal note"], subtype_xmlid="mail.mt_note")
        ticket.action_escalate(self.dev_team.id)
        ticket.escalation_ids.write(
            {
                "summary": MARKERS["escalation summary"]
                + "\n"
                + ticket.escalation_ids[0].summary
            }
        )
        ticket.action_post_status_update(f"Cause found: {XSS}")
        self._resolve(ticket)
        ticket.action_log_monitoring(100.0, note=MARKERS["monitoring note"])
        ticket.monitoring_end_date = fields.Datetime.now() - timedelta(minutes=1)
        ticket.action_log_monitoring(100.0, note=MARKERS["monitoring note"])
        self.assertEqual(ticket.monitoring_state, "passed")
        return ticket

    def _customer_mail_bodies(self):
        """Subject -> bodies of what went (or is queued) to the customer side:
        mails handed to the gateway, and outgoing mail.mail records (mails
        sent after commit never reach the gateway in a test transaction)."""
        bodies = {}
        for mail in self._mails:
            recipients = " ".join(mail["email_to"] or []) + " ".join(
                mail.get("email_cc") or []
            )
            if any(address in recipients for address in CUSTOMER_ADDRESSES):
                bodies.setdefault(mail["subject"], []).append(mail["body"] or "")
        for mail in self._new_mails:
            recipients = " ".join(mail.recipient_ids.mapped("email")) + (
                mail.email_to or ""
            )
            if any(address in recipients for address in CUSTOMER_ADDRESSES):
                bodies.setdefault(mail.subject, []).append(str(mail.body_html or ""))
        return bodies

    def _assert_clean(self, text, where, html=True):
        for place, marker in MARKERS.items():
            self.assertNotIn(marker, text, f"the {place} leaked into {where}")
        if html:
            self.assertNotIn(XSS, text, f"unescaped script in {where}")

    def test_portal_page_and_customer_mails_leak_nothing(self):
        with self.mock_mail_gateway():
            ticket = self._work_the_ticket()
            self.authenticate("incident_customer", "incident_customer")
            page = self.url_open(f"/my/ticket/{ticket.id}").text
            self._assert_clean(page, "the portal page")
            self.assertIn('id="incident_confirm_button"', page)
            self.assertIn(XSS_ESCAPED, page, "the update body is shown, escaped")
            chatter = self.make_jsonrpc_request(
                "/mail/chatter_fetch",
                {
                    "thread_model": "helpdesk.ticket",
                    "thread_id": ticket.id,
                    "limit": 100,
                    "token": ticket._portal_ensure_token(),
                },
            )
            self._assert_clean(json.dumps(chatter), "the portal chatter")
            # the customer confirms: the ticket closes, the summary goes out
            response = self.url_open(
                f"/my/ticket/{ticket.id}/confirm_resolution",
                data={"csrf_token": http.Request.csrf_token(self)},
            )
            self.assertEqual(response.status_code, 200)
            self.assertTrue(ticket.closed)
            self._assert_clean(response.text, "the closed ticket's portal page")

        bodies = self._customer_mail_bodies()
        subjects = " | ".join(bodies)
        for expected in ("We are on it", "Update:", "Resolved and closed"):
            self.assertIn(expected, subjects, f"no '{expected}' mail to the customer")
        for subject, texts in bodies.items():
            for text in texts:
                self._assert_clean(text, f"the mail '{subject}'")
                self._assert_clean(subject, "a mail subject")
        all_text = "\n".join(text for texts in bodies.values() for text in texts)
        self.assertIn(XSS_ESCAPED, all_text, "the update and error are shown, escaped")

    @mute_logger("odoo.http")  # the refusal is logged as a warning
    def test_portal_user_cannot_read_internal_fields_over_rpc(self):
        ticket = self._work_the_ticket()
        self.authenticate("incident_customer", "incident_customer")
        for field in (
            "findings",
            "preliminary_assessment",
            "check_ids",
            "escalation_ids",
            "monitoring_log_ids",
            "monitoring_token",
        ):
            with (
                self.subTest(field=field),
                self.assertRaisesRegex(JsonRpcException, "AccessError"),
            ):
                self.make_jsonrpc_request(
                    "/web/dataset/call_kw/helpdesk.ticket/read",
                    {
                        "model": "helpdesk.ticket",
                        "method": "read",
                        "args": [[ticket.id], [field]],
                        "kwargs": {},
                    },
                )
        # every field the portal user is offered: none of the internal ones
        offered = self.make_jsonrpc_request(
            "/web/dataset/call_kw/helpdesk.ticket/fields_get",
            {
                "model": "helpdesk.ticket",
                "method": "fields_get",
                "args": [],
                "kwargs": {"attributes": ["type"]},
            },
        )
        for field in (
            "findings",
            "check_ids",
            "escalation_ids",
            "monitoring_token",
            "closure_override_reason",
        ):
            self.assertNotIn(field, offered)
        # helpdesk_mgmt's attachment_ids is unreadable for portal users anyway
        readable = [name for name in offered if name != "attachment_ids"]
        result = self.make_jsonrpc_request(
            "/web/dataset/call_kw/helpdesk.ticket/read",
            {
                "model": "helpdesk.ticket",
                "method": "read",
                "args": [[ticket.id], readable],
                "kwargs": {},
            },
        )
        # JSON data, not HTML: only the markers matter here
        self._assert_clean(
            json.dumps(result, default=str), "an RPC read of the ticket", html=False
        )
        self.assertEqual(result[0]["affected_user_count"], 53)
