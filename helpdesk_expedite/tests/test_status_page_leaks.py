"""Nothing internal of a ticket reaches the public status page.

The scenario's incident is worked end to end with a distinctive marker in
every internal field (customer, names, emails, groups, internal notes, the
title the customer wrote, descriptions, escalations, checks, root cause,
monitoring notes, ...), then published under a public title. Every page,
the feed and every JSON document of both companies, fetched as an
anonymous visitor in both languages, must show none of the markers; what
the visitor may see (public title, public updates) is escaped. Nor does any
mail to the page's subscribers (English and Vietnamese ones), subject,
body or headers.
"""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .status_page_case import StatusPageHttpCase
from .subscription_case import SubscriptionMixin
from .test_status_page_http import JSON_DOCUMENTS, api

XSS = "<script>alert(1)</script>"
MARKERS = {
    "title the customer wrote": "LEAKMARK-TITLE-a01",
    "description": "LEAKMARK-DESCRIPTION-a02",
    "customer name": "LEAKMARK-CUSTOMER-a03",
    "customer email": "leakmark-customer-a04@example.com",
    "reporter name": "LEAKMARK-REPORTER-a05",
    "reporter email": "leakmark-reporter-a06@example.com",
    "executive name": "LEAKMARK-EXECUTIVE-a07",
    "executive email": "leakmark-executive-a08@example.com",
    "affected group": "LEAKMARK-GROUP-a09",
    "group location": "LEAKMARK-LOCATION-a10",
    "error message": "LEAKMARK-ERROR-a11",
    "affected service": "LEAKMARK-SERVICE-a12",
    "business impact": "LEAKMARK-BUSINESS-a13",
    "internal notes field": "LEAKMARK-NOTES-a14",
    "internal chatter note": "LEAKMARK-CHATTER-a15",
    "findings": "LEAKMARK-FINDINGS-a16",
    "preliminary assessment": "LEAKMARK-ASSESSMENT-a17",
    "check result": "LEAKMARK-CHECK-a18",
    "escalation summary": "LEAKMARK-ESCALATION-a19",
    "root cause": "LEAKMARK-ROOTCAUSE-a20",
    "resolution summary": "LEAKMARK-RESOLUTION-a21",
    "corrective action": "LEAKMARK-ACTION-a22",
    "monitoring note": "LEAKMARK-MONITORING-a23",
    "update for the customer only": "LEAKMARK-PRIVATE-UPDATE-a24",
    "team": "LEAKMARK-TEAM-a25",
    "agent name": "LEAKMARK-AGENT-a26",
    "tag": "LEAKMARK-TAG-a27",
    "lock reason": "LEAKMARK-LOCK-a28",
    "unpublished incident's public title": "LEAKMARK-UNPUBLISHED-a29",
    "another company's public title": "LEAKMARK-OTHER-COMPANY-a30",
    "monitoring token": "LEAKMARK-TOKEN-a31",
}


