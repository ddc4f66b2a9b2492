from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import email_normalize

MANAGER_GROUP = "helpdesk_mgmt.group_helpdesk_manager"


class HelpdeskEscalationTarget(models.Model):
    """Where escalations go: a team reached by email or a Teams channel."""

    _name = "helpdesk.escalation.target"
    _description = "Helpdesk Escalation Target"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    channel = fields.Selection(
        [("email", "Email"), ("teams", "Microsoft Teams")],
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
        if not url.startswith(("https://", "http://")) or len(url.split()) > 1:
            raise ValidationError(
                self.env._(
                    "Escalation target %s: the Teams webhook URL must be a web "
                    "address starting with https://.",
                    self.name,
                )
            )

    @api.model
    def _get_default_target(self, company):
        """The company's first active target, by sequence."""
        return self.search([("company_id", "=", company.id)], limit=1)
