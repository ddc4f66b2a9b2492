"""Shared set-up of the status page tests: the demo university's components
and the scenario's incident, ready to be published."""

from odoo import Command
from odoo.tests import HttpCase

from odoo.addons.helpdesk_expedite.controllers import status_http

from .common import ExpediteCase

PUBLIC_TITLE = "Exam submissions failing (test)"
PUBLIC_UPDATE = "Submissions fail for some classes. We are investigating."


class StatusPageCase(ExpediteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Component = cls.env["helpdesk.status.component"]
        # the demo's components and subscribers are another page's business
        Component.search([]).write({"active": False})
        cls.env["helpdesk.status.subscriber"].sudo().search([]).unlink()
        cls.exam, cls.lms, cls.sso = Component.create(
            [
                {"name": "Exam service (test)", "sequence": 1},
                {"name": "LMS pages (test)", "sequence": 2},
                {"name": "Single sign-on (test)", "sequence": 3},
            ]
        )

    @classmethod
    def _publishable(cls, ticket=None, impact="critical", components=None):
        """The scenario ticket (or ``ticket``) with its public facts set."""
        ticket = ticket or cls._create_scenario_ticket()
        ticket.write(
            {
                "status_public_title": PUBLIC_TITLE,
                "status_impact": impact,
                "status_component_ids": [Command.set((components or cls.exam).ids)],
            }
        )
        return ticket

    @classmethod
    def _published(cls, **kwargs):
        ticket = cls._publishable(**kwargs)
        ticket.action_publish_status()
        return ticket

    def _version(self, company=None):
        company = company or self.env.company
        self.env.flush_all()
        return company.sudo().status_page_version


class StatusPageHttpCase(HttpCase, StatusPageCase):
    """The status page served to an anonymous visitor."""

    def setUp(self):
        super().setUp()
        # pages cached by this process in an earlier test are of another
        # transaction
        status_http.BODIES.clear()

    def get(self, path, headers=None, **kwargs):
        """GET ``path`` as a visitor who never logged in (no cookie)."""
        self.opener.cookies.clear()
        return self.url_open(path, headers=headers, allow_redirects=False, **kwargs)
