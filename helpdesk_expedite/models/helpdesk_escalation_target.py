from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import email_normalize

from ..lib import webhook_safety
from .company_links import check_same_company
from .constants import ALLOWED_HOSTS_PARAM, ESCALATION_CHANNELS, MANAGER_GROUP


class HelpdeskEscalationTarget(models.Model):
    """Where escalations go: a team reached by email or a Teams channel."""

    _name = "helpdesk.escalation.target"
    _description = "Helpdesk Escalation Target"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    channel = fields.Selection(
        ESCALATION_CHANNELS,
        required=True,
        default="email",
    )
    email = fields.Char(help="Address of the team, e.g. dev-team@example.com")
    partner_ids = fields.Many2many(
        "res.partner",
        string="Recipients",
        help="People who also receive email escalations.",
    )
    teams_webhook_url = fields.Char(
        string="Teams Webhook URL",
        groups=MANAGER_GROUP,
        copy=False,
        help="Workflows webhook of the Teams channel. Keep it secret.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    @api.constrains("channel", "email", "partner_ids", "teams_webhook_url")
    def _check_channel_configuration(self):
        for target in self.sudo():
            if target.channel == "email":
                target._check_email_configuration()
            else:
                target._check_teams_configuration()

    def _check_email_configuration(self):
        if not self.email and not self.partner_ids:
            raise ValidationError(
                self.env._(
                    "Escalation target %s sends by email: give it an email "
                    "address or recipients.",
                    self.name,
                )
            )
        if self.email and not email_normalize(self.email):
            raise ValidationError(
                self.env._(
                    "Escalation target %(target)s: %(email)s is not a valid "
                    "email address.",
                    target=self.name,
                    email=self.email,
                )
            )

    def _check_teams_configuration(self):
        url = (self.teams_webhook_url or "").strip()
        if not url:
            raise ValidationError(
                self.env._(
                    "Escalation target %s posts to Microsoft Teams: give it the "
                    "channel's webhook URL.",
                    self.name,
                )
            )
        problem = self._get_webhook_url_problem(url)
        if problem:
            raise ValidationError(
                self.env._(
                    "Escalation target %(target)s: %(problem)s",
                    target=self.name,
                    problem=problem,
                )
            )

    @api.constrains("company_id", "partner_ids")
    def _check_recipient_companies(self):
        check_same_company(self, "partner_ids")

    @api.model
    def _get_webhook_url_problem(self, url):
        """Why the server must not post to ``url``, or None when it may."""
        problem, detail = webhook_safety.check_url(
            url, self._get_webhook_allowed_hosts()
        )
        return self._describe_webhook_problem(problem, detail)

    @api.model
    def _get_webhook_allowed_hosts(self):
        return webhook_safety.parse_allowed_hosts(
            self.env["ir.config_parameter"].sudo().get_param(ALLOWED_HOSTS_PARAM)
        )

    @api.model
    def _describe_webhook_problem(self, problem, detail):
        """The message for a problem code of ``webhook_safety.check_url``,
        None when there is no problem."""
        messages = {
            webhook_safety.NOT_A_URL: self.env._(
                "the Teams webhook URL must be a web address starting with https://."
            ),
            webhook_safety.NOT_HTTPS: self.env._(
                "the Teams webhook URL must use https://."
            ),
            webhook_safety.UNRESOLVED: self.env._(
                "the host %s of the Teams webhook URL cannot be resolved.", detail
            ),
            webhook_safety.NOT_PUBLIC: self.env._(
                "the Teams webhook URL leads to %s, which is not a public "
                "address. An administrator can allow an internal relay in the "
                "system parameter helpdesk_expedite.webhook_allowed_hosts.",
                detail,
            ),
        }
        return messages.get(problem)

    @api.model
    def _get_default_target(self, company):
        """The company's first active target, by sequence."""
        return self.search([("company_id", "=", company.id)], limit=1)
