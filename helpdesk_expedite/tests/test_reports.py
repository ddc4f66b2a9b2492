"""The incident reports: PDF (QWeb) and Excel (report_xlsx)."""

import io
import logging
import re
import zipfile
from datetime import datetime, timedelta
from xml.etree import ElementTree

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ExpediteHttpCase

_logger = logging.getLogger(__name__)

PDF_REPORT = "helpdesk_expedite.action_report_incident"
XLSX_REPORT = "helpdesk_expedite.action_report_incident_xlsx"
FORMULA_TITLE = "=cmd|' /C calc'!A0"
SHEETS = ["Incidents", "Affected Groups", "Escalations", "Monitoring", "Timeline"]
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}

try:
    import openpyxl
except ImportError:  # pragma: no cover - openpyxl is in requirements-test.txt
    openpyxl = None


def _column_index(cell_ref):
    letters = re.match(r"[A-Z]+", cell_ref).group(0)
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _date_styles(archive):
    """Indexes of the cell styles whose number format shows a date."""
    root = ElementTree.fromstring(archive.read("xl/styles.xml"))
    date_formats = set(range(14, 23))  # Excel's built-in date formats
    formats = root.find("m:numFmts", NS)
    for fmt in formats if formats is not None else ():
        if "yy" in fmt.get("formatCode").lower():
            date_formats.add(int(fmt.get("numFmtId")))
    styles = root.find("m:cellXfs", NS)
    return {
        index
        for index, xf in enumerate(styles)
        if int(xf.get("numFmtId", 0)) in date_formats
    }


def _excel_datetime(serial):
    """The datetime of an Excel (1900 system) serial, to the second."""
    return datetime(1899, 12, 30) + timedelta(seconds=round(serial * 86400))


def read_xlsx_zip(content):
    """{sheet name: [[(value, kind)]]} with kind "n", "s", "b" (boolean),
    "d" (datetime), "f" (formula), read straight from the workbook's XML
    (no openpyxl needed)."""
    sheets = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        shared = []
        if "xl/sharedStrings.xml" in names:
            root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
            for item in root.findall("m:si", NS):
                shared.append(
                    "".join(t.text or "" for t in item.iter(f"{{{NS['m']}}}t"))
                )
        date_styles = _date_styles(archive)
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        sheet_names = [s.get("name") for s in workbook.find("m:sheets", NS)]
        for position, name in enumerate(sheet_names, start=1):
            root = ElementTree.fromstring(
                archive.read(f"xl/worksheets/sheet{position}.xml")
            )
            rows = []
            for row in root.iter(f"{{{NS['m']}}}row"):
                cells = []
                for cell in row.findall("m:c", NS):
                    col = _column_index(cell.get("r"))
                    cells.extend([(None, None)] * (col - len(cells)))
                    formula = cell.find("m:f", NS)
                    value = cell.find("m:v", NS)
                    inline = cell.find("m:is", NS)
                    if formula is not None:
                        cells.append(("=" + (formula.text or ""), "f"))
                    elif cell.get("t") == "b":
                        cells.append((value.text == "1", "b"))
                    elif cell.get("t") == "s":
                        cells.append((shared[int(value.text)], "s"))
                    elif cell.get("t") == "inlineStr":
                        cells.append(
                            ("".join(t.text or "" for t in inline.iter()), "s")
                        )
                    elif value is not None and int(cell.get("s", 0)) in date_styles:
                        cells.append((_excel_datetime(float(value.text)), "d"))
                    elif value is not None:
                        number = float(value.text)
                        cells.append(
                            (int(number) if number.is_integer() else number, "n")
                        )
                    else:
                        cells.append((None, None))
                rows.append(cells)
            sheets[name] = rows
    return sheets


