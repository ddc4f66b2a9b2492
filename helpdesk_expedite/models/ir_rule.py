from odoo import api, models
from odoo.osv import expression


class IrRule(models.Model):
    _inherit = "ir.rule"

    @api.model
    def _compute_domain(self, model_name, mode="read"):
        """Lines of a ticket follow the ticket's own record rules.

        A rule domain is evaluated as superuser, so a plain
        ``[('ticket_id', 'any', [])]`` would not apply helpdesk_mgmt's
        personal and team rules; the ticket's rules for this user are
        computed here and put inside the condition instead, the way Odoo
        does for ``_inherits`` parents.
        """
        domain = super()._compute_domain(model_name, mode)
        modes = getattr(self.env.registry[model_name], "_ticket_access_modes", None)
        if not modes or model_name == "helpdesk.ticket.line.mixin":
            return domain
        ticket_domain = self._compute_domain("helpdesk.ticket", modes[mode])
        if not ticket_domain:
            return domain
        return expression.AND([domain or [], [("ticket_id", "any", ticket_domain)]])
