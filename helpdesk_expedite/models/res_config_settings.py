from odoo import fields, models

from .constants import THRESHOLD_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    helpdesk_expedite_success_threshold = fields.Float(
        string="Monitoring Success Threshold (%)",
        config_parameter=THRESHOLD_PARAM,
        default=100.0,
        help="Post-fix monitoring passes when the latest check reaches this "
        "success rate with no timeout errors.",
    )
