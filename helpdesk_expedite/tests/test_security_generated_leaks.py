"""Generated leak tests: what the registry holds, tried against hidden tickets.

Odoo computes stored fields as superuser, so a record that reads another one
can show its user what he may not read. These tests enumerate, at run time,

- every transient model (wizard) of the add-on, with each of its fields
  that refers to a ticket, and
- every stored computed field of the add-on that depends on another record
  through a many-to-one,

and try each as an own-tickets agent of one company against tickets he may
not see: another company's, and another agent's of his own company. Each
hidden ticket carries a marker in every text field. A wizard must refuse
the ticket when created with it, when it comes as a default from the
context, when written, and in the web client's onchange (which creates
nothing); a stored compute's record must refuse the hidden record. A new
wizard or stored compute is tried with no list to update.
"""

import json

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import ExpediteCase

MARKER = "HIDDENMARK-4c1"
REFUSALS = (AccessError, UserError, ValidationError)


def addon_transient_models(env):
    return [
        model
        for name, model in env.registry.items()
        if model._transient and model._original_module == "helpdesk_expedite"
    ]


def relational_dependencies(env):
    """(model name, field, many-to-one it reads through) for every stored
    computed field of the add-on, transient models aside."""
    found = []
    for name, model in env.registry.items():
        if model._transient or model._abstract:
            continue
        for field in model._fields.values():
            if field._module != "helpdesk_expedite" or not (
                field.store and field.compute
            ):
                continue
            for path in env.registry.field_depends[field]:
                first = model._fields.get(path.split(".")[0])
                if first is not None and first.type == "many2one" and first.store:
                    found.append((name, field, first))
    return found


