"""Class of service: the rules' verdict, or a person's locked choice."""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ...lib import classification
from ..constants import AGENT_GROUP, CLASS_OF_SERVICE, INCIDENT_DETAILS
from ..lifecycle_guard import (
    context_flag,
    incident_action,
    system_write,
    writing_as_system,
)

# Ticket fields the classifier reads: only writes to these reclassify.
CLASSIFICATION_FACTS = frozenset(
    {
        "impact_line_ids",
        "failure_rate",
        "critical_activity_blocked",
        "executive_partner_ids",
        "executive_involved",
        "deadline",
        "team_id",
        "company_id",
    }
)
# raised while the ticket's own write or create will classify afterwards (a
# context key would let any RPC caller skip the classification)
defer_classification, is_classification_deferred = context_flag(
    "helpdesk_expedite_defer_classification"
)
# board order: the most urgent class first in every column
CLASS_RANK = {"expedite": 0, "fixed_date": 1, "standard": 2, "intangible": 3}


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # indexed where not standard (_get_partial_indexes)
    class_of_service = fields.Selection(
        CLASS_OF_SERVICE,
        default="standard",
        required=True,
        tracking=True,
    )
    class_of_service_locked = fields.Boolean(
        string="Lock Class of Service",
        tracking=True,
        help="Keep the class set by a person: the rules leave it alone.",
        groups=AGENT_GROUP,
    )
    class_of_service_lock_reason = fields.Char(
        string="Lock Reason", groups=AGENT_GROUP, prefetch=INCIDENT_DETAILS
    )
    classification_rule_id = fields.Many2one(
        "helpdesk.expedite.rule",
        readonly=True,
        ondelete="set null",
        groups=AGENT_GROUP,
    )
    classification_reason = fields.Text(readonly=True, groups=AGENT_GROUP)
    class_of_service_rank = fields.Integer(
        compute="_compute_class_of_service_rank", store=True
    )

    @api.model
    def _get_guarded_fields(self):
        return super()._get_guarded_fields() | {
            "classification_rule_id",
            "classification_reason",
        }

    @api.model
    def _get_partial_indexes(self):
        return {
            **super()._get_partial_indexes(),
            "class_of_service": "class_of_service <> 'standard'",
        }

    @api.constrains("class_of_service_locked", "class_of_service_lock_reason")
    def _check_lock_reason(self):
        for ticket in self:
            if (
                ticket.class_of_service_locked
                and not (ticket.class_of_service_lock_reason or "").strip()
            ):
                raise ValidationError(
                    self.env._(
                        "Say why the class of service of %s is locked.",
                        ticket.display_name,
                    )
                )

    def _check_manual_class_allowed(self, vals):
        """A person sets the class of service only by locking it."""
        if (
            "class_of_service" not in vals
            or writing_as_system(self.env)
            or vals.get("class_of_service_locked")
        ):
            return
        if (
            not self
            or not all(self.mapped("class_of_service_locked"))
            or ("class_of_service_locked" in vals)
        ):
            raise UserError(
                self.env._(
                    "The class of service is set by the classification rules. "
                    "To choose it by hand, lock it and say why."
                )
            )

    def _classify_if_direct(self):
        """Reclassify after a change made outside of the ticket's own write."""
        if not is_classification_deferred():
            self._classify()

    @incident_action
    def action_classify(self):
        """Rerun the classification rules (locked and closed tickets are left
        alone)."""
        self._classify()
        return True

    def _classify(self):
        # a closed ticket's class is history: turned Expedite once closed,
        # it would be a closed Expedite ticket that never met the closure gate
        tickets = self.filtered(
            lambda t: not t.class_of_service_locked and not t.closed
        )
        if not tickets:
            return
        rules = self.env["helpdesk.expedite.rule"]._get_classification_rules(
            tickets.company_id
        )
        results = {
            ticket: classification.classify(
                rules, ticket._get_classification_facts(), self.env._
            )
            for ticket in tickets
        }
        became_expedite = tickets._apply_classifications(results)
        if became_expedite:
            became_expedite._on_became_expedite()

    def _get_classification_facts(self):
        self.ensure_one()
        return classification.TicketFacts(
            affected_user_count=self.affected_user_count,
            affected_group_count=self.affected_group_count,
            failure_rate=self.failure_rate,
            critical_activity_blocked=self.critical_activity_blocked,
            executive_involved=self.executive_involved,
            has_deadline=bool(self.deadline),
            linked_ticket_count=self.linked_ticket_count,
            team_id=self.team_id.id or None,
            company_id=self.company_id.id or None,
        )

    def _prepare_classification_vals(self, result):
        rule = result.rule
        vals = {
            "class_of_service": result.class_of_service,
            "classification_rule_id": self.env["helpdesk.expedite.rule"].browse(
                rule.id if rule else ()
            ),
            "classification_reason": result.reason,
        }
        # A rule's outcome applies when it first takes effect, so that a
        # person's later choice of priority or cadence is not overridden.
        if rule and rule.update_interval and rule.id != self.classification_rule_id.id:
            vals["update_interval"] = rule.update_interval
        if (
            rule
            and rule.priority
            and result.class_of_service != self.class_of_service
            and not self.closed
        ):
            vals["priority"] = classification.raised_priority(
                self.priority, rule.priority
            )
        return {name: value for name, value in vals.items() if self[name] != value}

    def _apply_classifications(self, results):
        """Apply each ticket's verdict (``{ticket: result}``): one write per
        set of equal changes, one batch of class-change log lines. Returns
        the tickets that have just become open Expedite incidents (the
        caller then starts their response, in batch)."""
        previous_classes = {ticket: ticket.class_of_service for ticket in self}
        groups = {}
        for ticket in self:
            vals = ticket._prepare_classification_vals(results[ticket])
            if vals:
                groups.setdefault(tuple(sorted(vals.items())), []).append(ticket.id)
        with system_write():
            for key, ids in groups.items():
                with defer_classification():
                    self.browse(ids).write(dict(key))
        changed = self.filtered(lambda t: t.class_of_service != previous_classes[t])
        if changed:
            # log lines in the chatter: nobody is notified of them
            classes = dict(
                self._fields["class_of_service"]._description_selection(self.env)
            )
            changed._message_log_batch(
                {
                    ticket.id: self.env._(
                        "Class of service: %(old)s → %(new)s. %(reason)s",
                        old=classes[previous_classes[ticket]],
                        new=classes[ticket.class_of_service],
                        reason=results[ticket].reason,
                    )
                    for ticket in changed
                }
            )
        return changed.filtered(
            lambda t: t.class_of_service == "expedite" and not t.closed
        )

    def _on_became_expedite(self):
        """The checklist (one batch for all the tickets), the acknowledgement
        and the team's WIP warning."""
        self._add_default_checks()
        self.filtered(lambda t: not t.acknowledged_date).action_acknowledge()
        for team in self.team_id:
            team._warn_if_over_expedite_limit(
                self.filtered(lambda t, team=team: t.team_id == team)
            )

    @api.depends("class_of_service")
    def _compute_class_of_service_rank(self):
        for ticket in self:
            ticket.class_of_service_rank = CLASS_RANK.get(ticket.class_of_service, 9)
