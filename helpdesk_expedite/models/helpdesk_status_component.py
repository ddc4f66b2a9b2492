from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..lib import status_page
from .constants import COMPONENT_STATUSES, MANAGER_GROUP
from .lifecycle_guard import check_guarded_fields
from .public_method import Values, ValuesList, public_method


class HelpdeskStatusComponent(models.Model):
    """A service as the public status page shows it ("Exam submission
    service"): its status is the worst impact of its company's open
    published incidents on it, unless a manager sets it by hand."""

    _name = "helpdesk.status.component"
    _inherit = ["helpdesk.expedite.guarded.mixin"]
    _description = "Status Page Component"
    _order = "sequence, id"
    # computed from the incidents: never written by a caller
    _guarded_fields = frozenset({"status"})

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    group_name = fields.Char(
        string="Group", help="Components with the same group are shown together."
    )
    status = fields.Selection(
        COMPONENT_STATUSES,
        compute="_compute_status",
        store=True,
        readonly=True,
        help="The worst impact of the open published incidents on this "
        "component, or the manual status when one is set.",
    )
    manual_status = fields.Selection(
        COMPONENT_STATUSES,
        help="Helpdesk managers: show this status whatever the incidents say "
        "(e.g. under maintenance). Leave empty to follow the incidents.",
    )
    # a count only: the subscribers themselves are helpdesk managers' to read
    subscriber_count = fields.Integer(
        string="Subscribers",
        compute="_compute_subscriber_count",
        help="Confirmed subscribers who receive this component's incidents by "
        "email, those who follow every component included.",
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A component of this name already exists in this company.",
        ),
    ]

    @api.depends("manual_status")
    def _compute_status(self):
        impacts = self._get_open_incident_impacts()
        for component in self:
            component.status = status_page.component_status(
                component.manual_status, impacts.get(component.id, ())
            )

    def _compute_subscriber_count(self):
        Subscriber = self.env["helpdesk.status.subscriber"].sudo()
        ids = [component_id for component_id in self.ids if component_id]
        confirmed = [("state", "=", "confirmed")]
        chosen = Subscriber._read_group(
            [*confirmed, ("component_ids", "in", ids)], ["component_ids"], ["__count"]
        )
        every = Subscriber._read_group(
            [
                *confirmed,
                ("component_ids", "=", False),
                ("company_id", "in", self.company_id.ids),
            ],
            ["company_id"],
            ["__count"],
        )
        by_component = {component.id: count for component, count in chosen}
        by_company = {company.id: count for company, count in every}
        for component in self:
            component.subscriber_count = by_component.get(
                component.id, 0
            ) + by_company.get(component.company_id.id, 0)

    def _get_open_incident_impacts(self):
        """{component id: impacts of its open published incidents}."""
        ids = [component_id for component_id in self.ids if component_id]
        if not ids:
            return {}
        tickets = (
            self.env["helpdesk.ticket"]
            .sudo()
            .search(
                [
                    ("status_published", "=", True),
                    ("status_component_ids", "in", ids),
                    ("stage_id.closed", "=", False),
                ]
            )
        )
        impacts = {}
        for ticket in tickets:
            for component in ticket.status_component_ids:
                impacts.setdefault(component.id, []).append(ticket.status_impact)
        return impacts

    def _recompute_status(self):
        """Recompute the status from the incidents (their publication, impact,
        components or closing changed)."""
        components = self.exists()
        if components:
            self.env.add_to_compute(self._fields["status"], components)
            components.flush_recordset(["status"])

    @public_method(vals_list=ValuesList())
    @api.model_create_multi
    def create(self, vals_list):
        check_guarded_fields(self, vals_list)
        self._check_manual_status_allowed(vals_list)
        components = super().create(vals_list)
        components._touch_page()
        return components

    @public_method(vals=Values())
    def write(self, vals):
        check_guarded_fields(self, [vals])
        self._check_manual_status_allowed([vals])
        companies = self.company_id
        result = super().write(vals)
        (companies | self.company_id)._status_page_bump()
        return result

    @public_method()
    def unlink(self):
        companies = self.company_id
        result = super().unlink()
        companies._status_page_bump()
        return result

    def _touch_page(self):
        self.company_id._status_page_bump()

    def _check_manual_status_allowed(self, vals_list):
        """The manual status is a helpdesk manager's call."""
        if self.env.su or self.env.user.has_group(MANAGER_GROUP):
            return
        if any("manual_status" in vals for vals in vals_list):
            raise AccessError(
                self.env._("Only helpdesk managers set a component's status.")
            )
