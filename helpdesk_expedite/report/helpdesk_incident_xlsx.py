"""The incidents workbook: one sheet per kind of record, typed cells.

Every sheet has a frozen, filterable header row. The workbook is written in
xlsxwriter's ``constant_memory`` mode (each sheet streamed to a temporary
file row by row), so rows are written strictly in order, and the child
records of all tickets are read with one query per model, never per ticket.
"""

import pytz
from xlsxwriter.workbook import Workbook

from odoo import models

from ..models.public_method import Instance, public_method
from .xlsx_sheet import (
    DATETIME,
    DATETIME_FORMAT,
    ESCALATION_COLUMNS,
    GROUP_COLUMNS,
    INCIDENT_COLUMNS,
    MONITORING_COLUMNS,
    NUMBER,
    TIMELINE_COLUMNS,
    Sheet,
)


class HelpdeskIncidentXlsx(models.AbstractModel):
    _name = "report.helpdesk_expedite.incident_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Helpdesk Incident XLSX Report"

    # report_xlsx's hooks: callable over RPC as public methods, but only
    # server code has a workbook and records to give them
    @public_method()
    def get_workbook_options(self):
        options = super().get_workbook_options()
        # User-entered text such as "=cmd|..." must stay text.
        options["strings_to_formulas"] = False
        # Thousands of tickets: rows go to temporary files as they are
        # written instead of staying in memory until the workbook closes.
        options["constant_memory"] = True
        return options

    @public_method(
        workbook=Instance(Workbook),
        data=Instance(dict, required=False),
        tickets=Instance(models.BaseModel),
    )
    def generate_xlsx_report(self, workbook, data, tickets):
        formats = {
            "header": workbook.add_format({"bold": True, "bg_color": "#F2F2F2"}),
            NUMBER: workbook.add_format({"num_format": "0.0"}),
            DATETIME: workbook.add_format({"num_format": DATETIME_FORMAT}),
        }
        _ = self.env._
        title = self._translate_title
        to_local = self._get_local_datetime_converter()
        sheets = [
            Sheet(workbook, _("Incidents"), INCIDENT_COLUMNS, formats, title),
            Sheet(workbook, _("Affected Groups"), GROUP_COLUMNS, formats, title),
            Sheet(workbook, _("Escalations"), ESCALATION_COLUMNS, formats, title),
            Sheet(workbook, _("Monitoring"), MONITORING_COLUMNS, formats, title),
            Sheet(workbook, _("Timeline"), TIMELINE_COLUMNS, formats, title),
        ]
        incidents, groups, escalations, monitoring, timeline = sheets
        group_rows = self._get_group_rows(tickets)
        escalation_rows = self._get_escalation_rows(tickets, to_local)
        monitoring_rows = self._get_monitoring_rows(tickets, to_local)
        labels = self._get_selection_labels(tickets)
        for ticket in tickets:
            number = ticket.number or ""
            incidents.append(self._ticket_row(ticket, labels))
            for row in group_rows.get(ticket.id, ()):
                groups.append([number, *row])
            for row in escalation_rows.get(ticket.id, ()):
                escalations.append([number, *row])
            for row in monitoring_rows.get(ticket.id, ()):
                monitoring.append([number, *row])
            for label, date, minutes in ticket._get_incident_timeline():
                timeline.append([number, label, to_local(date), minutes])
        for sheet in sheets:
            sheet.close()

    # ------------------------------------------------------------------
    # Rows
    # ------------------------------------------------------------------

    def _translate_title(self, title):
        """A column title (lazy term) in the user's language."""
        return str(title)

    def _get_local_datetime_converter(self):
        """A function turning the ORM's naive UTC datetimes into naive ones
        in the user's time zone (as Odoo's own exports show them)."""
        tz_name = self.env.context.get("tz") or self.env.user.tz or "UTC"
        try:
            zone = pytz.timezone(tz_name)
        except pytz.UnknownTimeZoneError:
            zone = pytz.utc

        def to_local(value):
            if not value:
                return False
            # to the second, as Odoo shows it
            local = pytz.utc.localize(value).astimezone(zone)
            return local.replace(tzinfo=None, microsecond=0)

        return to_local

    def _get_selection_labels(self, tickets):
        def labels(field_name):
            field = tickets._fields[field_name]
            return dict(field._description_selection(self.env))

        return {
            "class_of_service": labels("class_of_service"),
            "monitoring_state": labels("monitoring_state"),
        }

    def _ticket_row(self, ticket, labels):
        return [
            ticket.number,
            ticket.name,
            ticket.partner_id.display_name or ticket.partner_name,
            labels["class_of_service"].get(ticket.class_of_service, ""),
            ticket.stage_id.name,
            ticket.affected_user_count,
            ticket.affected_group_count,
            ticket.failure_rate,
            ticket.root_cause_category_id.name,
            labels["monitoring_state"].get(ticket.monitoring_state, ""),
            ticket.customer_confirmed,
            ticket.time_to_acknowledge,
            ticket.time_to_escalate,
            ticket.time_to_resolve,
            ticket.time_to_close,
            ticket.update_compliance,
            ticket.escalation_ack_minutes,
            ticket.handling_score,
        ]

    def _read_lines(self, model, tickets, field_names, order):
        """{ticket id: [line values]} of all the tickets' lines, one query
        (plus the names of the many2one fields) whatever their number."""
        if not tickets:
            return {}
        Line = self.env[model]
        records = Line.search_read(
            [("ticket_id", "in", tickets.ids)], ["ticket_id", *field_names], order=order
        )
        lines = {}
        for values in records:
            lines.setdefault(values["ticket_id"][0], []).append(values)
        return lines

    @staticmethod
    def _name_of(value):
        """The name of a many2one value read by ``search_read``."""
        return value[1] if value else ""

    def _get_group_rows(self, tickets):
        lines = self._read_lines(
            "helpdesk.ticket.impact.line",
            tickets,
            ["name", "location", "affected_users"],
            order="id",
        )
        return {
            ticket_id: [
                [line["name"], line["location"], line["affected_users"]]
                for line in values
            ]
            for ticket_id, values in lines.items()
        }

    def _get_escalation_rows(self, tickets, to_local):
        Escalation = self.env["helpdesk.ticket.escalation"]
        channels = dict(Escalation._fields["channel"]._description_selection(self.env))
        states = dict(Escalation._fields["state"]._description_selection(self.env))
        lines = self._read_lines(
            "helpdesk.ticket.escalation",
            tickets,
            [
                "target_id",
                "channel",
                "state",
                "create_date",
                "sent_date",
                "acknowledged_date",
                "acknowledged_by_id",
                "response_time",
                "attempt_count",
                "last_error",
            ],
            order="create_date, id",
        )
        return {
            ticket_id: [
                [
                    self._name_of(line["target_id"]),
                    channels.get(line["channel"], ""),
                    states.get(line["state"], ""),
                    to_local(line["create_date"]),
                    to_local(line["sent_date"]),
                    to_local(line["acknowledged_date"]),
                    self._name_of(line["acknowledged_by_id"]),
                    line["response_time"],
                    line["attempt_count"],
                    line["last_error"],
                ]
                for line in values
            ]
            for ticket_id, values in lines.items()
        }

    def _get_monitoring_rows(self, tickets, to_local):
        Log = self.env["helpdesk.ticket.monitoring.log"]
        sources = dict(Log._fields["source"]._description_selection(self.env))
        lines = self._read_lines(
            "helpdesk.ticket.monitoring.log",
            tickets,
            [
                "check_date",
                "success_rate",
                "timeout_errors",
                "manual_test_ok",
                "recurrence",
                "source",
                "user_id",
                "note",
            ],
            order="check_date, id",
        )
        return {
            ticket_id: [
                [
                    to_local(line["check_date"]),
                    line["success_rate"],
                    line["timeout_errors"],
                    line["manual_test_ok"],
                    line["recurrence"],
                    sources.get(line["source"], ""),
                    self._name_of(line["user_id"]),
                    line["note"],
                ]
                for line in values
            ]
            for ticket_id, values in lines.items()
        }
