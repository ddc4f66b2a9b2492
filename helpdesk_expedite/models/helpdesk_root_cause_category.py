from odoo import fields, models


class HelpdeskRootCauseCategory(models.Model):
    _name = "helpdesk.root.cause.category"
    _description = "Helpdesk Root Cause Category"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "The root cause code must be unique.")
    ]
