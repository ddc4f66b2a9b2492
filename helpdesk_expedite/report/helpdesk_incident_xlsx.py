from odoo import models

HEADERS = [
    ("Ticket", 14),
    ("Title", 40),
    ("Customer", 28),
    ("Class of Service", 14),
    ("Stage", 14),
    ("Affected Users", 10),
    ("Affected Groups", 10),
    ("Failure Rate (%)", 10),
    ("Root Cause Category", 18),
    ("Monitoring", 12),
    ("Customer Confirmed", 10),
    ("Time to Acknowledge (min)", 12),
    ("Time to Escalate (min)", 12),
    ("Time to Resolve (min)", 12),
    ("Time to Close (min)", 12),
    ("Update Compliance (%)", 12),
    ("Escalation Acknowledged After (min)", 14),
    ("Handling Score (%)", 12),
]


class HelpdeskIncidentXlsx(models.AbstractModel):
    _name = "report.helpdesk_expedite.incident_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Helpdesk Incident XLSX Report"

    def get_workbook_options(self):
        options = super().get_workbook_options()
        # User-entered text such as "=cmd|..." must stay text.
        options["strings_to_formulas"] = False
        return options

    def generate_xlsx_report(self, workbook, data, tickets):
        bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2"})
        number = workbook.add_format({"num_format": "0.0"})
        sheet = workbook.add_worksheet(self.env._("Incidents"))
        for col, (title, width) in enumerate(HEADERS):
            sheet.write(0, col, self.env._(title), bold)
            sheet.set_column(col, col, width)
        sheet.freeze_panes(1, 0)
        for row, ticket in enumerate(tickets, start=1):
            for col, value in enumerate(self._ticket_row(ticket)):
                # bool is an int: an empty Char (False) must not become 0.
                if isinstance(value, float):
                    sheet.write_number(row, col, value, number)
                elif isinstance(value, int) and not isinstance(value, bool):
                    sheet.write_number(row, col, value)
                else:
                    # write_string: user text is never a formula.
                    sheet.write_string(row, col, value or "")
        self._write_groups_sheet(workbook, bold, tickets)

    def _ticket_row(self, ticket):
        selection = dict(
            ticket._fields["class_of_service"]._description_selection(self.env)
        )
        monitoring = dict(
            ticket._fields["monitoring_state"]._description_selection(self.env)
        )
        return [
            ticket.number or "",
            ticket.name or "",
            ticket.partner_id.display_name or ticket.partner_name or "",
            selection[ticket.class_of_service],
            ticket.stage_id.name or "",
            ticket.affected_user_count,
            ticket.affected_group_count,
            ticket.failure_rate,
            ticket.root_cause_category_id.name or "",
            monitoring[ticket.monitoring_state],
            self.env._("Yes") if ticket.customer_confirmed else self.env._("No"),
            ticket.time_to_acknowledge,
            ticket.time_to_escalate,
            ticket.time_to_resolve,
            ticket.time_to_close,
            ticket.update_compliance,
            ticket.escalation_ack_minutes,
            ticket.handling_score,
        ]

    def _write_groups_sheet(self, workbook, bold, tickets):
        sheet = workbook.add_worksheet(self.env._("Affected Groups"))
        for col, title in enumerate(["Ticket", "Group", "Location", "Users"]):
            sheet.write(0, col, self.env._(title), bold)
        sheet.set_column(0, 2, 20)
        row = 1
        for ticket in tickets:
            for line in ticket.impact_line_ids:
                sheet.write_string(row, 0, ticket.number or "")
                sheet.write_string(row, 1, line.name)
                sheet.write_string(row, 2, line.location or "")
                sheet.write_number(row, 3, line.affected_users)
                row += 1
