"""The incident on the public status page: its public title, impact and
components, publishing and unpublishing, and keeping the page current
(the components' status, the page's version) when a published incident
changes."""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ...lib import status_page
from ..constants import AGENT_GROUP, INCIDENT_DETAILS, STATUS_IMPACTS, STATUS_PHASES
from ..lifecycle_guard import incident_action
from ..public_method import Values, public_method

MAX_TITLE_CHARS = 200
# what a component's status depends on, and all that the page shows of a
# published incident (directly, or through its phase, dates, components)
COMPONENT_FACTS = frozenset(
    "status_published status_impact status_component_ids stage_id active "
    "company_id".split()
)
PUBLIC_FACTS = COMPONENT_FACTS | frozenset(
    "status_published_date status_public_title root_cause root_cause_category_id "
    "monitoring_state resolved_date next_update_deadline".split()
)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # indexed where set (_get_partial_indexes)
    status_published = fields.Boolean(
        string="On the Status Page", readonly=True, copy=False, groups=AGENT_GROUP
    )
    status_published_date = fields.Datetime(
        string="First Published", readonly=True, copy=False, groups=AGENT_GROUP
    )
    status_public_title = fields.Char(
        string="Public Title",
        copy=False,
        groups=AGENT_GROUP,
        prefetch=INCIDENT_DETAILS,
        help="The incident's name on the public status page. Never the "
        "ticket's own title: the customer wrote it.",
    )
    status_impact = fields.Selection(
        STATUS_IMPACTS,
        string="Public Impact",
        default="none",
        copy=False,
        groups=AGENT_GROUP,
        help="Minor degrades, major partly breaks, critical breaks the "
        "affected components while the incident is open.",
    )
    status_component_ids = fields.Many2many(
        "helpdesk.status.component",
        "helpdesk_ticket_status_component_rel",
        "ticket_id",
        "component_id",
        string="Affected Components",
        copy=False,
        groups=AGENT_GROUP,
        domain="[('company_id', '=', company_id)]",
    )
    status_phase = fields.Selection(
        STATUS_PHASES,
        string="Public Phase",
        compute="_compute_status_phase",
        groups=AGENT_GROUP,
    )
    status_page_url = fields.Char(
        string="Public Page", compute="_compute_status_page_url", groups=AGENT_GROUP
    )

    @api.model
    def _get_guarded_fields(self):
        return super()._get_guarded_fields() | {
            "status_published",
            "status_published_date",
        }

    @api.model
    def _get_partial_indexes(self):
        return {
            **super()._get_partial_indexes(),
            "status_published": "status_published",
        }

    @api.constrains("status_public_title")
    def _check_status_public_title(self):
        for ticket in self:
            title = ticket.status_public_title or ""
            if len(title) > MAX_TITLE_CHARS or "\x00" in title:
                raise ValidationError(
                    self.env._(
                        "A public title is one line of at most %s characters.",
                        MAX_TITLE_CHARS,
                    )
                )

    @api.constrains("status_component_ids", "company_id")
    def _check_status_components_company(self):
        for ticket in self.sudo():
            if ticket.status_component_ids.company_id - ticket.company_id:
                raise ValidationError(
                    self.env._(
                        "The affected components of %s must be components of "
                        "its company's status page.",
                        ticket.display_name,
                    )
                )

    @api.depends("closed", "monitoring_state", "root_cause", "root_cause_category_id")
    def _compute_status_phase(self):
        for ticket in self:
            ticket.status_phase = status_page.public_phase(ticket._get_public_facts())

    def _get_public_facts(self):
        self.ensure_one()
        ticket = self.sudo()
        return status_page.PublicFacts(
            closed=ticket.closed,
            root_cause_known=bool(
                (ticket.root_cause or "").strip() or ticket.root_cause_category_id
            ),
            fix_in_place=ticket.monitoring_state in ("running", "passed"),
        )

    @api.depends("status_published", "company_id")
    def _compute_status_page_url(self):
        for ticket in self:
            published = ticket.status_published and isinstance(ticket.id, int)
            path = f"{ticket.company_id._status_page_path()}/incidents/{ticket.id}"
            ticket.status_page_url = published and ticket.get_base_url() + path

    # -- keeping the page current ----------------------------------------

    @public_method(vals=Values())
    def write(self, vals):
        if not PUBLIC_FACTS & vals.keys():
            return super().write(vals)
        before = self.sudo().filtered("status_published")
        components, companies = before.status_component_ids, before.company_id
        result = super().write(vals)
        changed = before | self.sudo().filtered("status_published")
        if changed:
            if COMPONENT_FACTS & vals.keys():
                (components | changed.status_component_ids)._recompute_status()
            (companies | changed.company_id)._status_page_bump()
        return result

    @public_method()
    def unlink(self):
        published = self.sudo().filtered("status_published")
        components, companies = published.status_component_ids, published.company_id
        result = super().unlink()
        components._recompute_status()
        companies._status_page_bump()
        return result

    def _status_page_touch(self):
        """A public fact of these tickets changed elsewhere (one of their
        customer updates): the page of the published ones changed."""
        self.sudo().filtered("status_published").company_id._status_page_bump()

    # -- actions -----------------------------------------------------------

    @incident_action
    def action_publish_status(self):
        """Show the incidents on their company's public status page, under
        their public title, impact and components."""
        for ticket in self:
            ticket._check_status_publishable()
        tickets = self.filtered(lambda ticket: not ticket.status_published)
        now = fields.Datetime.now()
        for ticket in tickets:
            ticket.write(
                {
                    "status_published": True,
                    "status_published_date": ticket.status_published_date or now,
                }
            )
            ticket._message_log(
                body=self.env._(
                    "Published on the status page as “%s”.",
                    ticket.status_public_title,
                )
            )
        tickets._on_status_published()
        return True

    @incident_action
    def action_unpublish_status(self):
        """Take the incidents off the public status page at once."""
        tickets = self.filtered("status_published")
        tickets.write({"status_published": False})
        for ticket in tickets:
            ticket._message_log(body=self.env._("Removed from the status page."))
        return True

    def _check_status_publishable(self):
        self.ensure_one()
        title = (self.status_public_title or "").strip()
        if not title:
            raise UserError(
                self.env._(
                    "%s needs a public title before it is published.",
                    self.display_name,
                )
            )
        if title.casefold() == (self.name or "").strip().casefold():
            raise UserError(
                self.env._(
                    "The public title of %s is the ticket's own title, which the "
                    "customer wrote: write one for the public.",
                    self.display_name,
                )
            )
        components = self.sudo().status_component_ids
        if not components.filtered("active"):
            raise UserError(
                self.env._(
                    "%s needs at least one affected component before it is published.",
                    self.display_name,
                )
            )
        if not self.active:
            raise UserError(
                self.env._("%s is archived: it cannot be published.", self.name)
            )

    # -- for the page and its subscribers ------------------------------------

    def _get_status_public_updates(self):
        """The customer updates of these published incidents that the page
        shows (not marked internal-to-customers), newest first."""
        published = self.sudo().filtered("status_published")
        return published.status_update_ids.filtered("is_public").sorted(
            lambda update: (update.date, update.id), reverse=True
        )

    def _on_status_published(self):
        """Hook: these incidents were just published (subscribers hear of a
        new incident here)."""

    def _on_status_public_update(self, updates):
        """Hook: public ``updates`` were just posted on these published
        incidents (subscribers receive them here)."""
