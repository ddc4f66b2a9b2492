"""The 18.0.1.1.0 migration: mail templates are noupdate data, so a
database installed with an earlier version keeps its old templates through
an upgrade unless the migration resets them (issue 19, finding 2)."""

from odoo.modules.migration import load_script
from odoo.tests import tagged

from .common import ExpediteCase

SCRIPT = "helpdesk_expedite/migrations/18.0.1.1.0/post-migrate.py"
UPDATE = "helpdesk_expedite.mail_template_major_incident_update"
# the linked customers' update as 18.0.1.0.0 shipped it: the major
# incident's own title, its customer's words, in the subject and the body
OLD_SUBJECT = (
    "[{{ object.number }}] Incident update: {{ "
    "object.sudo().major_incident_id.affected_service or "
    "object.sudo().major_incident_id.name }}"
)
OLD_BODY = (
    '<t t-set="major" t-value="object.sudo().major_incident_id"/>'
    '<div><p>Your ticket <strong t-out="object.number"/> is part of an incident '
    'our team is handling now: <strong t-out="major.affected_service or '
    'major.name"/>.</p></div>'
)
OLD_BODY_VI = OLD_BODY.replace("Your ticket", "Phiếu của bạn")


@tagged("post_install", "-at_install")
class TestMailTemplateMigration(ExpediteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_vietnamese()
        cls.templates = cls.env["mail.template"].browse(
            cls.env["ir.model.data"]
            .search(
                [("module", "=", "helpdesk_expedite"), ("model", "=", "mail.template")]
            )
            .mapped("res_id")
        )

    def _texts(self):
        return {
            (template.id, lang): (
                template.with_context(lang=lang).subject,
                template.with_context(lang=lang).body_html,
            )
            for template in self.templates
            for lang in ("en_US", "vi_VN")
        }

    def _migrate(self):
        load_script(SCRIPT, "helpdesk_expedite_post_migrate").migrate(
            self.env.cr, "18.0.1.0.0"
        )
        self.env.invalidate_all()

    def test_templates_of_an_earlier_version_are_reset_in_every_language(self):
        shipped = self._texts()
        update = self.env.ref(UPDATE)
        update.write({"subject": OLD_SUBJECT, "body_html": OLD_BODY})
        update.with_context(lang="vi_VN").write({"body_html": OLD_BODY_VI})
        (self.templates - update).write({"body_html": "<p>Edited in the database</p>"})
        self.assertNotEqual(self._texts(), shipped)
        self._migrate()
        self.assertEqual(self._texts(), shipped)
        self.assertNotIn("major.name", update.body_html)
        self.assertNotIn("major_incident_id.name", update.subject)

    def test_a_reset_update_names_no_major_incident_title(self):
        major = self._create_scenario_ticket(
            name="Title written by the first customer", affected_service=False
        )
        reporter = self._create_ticket(groups=[], name="My own report")
        reporter.action_link_to_major_incident(major.id)
        self.env.ref(UPDATE).write({"subject": OLD_SUBJECT, "body_html": OLD_BODY})
        self._migrate()
        for lang in ("en_US", "vi_VN"):
            template = self.env.ref(UPDATE).with_context(lang=lang)
            for field in ("subject", "body_html"):
                text = template._render_field(field, reporter.ids, set_lang=lang)
                self.assertNotIn(major.name, str(text[reporter.id]), (lang, field))
