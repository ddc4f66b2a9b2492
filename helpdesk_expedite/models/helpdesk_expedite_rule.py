from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib.classification import Rule
from .company_links import check_same_company
from .constants import CLASS_OF_SERVICE


class HelpdeskExpediteRule(models.Model):
    """A class-of-service rule: conditions on the impact scope, ANDed."""

    _name = "helpdesk.expedite.rule"
    _description = "Helpdesk Class of Service Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    team_ids = fields.Many2many(
        "helpdesk.ticket.team",
        string="Teams",
        help="Leave empty to apply the rule to every team.",
    )
    affected_users_over = fields.Integer(
        string="More Affected Users Than",
        help="Matches when the ticket has strictly more affected users. 0: unused.",
    )
    min_failure_rate = fields.Float(
        string="Minimum Failure Rate (%)",
        help="Matches when the failure rate is at least this. 0: unused.",
    )
    min_groups = fields.Integer(
        string="Minimum Affected Groups",
        help="Matches when at least this many groups are affected. 0: unused.",
    )
    linked_tickets_over = fields.Integer(
        string="More Linked Tickets Than",
        help="Matches when strictly more tickets are linked to the ticket as "
        "their major incident (a flood of reports). 0: unused.",
    )
    require_critical_activity_blocked = fields.Boolean(
        string="Critical Activity Blocked"
    )
    require_executive = fields.Boolean(string="Executive Involved")
    require_deadline = fields.Boolean(string="Deadline Set")
    class_of_service = fields.Selection(CLASS_OF_SERVICE, required=True)
    priority = fields.Selection(
        [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")],
        help="Raise the ticket to at least this priority (never lowered).",
    )
    update_interval = fields.Integer(
        string="Update Every (minutes)",
        help="Promised delay between two customer updates. 0: no cadence.",
    )

    @api.constrains(
        "affected_users_over",
        "min_failure_rate",
        "min_groups",
        "linked_tickets_over",
        "update_interval",
    )
    def _check_thresholds(self):
        for rule in self:
            if (
                min(rule.affected_users_over, rule.min_groups, rule.linked_tickets_over)
                < 0
            ):
                raise ValidationError(
                    self.env._("Rule %s: thresholds cannot be negative.", rule.name)
                )
            if not 0 <= rule.min_failure_rate <= 100:
                raise ValidationError(
                    self.env._(
                        "Rule %s: the failure rate must be between 0 and 100.",
                        rule.name,
                    )
                )
            if rule.update_interval < 0:
                raise ValidationError(
                    self.env._(
                        "Rule %s: the update interval cannot be negative.", rule.name
                    )
                )

    @api.constrains("company_id", "team_ids")
    def _check_team_companies(self):
        check_same_company(self, "team_ids")

    @api.model
    def _get_classification_rules(self, companies):
        """The rules of ``companies`` (and shared ones) as plain values, read
        once per classification run."""
        rules = self.sudo().search(
            ["|", ("company_id", "=", False), ("company_id", "in", companies.ids)]
        )
        return [rule._to_rule() for rule in rules]

    def _to_rule(self):
        self.ensure_one()
        return Rule(
            id=self.id,
            name=self.name,
            sequence=self.sequence,
            company_id=self.company_id.id or None,
            team_ids=frozenset(self.team_ids.ids),
            affected_users_over=self.affected_users_over,
            min_failure_rate=self.min_failure_rate,
            min_groups=self.min_groups,
            linked_tickets_over=self.linked_tickets_over,
            require_critical_activity_blocked=self.require_critical_activity_blocked,
            require_executive=self.require_executive,
            require_deadline=self.require_deadline,
            class_of_service=self.class_of_service,
            priority=self.priority or None,
            update_interval=self.update_interval,
        )
