from odoo import fields, models

from .constants import ACK_TARGET_PARAM, THRESHOLD_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    helpdesk_expedite_success_threshold = fields.Float(
        string="Monitoring Success Threshold (%)",
        config_parameter=THRESHOLD_PARAM,
        default=100.0,
        help="Post-fix monitoring passes when the latest check reaches this "
        "success rate with no timeout errors.",
    )
    helpdesk_expedite_acknowledge_target = fields.Integer(
        string="Acknowledge Within (minutes)",
        config_parameter=ACK_TARGET_PARAM,
        default=15,
        help="The handling scorecard counts an incident as acknowledged in "
        "time when it was acknowledged within this many minutes of the report.",
    )