@tagged("post_install", "-at_install", "helpdesk_expedite_security")
class TestGeneratedLeaks(ExpediteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company_b = env["res.company"].create({"name": "Leak Company B"})
        cls.spy = new_test_user(
            env, login="leak_own_agent", groups="helpdesk_mgmt.group_helpdesk_user_own"
        )
        cls.team.user_ids |= cls.spy
        cls.own_ticket = cls._create_scenario_ticket(
            name="The spy's own incident", user_id=cls.spy.id
        )
        team_b = env["helpdesk.ticket.team"].create(
            {"name": "Team B (leak)", "company_id": cls.company_b.id}
        )
        cls.targets_b = env["helpdesk.escalation.target"].create(
            {
                "name": f"B Dev {MARKER}",
                "channel": "email",
                "email": "dev-b@example.com",
                "company_id": cls.company_b.id,
            }
        )
        cls.hidden = {
            "another company's ticket": cls._marked_ticket(
                team_id=team_b.id, company_id=cls.company_b.id
            ),
            "another agent's ticket": cls._marked_ticket(user_id=cls.agent.id),
        }

    @classmethod
    def _marked_ticket(cls, **values):
        ticket = cls._create_scenario_ticket(**values)
        marked = {
            name: f"{MARKER} {name}"
            for name, field in ticket._fields.items()
            if field.type in ("char", "text", "html")
            and field.store
            and not field.readonly
            and not field.compute
            and name not in ("number", "partner_email")
        }
        ticket.sudo().write(marked)
        return ticket

    # ------------------------------------------------------------------
    # Wizards
    # ------------------------------------------------------------------
    def _ticket_fields(self, model):
        return [
            field
            for field in model._fields.values()
            if field.type in ("many2one", "many2many")
            and field.comodel_name == "helpdesk.ticket"
            and field.store
            and not field.automatic
        ]

    def _value(self, field, ticket):
        if field.type == "many2one":
            return ticket.id
        return [Command.set(ticket.ids)]

    def _filled(self, model, skip):
        """Valid values, the spy's own, for the other required fields."""
        values = {}
        for name, field in model._fields.items():
            if name == skip or not field.required or field.compute:
                continue
            if field.comodel_name == "helpdesk.ticket":
                values[name] = self._value(field, self.own_ticket)
            elif field.type in ("char", "text", "html"):
                values[name] = "x"
            elif field.type in ("integer", "float"):
                values[name] = 1
        return values

    def test_the_registry_holds_wizards_that_name_tickets(self):
        names = {m._name for m in addon_transient_models(self.env)}
        self.assertIn("helpdesk.ticket.status.update.wizard", names)
        self.assertIn("helpdesk.ticket.escalation.wizard", names)

    def test_every_wizard_refuses_tickets_its_user_cannot_see(self):
        tried = 0
        for model in addon_transient_models(self.env):
            Wizard = self.env[model._name].with_user(self.spy)
            for field in self._ticket_fields(model):
                for kind, ticket in self.hidden.items():
                    with self.subTest(
                        wizard=model._name, field=field.name, ticket=kind
                    ):
                        self._try_wizard(Wizard, field, ticket)
                        tried += 1
        self.assertGreaterEqual(tried, 8)

    def _try_wizard(self, Wizard, field, ticket):
        self.assertFalse(ticket.with_user(self.spy).has_access("read"))
        value = self._value(field, ticket)
        filled = self._filled(Wizard, field.name)
        self._assert_refused(lambda: Wizard.create({**filled, field.name: value}))
        default = {
            f"default_{field.name}": value if field.type == "many2one" else ticket.ids
        }
        self._assert_refused(lambda: Wizard.with_context(**default).create(filled))
        own = Wizard.create({**filled, field.name: self._value(field, self.own_ticket)})
        self._assert_refused(lambda: own.write({field.name: value}))
        self._assert_onchange_shows_nothing(Wizard, field, value)

    def _assert_refused(self, call):
        # nothing read earlier in this transaction may spare a fetch (and
        # its access check), as in a fresh request
        self.env.invalidate_all()
        try:
            with mute_logger("odoo.models", "odoo.sql_db"), self.env.cr.savepoint():
                call()
        except REFUSALS:
            return
        self.fail("accepted")

    def _assert_onchange_shows_nothing(self, Wizard, field, value):
        spec = {
            name: {"fields": {"display_name": {}}} if f.relational else {}
            for name, f in Wizard._fields.items()
            if not f.automatic
        }
        self.env.invalidate_all()
        try:
            with self.env.cr.savepoint():
                result = Wizard.onchange({field.name: value}, [field.name], spec)
        except REFUSALS:
            return
        shown = json.dumps(result, default=str)
        self.assertNotIn(MARKER, shown)
        self.assertNotIn(
            str(self.targets_b.id), json.dumps(result.get("value", {}).get("target_id"))
        )

    # ------------------------------------------------------------------
    # Stored computes that read another record
    # ------------------------------------------------------------------
    def test_every_stored_compute_reading_another_record_refuses_hidden_ones(self):
        dependencies = relational_dependencies(self.env)
        self.assertIn(
            ("helpdesk.ticket.escalation", "channel", "target_id"),
            {(m, f.name, via.name) for m, f, via in dependencies},
        )
        tried = 0
        for model_name, field, via in dependencies:
            hidden = self._hidden_records(via.comodel_name)
            for record in hidden:
                with self.subTest(model=model_name, field=field.name, via=via.name):
                    self._try_stored_compute(model_name, via, record)
                    tried += 1
        self.assertGreaterEqual(tried, 8)

    def _hidden_records(self, comodel_name):
        """Records of that model the spy may not read (one per company and
        kind): hidden tickets, or another company's records."""
        if comodel_name == "helpdesk.ticket":
            return list(self.hidden.values())
        Comodel = self.env[comodel_name]
        if "company_id" not in Comodel._fields or comodel_name == "res.company":
            return []
        record = Comodel.search([("company_id", "=", self.company_b.id)], limit=1)
        return [record] if record else []

    def _try_stored_compute(self, model_name, via, record):
        Model = self.env[model_name].with_user(self.spy)
        self.assertFalse(record.with_user(self.spy).has_access("read"))
        filled = self._line_values(Model, via.name)
        self._assert_refused(lambda: Model.create({**filled, via.name: record.id}))

    def _line_values(self, Model, skip):
        values = (
            {"ticket_id": self.own_ticket.id} if "ticket_id" in Model._fields else {}
        )
        if "target_id" in Model._fields:
            values["target_id"] = self.dev_team.id
        for name, field in Model._fields.items():
            if field.required and not field.compute and name not in values:
                if field.type in ("char", "text"):
                    values[name] = "x"
                elif field.type in ("integer", "float"):
                    values[name] = 1
        values.pop(skip, None)
        return values
