from odoo import api, fields, models

from .company_links import check_same_company


class HelpdeskCheckTemplate(models.Model):
    """A default investigation check, copied onto Expedite tickets."""

    _name = "helpdesk.check.template"
    _description = "Helpdesk Investigation Check Template"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    team_ids = fields.Many2many(
        "helpdesk.ticket.team",
        string="Teams",
        help="Leave empty to use the check for every team.",
    )
    company_id = fields.Many2one("res.company")
    active = fields.Boolean(default=True)

    @api.constrains("company_id", "team_ids")
    def _check_team_companies(self):
        check_same_company(self, "team_ids")

    def _applies_to(self, ticket):
        self.ensure_one()
        team_ok = not self.team_ids or ticket.team_id in self.team_ids
        company_ok = not self.company_id or self.company_id == ticket.company_id
        return team_ok and company_ok
