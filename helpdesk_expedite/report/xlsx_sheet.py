"""The incidents workbook's columns (title, width, kind of cell) and the
writer of one sheet."""

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# Cell kinds: how a value is written and formatted.
TEXT, INTEGER, NUMBER, BOOLEAN, DATETIME = "text", "int", "num", "bool", "datetime"

INCIDENT_COLUMNS = [
    (_lt("Ticket"), 14, TEXT),
    (_lt("Title"), 40, TEXT),
    (_lt("Customer"), 28, TEXT),
    (_lt("Class of Service"), 14, TEXT),
    (_lt("Stage"), 14, TEXT),
    (_lt("Affected Users"), 10, INTEGER),
    (_lt("Affected Groups"), 10, INTEGER),
    (_lt("Failure Rate (%)"), 10, NUMBER),
    (_lt("Root Cause Category"), 18, TEXT),
    (_lt("Monitoring"), 12, TEXT),
    (_lt("Customer Confirmed"), 10, BOOLEAN),
    (_lt("Time to Acknowledge (min)"), 12, NUMBER),
    (_lt("Time to Escalate (min)"), 12, NUMBER),
    (_lt("Time to Resolve (min)"), 12, NUMBER),
    (_lt("Time to Close (min)"), 12, NUMBER),
    (_lt("Update Compliance (%)"), 12, NUMBER),
    (_lt("Escalation Acknowledged After (min)"), 14, NUMBER),
    (_lt("Handling Score (%)"), 12, NUMBER),
]
GROUP_COLUMNS = [
    (_lt("Ticket"), 14, TEXT),
    (_lt("Group"), 20, TEXT),
    (_lt("Location"), 20, TEXT),
    (_lt("Users"), 10, INTEGER),
]
ESCALATION_COLUMNS = [
    (_lt("Ticket"), 14, TEXT),
    (_lt("Target"), 20, TEXT),
    (_lt("Channel"), 10, TEXT),
    (_lt("State"), 12, TEXT),
    (_lt("Created"), 17, DATETIME),
    (_lt("Sent"), 17, DATETIME),
    (_lt("Acknowledged"), 17, DATETIME),
    (_lt("Acknowledged By"), 20, TEXT),
    (_lt("Response Time (min)"), 12, NUMBER),
    (_lt("Attempts"), 9, INTEGER),
    (_lt("Last Error"), 40, TEXT),
]
MONITORING_COLUMNS = [
    (_lt("Ticket"), 14, TEXT),
    (_lt("Checked At"), 17, DATETIME),
    (_lt("Success Rate (%)"), 10, NUMBER),
    (_lt("Timeout Errors"), 10, INTEGER),
    (_lt("Manual Test OK"), 10, BOOLEAN),
    (_lt("Recurrence"), 10, BOOLEAN),
    (_lt("Source"), 10, TEXT),
    (_lt("Logged By"), 20, TEXT),
    (_lt("Note"), 40, TEXT),
]
TIMELINE_COLUMNS = [
    (_lt("Ticket"), 14, TEXT),
    (_lt("Milestone"), 20, TEXT),
    (_lt("Date"), 17, DATETIME),
    (_lt("Minutes Since Report"), 12, INTEGER),
]
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


class Sheet:
    """A worksheet filled row after row: typed cells, frozen and filterable
    header."""

    def __init__(self, workbook, name, columns, formats, translate):
        self.sheet = workbook.add_worksheet(name)
        self.kinds = [kind for _title, _width, kind in columns]
        self.formats = formats
        self.row = 0
        for col, (title, width, _kind) in enumerate(columns):
            self.sheet.set_column(col, col, width)
            self.sheet.write_string(0, col, translate(title), formats["header"])
        self.sheet.freeze_panes(1, 0)

    def append(self, values):
        self.row += 1
        row, sheet, formats = self.row, self.sheet, self.formats
        for col, (kind, value) in enumerate(zip(self.kinds, values, strict=True)):
            if kind == TEXT:
                # write_string: user text is never a formula; an empty Char
                # (False) is an empty cell, not 0
                if value:
                    sheet.write_string(row, col, value)
            elif kind == BOOLEAN:
                sheet.write_boolean(row, col, bool(value))
            elif kind == DATETIME:
                if value:
                    sheet.write_datetime(row, col, value, formats[DATETIME])
            elif kind == NUMBER:
                sheet.write_number(row, col, value or 0.0, formats[NUMBER])
            else:
                sheet.write_number(row, col, value or 0)

    def close(self):
        self.sheet.autofilter(0, 0, self.row, len(self.kinds) - 1)