@tagged("post_install", "-at_install")
class TestStatusPageLeaksNothing(SubscriptionMixin, StatusPageHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls._confirmed("reader-en@example.com")
        cls._confirmed("reader-vi@example.com", cls.exam, lang="vi_VN")
        cls.ticket = cls._work_the_ticket()
        cls._unpublished_and_other_company()

    @classmethod
    def _work_the_ticket(cls):
        m = MARKERS
        cls.customer.write({"name": m["customer name"], "email": m["customer email"]})
        cls.executive.write(
            {"name": m["executive name"], "email": m["executive email"]}
        )
        cls.team.name = m["team"]
        cls.agent.name = m["agent name"]
        tag = cls.env["helpdesk.ticket.tag"].create({"name": m["tag"]})
        ticket = cls._create_scenario_ticket(
            name=m["title the customer wrote"],
            description=f"<p>{m['description']}</p>",
            partner_name=m["reporter name"],
            partner_email=m["reporter email"],
            error_message=m["error message"],
            affected_service=m["affected service"],
            business_impact=m["business impact"],
            notes=f"<p>{m['internal notes field']}</p>",
            tag_ids=[Command.set(tag.ids)],
            impact_line_ids=[
                Command.create(
                    {
                        "name": m["affected group"],
                        "location": m["group location"],
                        "affected_users": 53,
                    }
                )
            ],
        )
        ticket.write(
            {
                "findings": f"<p>{m['findings']}</p>",
                "preliminary_assessment": m["preliminary assessment"],
                "class_of_service_locked": True,
                "class_of_service_lock_reason": m["lock reason"],
            }
        )
        ticket.sudo().monitoring_token = m["monitoring token"]
        ticket.message_post(
            body=m["internal chatter note"], subtype_xmlid="mail.mt_note"
        )
        cls.env["helpdesk.ticket.check"].create(
            {"ticket_id": ticket.id, "name": "Logs", "result": m["check result"]}
        )
        ticket.action_escalate(cls.dev_team.id)
        ticket.escalation_ids.write({"summary": m["escalation summary"]})
        cls._publishable(ticket, components=cls.exam | cls.lms)
        ticket.status_public_title = f"Exam submissions failing {XSS}"
        ticket.action_publish_status()
        ticket.action_post_status_update(f"We are on it {XSS}")
        ticket.action_post_status_update(
            m["update for the customer only"], is_public=False
        )
        cls._resolve(
            ticket,
            root_cause=m["root cause"],
            resolution_summary=m["resolution summary"],
        )
        cls.env["helpdesk.ticket.corrective.action"].create(
            {"ticket_id": ticket.id, "name": m["corrective action"], "done": True}
        )
        ticket.action_log_monitoring(100.0, note=m["monitoring note"])
        ticket.monitoring_end_date = fields.Datetime.now() - timedelta(minutes=1)
        ticket.action_log_monitoring(100.0, note=m["monitoring note"])
        ticket.action_confirm_resolution()
        return ticket

    @classmethod
    def _unpublished_and_other_company(cls):
        draft = cls._create_scenario_ticket()
        cls._publishable(draft)
        draft.status_public_title = MARKERS["unpublished incident's public title"]
        draft.action_publish_status()
        draft.action_unpublish_status()
        cls.company_b = cls.env["res.company"].create({"name": "Campus B"})
        component_b = cls.env["helpdesk.status.component"].create(
            {"name": "B service", "company_id": cls.company_b.id}
        )
        ticket_b = cls._create_scenario_ticket(
            company_id=cls.company_b.id,
            team_id=cls.env["helpdesk.ticket.team"]
            .create({"name": "B team", "company_id": cls.company_b.id})
            .id,
            user_id=False,
        )
        ticket_b.write(
            {
                "status_public_title": MARKERS["another company's public title"],
                "status_component_ids": [Command.set(component_b.ids)],
            }
        )
        ticket_b.action_publish_status()
        cls.ticket_b = ticket_b

    def _pages(self):
        ticket, other = self.ticket.id, self.ticket_b.id
        b = f"/status/{self.company_b.id}"
        paths = ["/status", f"/status/incidents/{ticket}", "/status/history.atom"]
        paths += [api(document) for document in JSON_DOCUMENTS]
        own = paths + [f"/status/incidents/{other}"]
        return own, [b, f"{b}/history.atom", f"{b}/incidents/{other}"] + [
            api(document, b) for document in JSON_DOCUMENTS
        ]

    def test_no_internal_fact_on_any_page_feed_or_json(self):
        own, other = self._pages()
        self.assertEqual(self.ticket.status_phase, "resolved")
        for language in ("en-US", "vi-VN"):
            for path in own + other:
                with self.subTest(path=path, language=language):
                    response = self.get(path, headers={"Accept-Language": language})
                    text = response.text
                    for place, marker in MARKERS.items():
                        if place == "another company's public title" and path in other:
                            continue
                        self.assertNotIn(marker, text, f"the {place} leaked")
                        self.assertNotIn(marker.lower(), text.lower(), f"the {place}")
                    if not path.endswith(".json"):  # JSON strings hold text as is
                        self.assertNotIn(XSS, text, "unescaped script")

    def test_what_is_public_is_there_and_escaped(self):
        page = self.get(f"/status/incidents/{self.ticket.id}").text
        escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
        self.assertIn(f"Exam submissions failing {escaped}", page)
        self.assertIn(f"We are on it {escaped}", page)
        data = self.get(api("incidents")).json()["incidents"][0]
        self.assertEqual(data["name"], f"Exam submissions failing {XSS}")
        self.assertEqual(data["status"], "resolved")
        bodies = [update["body"] for update in data["incident_updates"]]
        self.assertIn(f"We are on it {XSS}", bodies)

    def test_no_internal_fact_in_any_subscriber_mail(self):
        self._run_queue()
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [("email_to", "in", ["reader-en@example.com", "reader-vi@example.com"])]
            )
        )
        # per reader: the update published with the incident and the next
        # public ones (not the one for the customer only)
        self.assertEqual(
            set(mails.mapped("email_to")),
            {"reader-en@example.com", "reader-vi@example.com"},
        )
        self.assertGreaterEqual(len(mails), 4, mails.mapped("subject"))
        self.assertIn("We are on it", " ".join(mails.mapped("body_html")))
        for mail in mails:
            text = " ".join((mail.subject, mail.body_html, mail.headers or ""))
            with self.subTest(to=mail.email_to, subject=mail.subject):
                for place, marker in MARKERS.items():
                    self.assertNotIn(marker.lower(), text.lower(), f"the {place}")
                self.assertNotIn(XSS, mail.body_html, "unescaped script")
