import secrets

from odoo import fields, models
from odoo.tools import SQL


class ResCompany(models.Model):
    _inherit = "res.company"

    # Changes whenever something the company's public status page shows
    # changes (publication, public update, component): the pages cached by
    # the server processes are keyed on it. A random token, not a counter:
    # a rolled-back change must not give a value already used.
    status_page_version = fields.Char(
        readonly=True, copy=False, groups="base.group_system"
    )

    def _status_page_bump(self):
        """Mark the status pages of these companies as changed."""
        ids = [company_id for company_id in self.ids if company_id]
        if not ids:
            return
        self.env.execute_query(
            SQL(
                "UPDATE res_company SET status_page_version = %s WHERE id = ANY(%s)",
                secrets.token_hex(8),
                ids,
            )
        )
        self.invalidate_recordset(["status_page_version"])

    def _status_page_path(self):
        """The path of the company's status page: /status for the public
        user's company, /status/<id> for another one."""
        self.ensure_one()
        public = self.env.ref("base.public_user", raise_if_not_found=False)
        if public and public.sudo().company_id == self:
            return "/status"
        return f"/status/{self.id}"
