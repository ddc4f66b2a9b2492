"""The board's filter "over the Expedite user threshold": tickets with
more affected users than the lowest user count of the Expedite rules."""

from odoo import fields, models
from odoo.exceptions import UserError

from ..constants import AGENT_GROUP


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    over_user_threshold = fields.Boolean(
        string="Over the Expedite User Threshold",
        compute="_compute_over_user_threshold",
        search="_search_over_user_threshold",
        groups=AGENT_GROUP,
    )

    def _compute_over_user_threshold(self):
        threshold = self._get_expedite_user_threshold()
        for ticket in self:
            ticket.over_user_threshold = bool(threshold) and (
                ticket.affected_user_count > threshold
            )

    def _search_over_user_threshold(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on the user threshold."))
        threshold = self._get_expedite_user_threshold()
        over = [("affected_user_count", ">", threshold)] if threshold else [(0, "=", 1)]
        return over if (operator == "=") == value else ["!", *over]

    def _get_expedite_user_threshold(self):
        """The smallest "more affected users than" of the active Expedite
        rules of the user's companies (0 when no rule counts users)."""
        rules = self.env["helpdesk.expedite.rule"].search(
            [("class_of_service", "=", "expedite"), ("affected_users_over", ">", 0)],
            order="affected_users_over",
            limit=1,
        )
        return rules.affected_users_over