def read_xlsx_openpyxl(content):
    """Same shape as :func:`read_xlsx_zip`, read with openpyxl."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheets = {}
    for sheet in workbook.worksheets:
        rows = []
        for row in sheet.iter_rows():
            cells = []
            for cell in row:
                value = cell.value
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                if isinstance(value, datetime):
                    value = value.replace(microsecond=0) + timedelta(
                        seconds=round(value.microsecond / 1e6)
                    )
                kind = cell.data_type
                cells.append((value, kind if value is not None else None))
            # openpyxl pads every row to the sheet's width
            while cells and cells[-1] == (None, None):
                cells.pop()
            rows.append(cells)
        sheets[sheet.title] = rows
    return sheets


@tagged("post_install", "-at_install")
class TestIncidentReports(ExpediteHttpCase):
    """An HttpCase: wkhtmltopdf fetches the report's styles from the server,
    which must share the test's transaction. (Under Odoo's runner, a
    TransactionCase's PDF rendering waits forever on that request.)"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._resolve(cls._create_scenario_ticket())
        cls.ticket.action_log_monitoring(100, 0, True, False, "Manual submission OK")

    def _html(self, tickets):
        html, kind = self.env["ir.actions.report"]._render_qweb_html(
            PDF_REPORT, tickets.ids
        )
        self.assertEqual(kind, "html")
        return html.decode() if isinstance(html, bytes) else str(html)

    def _text(self, html):
        """Visible text, whitespace-normalised (for phrases across tags)."""
        return " ".join(re.sub(r"<[^>]+>", " ", html).split())

    # ------------------------------------------------------------------
    # PDF report
    # ------------------------------------------------------------------
    def test_pdf_report_action(self):
        report = self.env.ref(PDF_REPORT)
        self.assertEqual(report.report_type, "qweb-pdf")
        self.assertEqual(report.model, "helpdesk.ticket")
        self.assertEqual(report.binding_model_id.model, "helpdesk.ticket")

    def test_incident_report_html(self):
        self.assertEqual(self.ticket.class_of_service, "expedite")
        self.assertEqual(self.ticket.affected_user_count, 53)
        text = self._text(self._html(self.ticket))
        self.assertIn(self.ticket.number, text)
        self.assertIn("LMS exam submission failure", text)
        self.assertIn("Exam Coordinator", text)
        self.assertIn("Expedite", text)
        self.assertIn("Exam submission service", text)
        self.assertIn("53 in 3 groups", text)
        self.assertIn("100%", text)
        for group in ("WEB102-HN", "DATA101-SG", "MOBILE201-HN"):
            self.assertIn(group, text)
        for users in ("20", "18", "15"):
            self.assertRegex(text, rf"\b{users}\b")
        self.assertIn("database connection timeouts", text)
        self.assertIn("Rolled back the deployment", text)
        # monitoring section and timeline
        self.assertIn("Post-fix monitoring", text)
        self.assertIn("Window: 15 minutes. Result: Running", text)
        self.assertIn("+15 min", text)  # monitoring ends 15 minutes after the report
        for milestone in ("Reported", "Acknowledged", "Resolved"):
            self.assertIn(milestone, text)

    # Debian's wkhtmltopdf (unpatched Qt) renders, but warns that it ignores
    # the header and footer options; a patched build does not warn.
    @mute_logger("odoo.addons.base.models.ir_actions_report")
    def test_incident_report_pdf(self):
        """The review of a worked incident: every section's facts in the
        document, and a real PDF from wkhtmltopdf. (Debian's wkhtmltopdf
        draws text as outlines, so the PDF has no text layer to read back.)"""
        Report = self.env["ir.actions.report"]
        ticket = self.ticket
        ticket.action_escalate()
        ticket.escalation_ids.action_mark_acknowledged()
        ticket.action_log_monitoring(100)
        html = re.sub(r"\s+", " ", self._html(ticket))
        for fact in (
            "53",
            "WEB102-HN",
            "Escalation",
            self.dev_team.name,
            "Root cause",
            "Post-fix monitoring",
            "Customer confirmation and closure",
            "Incident management evaluation",
            "Handling score",
            "Timeline",
        ):
            self.assertIn(fact, html)
        state = Report.get_wkhtmltopdf_state()
        if state != "ok":
            self.skipTest(f"wkhtmltopdf is {state!r} (.ci/run installs it)")
        # Under test, Odoo returns the HTML unless asked to really render.
        pdf, kind = Report.with_context(force_report_rendering=True)._render_qweb_pdf(
            PDF_REPORT, ticket.ids
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_report_escapes_user_text(self):
        ticket = self._create_ticket(
            groups=[("<b>GRP</b>", "Hanoi", 2)],
            name="<script>alert(1)</script> outage",
            error_message="<img src=x onerror=alert(2)>",
        )
        html = self._html(ticket)
        self.assertNotIn("<script>alert(1)</script>", html)
        self.assertNotIn("<img src=x onerror", html)
        self.assertNotIn("<b>GRP</b>", html)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)

    def test_report_for_several_tickets_and_plain_ticket(self):
        plain = self._create_ticket(groups=[], name="Printer jam", failure_rate=0)
        self.assertEqual(plain.class_of_service, "standard")
        text = self._text(self._html(self.ticket | plain))
        self.assertIn(self.ticket.number, text)
        self.assertIn(plain.number, text)
        self.assertIn("Printer jam", text)
        self.assertIn("0 in 0 groups", text)

    def test_agent_can_render(self):
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.agent)
            ._render_qweb_html(PDF_REPORT, self.ticket.ids)
        )
        self.assertIn(b"53", html)

    # ------------------------------------------------------------------
    # XLSX report
    # ------------------------------------------------------------------
    def _xlsx(self, tickets):
        content, kind = self.env["ir.actions.report"]._render_xlsx(
            XLSX_REPORT, tickets.ids, {}
        )
        self.assertEqual(kind, "xlsx")
        self.assertTrue(content.startswith(b"PK"), "not a zip (xlsx) file")
        return content

    def _read(self, content):
        sheets = read_xlsx_zip(content)
        if openpyxl is not None:
            self.assertEqual(read_xlsx_openpyxl(content), sheets)
        else:
            _logger.info("openpyxl not installed: workbook read with zipfile only")
        return sheets

    def _row_for(self, rows, number):
        for row in rows[1:]:
            if row and row[0][0] == number:
                return row
        self.fail(f"no row for {number} in {rows}")

    def test_xlsx_report_action(self):
        report = self.env.ref(XLSX_REPORT)
        self.assertEqual(report.report_type, "xlsx")
        self.assertEqual(report.model, "helpdesk.ticket")

    def test_xlsx_contains_the_numbers(self):
        sheets = self._read(self._xlsx(self.ticket))
        self.assertEqual(list(sheets), SHEETS)
        rows = sheets["Incidents"]
        header = [value for value, _kind in rows[0]]
        self.assertEqual(header[0], "Ticket")
        row = dict(zip(header, self._row_for(rows, self.ticket.number), strict=False))
        self.assertEqual(row["Affected Users"], (53, "n"))
        self.assertEqual(row["Affected Groups"], (3, "n"))
        self.assertEqual(row["Failure Rate (%)"], (100, "n"))
        self.assertEqual(row["Class of Service"], ("Expedite", "s"))
        self.assertEqual(row["Monitoring"], ("Running", "s"))
        self.assertEqual(row["Title"][0], self.ticket.name)
        self.assertEqual(row["Customer Confirmed"], (False, "b"))
        self.assertEqual(row["Time to Close (min)"], (0, "n"))
        groups = sheets["Affected Groups"]
        self.assertEqual(
            [value for value, _kind in groups[0]],
            ["Ticket", "Group", "Location", "Users"],
        )
        self.assertEqual(
            sorted((r[1][0], r[3][0]) for r in groups[1:]),
            [("DATA101-SG", 18), ("MOBILE201-HN", 15), ("WEB102-HN", 20)],
        )

    def test_xlsx_formula_text_stays_text(self):
        ticket = self._create_ticket(
            groups=[("=1+1", "@SUM(A1)", 4)],
            name=FORMULA_TITLE,
            partner_id=self.env["res.partner"]
            .create({"name": "+cmd|' /C calc'!A0"})
            .id,
        )
        content = self._xlsx(ticket)
        sheets = self._read(content)
        row = self._row_for(sheets["Incidents"], ticket.number)
        self.assertEqual(row[1], (FORMULA_TITLE, "s"))
        self.assertEqual(row[2], ("+cmd|' /C calc'!A0", "s"))
        group_row = sheets["Affected Groups"][1]
        self.assertEqual(group_row[1], ("=1+1", "s"))
        self.assertEqual(group_row[2], ("@SUM(A1)", "s"))
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/"):
                    self.assertNotIn(b"<f>", archive.read(name), name)
        options = self.env[
            "report.helpdesk_expedite.incident_xlsx"
        ].get_workbook_options()
        self.assertIs(options.get("strings_to_formulas"), False)

    def test_xlsx_several_tickets(self):
        plain = self._create_ticket(groups=[], name="Printer jam", failure_rate=0)
        sheets = self._read(self._xlsx(self.ticket | plain))
        rows = sheets["Incidents"]
        self.assertEqual(len(rows), 3)
        row = self._row_for(rows, plain.number)
        self.assertEqual(row[5], (0, "n"))
        self.assertEqual(len(sheets["Affected Groups"]), 4)

    def _local(self, value):
        """An ORM datetime as the workbook shows it: the user's time zone,
        to the second."""
        return fields.Datetime.context_timestamp(self.ticket, value).replace(
            tzinfo=None, microsecond=0
        )

    def _as_dicts(self, rows):
        header = [value for value, _kind in rows[0]]
        return [dict(zip(header, row, strict=False)) for row in rows[1:]]

    def test_xlsx_sheets_typed_cells(self):
        """Escalations, monitoring checks and the timeline, one row each,
        dates as Excel dates, numbers as numbers, flags as booleans."""
        ticket = self.ticket.with_context(tz="Asia/Ho_Chi_Minh")
        self.ticket = ticket
        ticket.action_escalate(self.dev_team.id)
        self._send_escalation_mails(ticket.escalation_ids)
        ticket.escalation_ids.action_mark_acknowledged()
        ticket.action_log_monitoring(97.5, 2, False, False, "Slow but up")
        plain = self._create_ticket(groups=[], name="Printer jam", failure_rate=0)
        content, _kind = (
            self.env["ir.actions.report"]
            .with_context(tz="Asia/Ho_Chi_Minh")
            ._render_xlsx(XLSX_REPORT, (ticket | plain).ids, {})
        )
        sheets = self._read(content)
        self.assertEqual(list(sheets), SHEETS)

        escalations = self._as_dicts(sheets["Escalations"])
        self.assertEqual(
            [value for value, _kind in sheets["Escalations"][0]],
            [
                "Ticket",
                "Target",
                "Channel",
                "State",
                "Created",
                "Sent",
                "Acknowledged",
                "Acknowledged By",
                "Response Time (min)",
                "Attempts",
                "Last Error",
            ],
        )
        self.assertEqual(len(escalations), 1)
        escalation = ticket.escalation_ids
        row = escalations[0]
        self.assertEqual(row["Ticket"], (ticket.number, "s"))
        self.assertEqual(row["Target"], (self.dev_team.name, "s"))
        self.assertEqual(row["Channel"], ("Email", "s"))
        self.assertEqual(row["State"], ("Acknowledged", "s"))
        self.assertEqual(row["Sent"], (self._local(escalation.sent_date), "d"))
        self.assertEqual(
            row["Acknowledged"], (self._local(escalation.acknowledged_date), "d")
        )
        self.assertEqual(row["Acknowledged By"][1], "s")
        self.assertEqual(row["Attempts"], (1, "n"))
        self.assertEqual(row["Response Time (min)"][1], "n")

        checks = self._as_dicts(sheets["Monitoring"])
        self.assertEqual(
            [(r["Success Rate (%)"], r["Timeout Errors"]) for r in checks],
            [((100, "n"), (0, "n")), ((97.5, "n"), (2, "n"))],
        )
        self.assertEqual(
            [(r["Manual Test OK"], r["Recurrence"]) for r in checks],
            [((True, "b"), (False, "b")), ((False, "b"), (False, "b"))],
        )
        self.assertEqual(checks[1]["Note"], ("Slow but up", "s"))
        self.assertEqual(checks[1]["Source"], ("Manual", "s"))
        self.assertEqual(checks[0]["Checked At"][1], "d")

        timeline = self._as_dicts(sheets["Timeline"])
        own = [r for r in timeline if r["Ticket"][0] == ticket.number]
        self.assertEqual(
            [r["Milestone"][0] for r in own],
            [step[0] for step in ticket._get_incident_timeline()],
        )
        self.assertEqual(
            own[0]["Date"],
            (self._local(ticket.create_date), "d"),
        )
        # the user's time zone, not UTC (Asia/Ho_Chi_Minh is UTC+7)
        self.assertEqual(
            own[0]["Date"][0] - ticket.create_date.replace(microsecond=0),
            timedelta(hours=7),
        )
        self.assertEqual(own[0]["Minutes Since Report"], (0, "n"))
        self.assertIn(
            plain.number, [r["Ticket"][0] for r in timeline], "every ticket reported"
        )

    def test_agent_can_export_xlsx(self):
        self.ticket.action_escalate(self.dev_team.id)
        content, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.agent)
            ._render_xlsx(XLSX_REPORT, self.ticket.ids, {})
        )
        sheets = self._read(content)
        self.assertEqual(len(sheets["Escalations"]), 2)
        self.assertEqual(len(sheets["Monitoring"]), 2)

    def test_xlsx_header_frozen_and_filtered(self):
        if openpyxl is None:
            self.skipTest("openpyxl is not installed")
        plain = self._create_ticket(groups=[], name="Printer jam", failure_rate=0)
        content = self._xlsx(self.ticket | plain)
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        self.assertEqual(workbook.sheetnames, SHEETS)
        for sheet in workbook.worksheets:
            self.assertEqual(sheet.freeze_panes, "A2", sheet.title)
            last = openpyxl.utils.get_column_letter(sheet.max_column)
            self.assertEqual(
                sheet.auto_filter.ref, f"A1:{last}{sheet.max_row}", sheet.title
            )
            header = [cell.value for cell in sheet[1]]
            self.assertTrue(all(header), (sheet.title, header))
            self.assertTrue(sheet["A1"].font.b, sheet.title)

    def test_xlsx_reads_lines_in_batch(self):
        """Reading the children costs a fixed number of queries, not one per
        ticket: the same for 2 tickets as for 6."""
        Report = self.env["report.helpdesk_expedite.incident_xlsx"]
        tickets = self.ticket | self._create_ticket(name="Second")
        more = tickets | self.Ticket.union(
            *(self._create_ticket(name=f"Other {i}") for i in range(4))
        )
        counts = []
        for batch in (tickets, more):
            self.env.invalidate_all()
            batch = batch.with_env(self.env)
            start = self.cr.sql_log_count
            Report._get_group_rows(batch)
            Report._get_escalation_rows(batch, lambda value: value)
            Report._get_monitoring_rows(batch, lambda value: value)
            counts.append(self.cr.sql_log_count - start)
        self.assertEqual(counts[0], counts[1])
