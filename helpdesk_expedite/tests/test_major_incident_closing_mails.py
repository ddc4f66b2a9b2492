"""A reporter closed with its major incident gets the incident's
closing mail only, even when the clock ticks between the incident's own
closing and its reporters' (a few hundred reporters take seconds)."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .test_major_incident import MajorIncidentCase

T0 = datetime(2026, 6, 15, 10, 0)


@tagged("post_install", "-at_install")
class TestClosingMailsWhenTheClockTicks(MajorIncidentCase):
    def test_no_stage_mail_when_the_reporters_close_a_second_later(self):
        with freeze_time(T0):
            self._link_all()
            self._resolve(self.major)
            self.major.action_log_monitoring(100.0)
        with freeze_time(T0 + timedelta(hours=2)):
            self.major.action_log_monitoring(100.0)
        self.env["mail.mail"].search([]).unlink()
        # every reading of the clock one second later than the one before
        with freeze_time(T0 + timedelta(hours=3), auto_tick_seconds=1):
            self.major.with_context(mail_notrack=False).action_confirm_resolution(
                channel="phone"
            )
            self.env.cr.precommit.run()
        self.assertTrue(all(self.reporters.mapped("closed")))
        stage_mails = self.env["mail.mail"].search(
            [
                ("res_id", "in", self.reporters.ids),
                ("model", "=", "helpdesk.ticket"),
                ("subject", "ilike", "has been closed"),
            ]
        )
        self.assertFalse(stage_mails, "the incident's mail replaces the stage's")
