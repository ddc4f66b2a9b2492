"""What the customer of a report linked automatically is told.

First one short answer in his language (the incident's public page and his
ticket), with a note on his ticket and on the incident, as the report comes
in. During a flood (by default 100 or more reports linked automatically to
the incident in the last minute: the scenario's 53 students writing in at
once are not one; the system parameter
``helpdesk_expedite.report_flood_per_minute``, 0 = never) the link is still
made at once but the answers and notes wait for a cron that sends them in
batches: one rendering of the answer per batch and language and one note on
the incident per batch, not one per report, so that the mail gateway keeps
up.

Later, until an agent links the report himself, its customer hears what the
status page says: the public title, the public updates, that it is
resolved; not the incident's service, the updates for its customers only,
nor its resolution summary.
"""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import email_normalize, groupby

from ..constants import AGENT_GROUP
from ..db_locks import commit_progress
from ..lifecycle_guard import system_write
from .major_incident_fanout import CLOSED_TEMPLATE, UPDATE_TEMPLATE

_logger = logging.getLogger(__name__)

ANSWER_TEMPLATE = "helpdesk_expedite.mail_template_report_linked"
ANSWER_CRON = "helpdesk_expedite.ir_cron_answer_linked_reports"
FLOOD_PARAMETER = "helpdesk_expedite.report_flood_per_minute"
FLOOD_DEFAULT = 100
ANSWER_BATCH = 200
# what an automatically linked reporter's customer gets instead
PUBLIC_TEMPLATES = {
    UPDATE_TEMPLATE: "helpdesk_expedite.mail_template_report_incident_update",
    CLOSED_TEMPLATE: "helpdesk_expedite.mail_template_report_incident_closed",
}


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    report_answer_pending = fields.Boolean(
        string="Answer Pending",
        readonly=True,
        copy=False,
        groups=AGENT_GROUP,
        help="Linked automatically during a flood of reports: its customer's "
        "short answer goes out with the next batch.",
    )

    @api.model
    def _get_guarded_fields(self):
        return super()._get_guarded_fields() | {"report_answer_pending"}

    # -- the short answer -------------------------------------------------

    def _queue_link_answers(self, major):
        """Have the cron answer these reports (queued) with its next batch;
        at once if the cron is gone."""
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(
            ANSWER_CRON, raise_if_not_found=False
        )
        if cron_id:
            self.env["ir.cron"].sudo().browse(cron_id)._trigger()
            return
        _logger.warning("%s is missing: the reports are answered at once", ANSWER_CRON)
        with system_write():
            self.write({"report_answer_pending": False})
        self._send_link_answers(major)

    def _in_a_flood(self, major):
        """Whether ``major`` gathered its flood threshold of reports
        automatically in the last minute: the answers of the next ones then
        wait for the cron's batch."""
        parameters = self.env["ir.config_parameter"].sudo()
        threshold = parameters.get_param(FLOOD_PARAMETER, FLOOD_DEFAULT)
        try:
            threshold = int(threshold)
        except ValueError:
            threshold = FLOOD_DEFAULT
        if threshold <= 0:
            return False
        recent = self.sudo().search_count(
            [
                ("major_incident_id", "=", major.id),
                ("major_incident_auto_linked", "=", True),
                ("create_date", ">=", self.env.cr.now() - timedelta(minutes=1)),
            ],
            limit=threshold,
        )
        return recent >= threshold

    def _send_link_answers(self, major):
        """The notes of the link and each customer's short answer."""
        self._log_major_incident_links(major, linking=True)
        template = self.env.ref(ANSWER_TEMPLATE).sudo()
        template.send_mail_batch(
            self.ids, email_layout_xmlid="mail.mail_notification_light"
        )

    @api.model
    def _cron_answer_linked_reports(self, batch_size=ANSWER_BATCH):
        """The answers queued during a flood, one batch per incident. The
        reports of an incident closed meanwhile have had its closing mail:
        only the notes. One incident's failure leaves the others' answers."""
        pending = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [("report_answer_pending", "=", True)], order="id", limit=batch_size
            )
        )
        with system_write():
            pending.write({"report_answer_pending": False})
        linked = pending.filtered("major_incident_auto_linked")
        for major, reports in groupby(linked, key=lambda t: t.major_incident_id):
            reports = self.sudo().browse([r.id for r in reports])
            try:
                with self.env.cr.savepoint():
                    if major.closed:
                        reports._log_major_incident_links(major, linking=True)
                    else:
                        reports._send_link_answers(major)
            except Exception:
                _logger.exception("Answers to the reports of %s failed", major.id)
        commit_progress(self.env)
        remaining = (
            self.sudo()
            .with_context(active_test=False)
            .search_count([("report_answer_pending", "=", True)])
        )
        self.env["ir.cron"]._notify_progress(done=len(pending), remaining=remaining)

    # -- what such a reporter's customer is told ---------------------------

    def _reporters_given_the_summary(self, reporters):
        """Not the reports linked automatically: the summary is written for
        the incident's own customers."""
        reporters = super()._reporters_given_the_summary(reporters)
        return reporters.filtered(lambda t: not t.sudo().major_incident_auto_linked)

    def _tell_linked_customers(self, template_xmlid, reporters, text):
        """Reporters linked by an agent hear what the incident's customers
        hear; those linked automatically what the status page says."""
        auto = reporters.sudo().filtered("major_incident_auto_linked")
        public = PUBLIC_TEMPLATES.get(template_xmlid)
        if not auto or not public:
            return super()._tell_linked_customers(template_xmlid, reporters, text)
        mails = super()._tell_linked_customers(template_xmlid, reporters - auto, text)
        if template_xmlid == UPDATE_TEMPLATE:
            if not self._get_latest_status_update().is_public:
                return mails  # for the incident's customers only
        else:
            text = ""  # the resolution summary is the customers'
        told = {email_normalize(mail.email_to) for mail in mails} | set(
            self._get_incident_recipients().mapped("email_normalized")
        )
        told |= set(mails.recipient_ids.mapped("email_normalized"))
        recipients = auto._one_report_per_address(told)
        if recipients:
            template = self.env.ref(public).sudo()
            mails |= template.with_context(major_incident_text=text).send_mail_batch(
                recipients.ids, email_layout_xmlid="mail.mail_notification_light"
            )
        return mails

    def _one_report_per_address(self, told):
        """The first report of each address not in ``told`` (a customer
        known as a contact, or only by the address he wrote from)."""
        chosen = {}
        for report in self.sorted("id"):
            address = report.partner_id.email_normalized or email_normalize(
                report.partner_email or ""
            )
            if address and address not in told:
                chosen.setdefault(address, report)
        return self.browse([report.id for report in chosen.values()])
