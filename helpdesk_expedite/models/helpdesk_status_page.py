"""What a company's public status page may show, gathered for a visitor.

The only place where the status page reads tickets: as superuser, the
public fields only, into plain values (lib/status_snapshot), which are all
the pages, the feed and the JSON ever see.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..lib import status_page
from ..lib.status_snapshot import Component, Incident, Page, Snapshot, Update

MAX_ID = 2**31 - 1
LATEST_INCIDENTS = 50


class HelpdeskStatusPage(models.AbstractModel):
    _name = "helpdesk.status.page"
    _description = "Public Status Page"

    @api.model
    def _get_page_state(self, company_id=None):
        """The facts every request of a page needs, in one query: {id,
        name, version, written, tz, default}; None when the page does not
        exist (another company than the public user's needs an active
        component to have a page)."""
        if company_id is not None and not 0 < company_id <= MAX_ID:
            return None
        public_uid = self.env["ir.model.data"]._xmlid_to_res_id("base.public_user")
        rows = self.env.execute_query(
            SQL(
                """
                SELECT c.id, c.name, c.status_page_version, c.write_date, p.tz,
                       c.id = u.company_id,
                       EXISTS (SELECT 1 FROM helpdesk_status_component s
                                WHERE s.company_id = c.id AND s.active)
                  FROM res_users u, res_company c
                  JOIN res_partner p ON p.id = c.partner_id
                 WHERE u.id = %(public)s
                   AND c.id = COALESCE(%(company)s, u.company_id)
                """,
                public=public_uid,
                company=company_id,
            )
        )
        if not rows:
            return None
        cid, name, version, written, tz, default, has_components = rows[0]
        if not (default or has_components):
            return None
        return {
            "id": cid,
            "name": name,
            "version": version or "",
            "written": written,
            "tz": tz or "UTC",
            "default": default,
        }

    @api.model
    def _get_snapshot(self, state, lang, base_url, incident_id=None):
        """The page of the company of ``state`` (_get_page_state) in the
        language ``lang``, its links under ``base_url``. With
        ``incident_id``, only that incident (none when it is not a
        published incident of the company)."""
        path = "/status" if state["default"] else f"/status/{state['id']}"
        env = self.sudo().with_context(lang=lang, active_test=True).env
        components = self._snapshot_components(env, state["id"])
        incidents = self._snapshot_incidents(
            env,
            state["id"],
            base_url + path,
            {component.id for component in components},
            incident_id,
        )
        moments = [c.updated_at for c in components if c.updated_at]
        moments += [i.updated_at for i in incidents if i.updated_at]
        page = Page(
            id=str(state["id"]),
            name=state["name"],
            url=base_url + path,
            time_zone=state["tz"],
            updated_at=max(moments, default=state["written"]),
        )
        return Snapshot(page=page, components=components, incidents=incidents)

    @api.model
    def _snapshot_components(self, env, company_id):
        rows = env["helpdesk.status.component"].search_read(
            [("company_id", "=", company_id)],
            [
                "name",
                "description",
                "status",
                "group_name",
                "create_date",
                "write_date",
            ],
        )
        return tuple(
            Component(
                id=row["id"],
                name=row["name"] or "",
                status=row["status"] or status_page.OPERATIONAL,
                position=position,
                description=row["description"] or "",
                group_name=(row["group_name"] or "").strip(),
                created_at=row["create_date"],
                updated_at=row["write_date"],
            )
            for position, row in enumerate(rows, start=1)
        )

    @api.model
    def _snapshot_incidents(
        self, env, company_id, page_url, component_ids, incident_id=None
    ):
        Ticket = env["helpdesk.ticket"]
        domain = [("status_published", "=", True), ("company_id", "=", company_id)]
        if incident_id is not None:
            if not 0 < incident_id <= MAX_ID:
                return ()
            tickets = Ticket.search(domain + [("id", "=", incident_id)])
        else:
            since = fields.Datetime.now() - timedelta(days=status_page.HISTORY_DAYS + 1)
            order = "status_published_date desc, id desc"
            tickets = Ticket.search(
                domain + ["|", ("closed", "=", False), ("closed_date", ">=", since)],
                order=order,
            ) | Ticket.search(domain, order=order, limit=LATEST_INCIDENTS)
        updates = {}
        for update in tickets._get_status_public_updates():
            updates.setdefault(update.ticket_id.id, []).append(
                Update(
                    id=update.id,
                    status=update.public_status or status_page.INVESTIGATING,
                    body=update.body or "",
                    created_at=update.date,
                )
            )
        incidents = [
            self._snapshot_incident(
                ticket, page_url, component_ids, updates.get(ticket.id, [])
            )
            for ticket in tickets
        ]
        incidents.sort(key=lambda i: (i.created_at, i.id), reverse=True)
        return tuple(incidents)

    @api.model
    def _snapshot_incident(self, ticket, page_url, component_ids, updates):
        facts = ticket._get_public_facts()
        phase = status_page.public_phase(facts)
        monitoring_at = (
            ticket.resolved_date if facts.fix_in_place or facts.closed else None
        )
        resolved_at = ticket.closed_date if facts.closed else None
        created = ticket.status_published_date or ticket.create_date
        moments = [created, monitoring_at, resolved_at] + [
            u.created_at for u in updates
        ]
        return Incident(
            id=ticket.id,
            name=ticket.status_public_title or "",
            status=phase,
            impact=ticket.status_impact or "none",
            url=f"{page_url}/incidents/{ticket.id}",
            created_at=created,
            updated_at=max(moment for moment in moments if moment),
            started_at=ticket.create_date,
            monitoring_at=monitoring_at or None,
            resolved_at=resolved_at or None,
            next_update_at=(
                ticket.next_update_deadline or None
                if phase != status_page.RESOLVED
                else None
            ),
            component_ids=tuple(
                cid for cid in ticket.status_component_ids.ids if cid in component_ids
            ),
            updates=tuple(updates),
        )
