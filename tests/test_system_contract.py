"""The add-on's public contract, checked over XML-RPC on a running server:
the models, fields (type, relation, selection values), methods and XML IDs
that integrations and other add-ons rely on (listed below), which must not
be renamed."""

import xmlrpc.client

import pytest

# model -> {field: (type, relation or selection keys or None)}
CONTRACT_FIELDS = {
    "helpdesk.ticket": {
        "impact_line_ids": ("one2many", "helpdesk.ticket.impact.line"),
        "affected_user_count": ("integer", None),
        "affected_group_count": ("integer", None),
        "failure_rate": ("float", None),
        "error_message": ("char", None),
        "affected_service": ("char", None),
        "critical_activity_blocked": ("boolean", None),
        "executive_partner_ids": ("many2many", "res.partner"),
        "executive_involved": ("boolean", None),
        "business_impact": ("text", None),
        "deadline": ("datetime", None),
        "class_of_service": (
            "selection",
            {"expedite", "fixed_date", "standard", "intangible"},
        ),
        "class_of_service_locked": ("boolean", None),
        "class_of_service_lock_reason": ("char", None),
        "classification_rule_id": ("many2one", "helpdesk.expedite.rule"),
        "classification_reason": ("text", None),
        "update_interval": ("integer", None),
        "acknowledged_date": ("datetime", None),
        "last_status_update_date": ("datetime", None),
        "escalated_date": ("datetime", None),
        "resolved_date": ("datetime", None),
        "monitoring_end_date": ("datetime", None),
        "customer_confirmed_date": ("datetime", None),
        "next_update_deadline": ("datetime", None),
        "update_overdue": ("boolean", None),
        "time_to_acknowledge": ("float", None),
        "time_to_escalate": ("float", None),
        "time_to_resolve": ("float", None),
        "time_to_close": ("float", None),
        "check_ids": ("one2many", "helpdesk.ticket.check"),
        "findings": ("html", None),
        "preliminary_assessment": ("text", None),
        "escalation_ids": ("one2many", "helpdesk.ticket.escalation"),
        "root_cause_category_id": ("many2one", "helpdesk.root.cause.category"),
        "root_cause": ("text", None),
        "corrective_action_ids": ("one2many", "helpdesk.ticket.corrective.action"),
        "resolution_summary": ("text", None),
        "monitoring_window": ("integer", None),
        "monitoring_log_ids": ("one2many", "helpdesk.ticket.monitoring.log"),
        "monitoring_state": (
            "selection",
            {"not_started", "running", "passed", "failed"},
        ),
        "customer_confirmed": ("boolean", None),
        "closure_override_reason": ("text", None),
    },
    "helpdesk.ticket.impact.line": {
        "ticket_id": ("many2one", "helpdesk.ticket"),
        "name": ("char", None),
        "location": ("char", None),
        "affected_users": ("integer", None),
        "note": (None, None),
    },
    "helpdesk.expedite.rule": {
        "name": ("char", None),
        "sequence": ("integer", None),
        "active": ("boolean", None),
        "company_id": ("many2one", "res.company"),
        "team_ids": ("many2many", "helpdesk.ticket.team"),
        "affected_users_over": ("integer", None),
        "min_failure_rate": ("float", None),
        "min_groups": ("integer", None),
        "require_critical_activity_blocked": ("boolean", None),
        "require_executive": ("boolean", None),
        "require_deadline": ("boolean", None),
        "class_of_service": (
            "selection",
            {"expedite", "fixed_date", "standard", "intangible"},
        ),
        "priority": ("selection", {"0", "1", "2", "3"}),
        "update_interval": ("integer", None),
    },
    "helpdesk.check.template": {
        "name": ("char", None),
        "sequence": ("integer", None),
        "description": (None, None),
        "team_ids": ("many2many", "helpdesk.ticket.team"),
        "active": ("boolean", None),
    },
    "helpdesk.ticket.check": {
        "ticket_id": ("many2one", "helpdesk.ticket"),
        "name": ("char", None),
        "sequence": ("integer", None),
        "state": ("selection", {"pending", "ok", "issue_found", "not_applicable"}),
        "result": ("text", None),
        "checked_by_id": ("many2one", "res.users"),
        "checked_date": ("datetime", None),
    },
    "helpdesk.escalation.target": {
        "name": ("char", None),
        "channel": ("selection", {"email", "teams"}),
        "email": ("char", None),
        "partner_ids": ("many2many", "res.partner"),
        "teams_webhook_url": ("char", None),
        "active": ("boolean", None),
        "company_id": ("many2one", "res.company"),
    },
    "helpdesk.ticket.escalation": {
        "ticket_id": ("many2one", "helpdesk.ticket"),
        "target_id": ("many2one", "helpdesk.escalation.target"),
        "channel": ("selection", {"email", "teams"}),
        "summary": ("text", None),
        "state": (
            "selection",
            {"draft", "queued", "sent", "acknowledged", "failed"},
        ),
        "sent_date": ("datetime", None),
        "acknowledged_date": ("datetime", None),
        "acknowledged_by_id": ("many2one", "res.users"),
        "attempt_count": ("integer", None),
        "next_attempt_date": ("datetime", None),
        "last_error": (None, None),
    },
    "helpdesk.root.cause.category": {
        "name": ("char", None),
        "code": ("char", None),
    },
    "helpdesk.ticket.corrective.action": {
        "ticket_id": ("many2one", "helpdesk.ticket"),
        "name": ("char", None),
        "done": ("boolean", None),
        "done_date": ("datetime", None),
        "user_id": ("many2one", "res.users"),
    },
    "helpdesk.ticket.monitoring.log": {
        "ticket_id": ("many2one", "helpdesk.ticket"),
        "check_date": ("datetime", None),
        "success_rate": ("float", None),
        "timeout_errors": ("integer", None),
        "manual_test_ok": ("boolean", None),
        "recurrence": ("boolean", None),
        "note": (None, None),
        "source": ("selection", {"manual", "webhook"}),
    },
}

STORED_TICKET_FIELDS = [
    "affected_user_count",
    "affected_group_count",
    "executive_involved",
    "class_of_service",
    "next_update_deadline",
    "time_to_acknowledge",
    "time_to_escalate",
    "time_to_resolve",
    "time_to_close",
    "monitoring_state",
]

# Public methods: called on an empty recordset they do nothing, which proves
# they exist and are callable over RPC without side effects.
CONTRACT_METHODS = {
    "helpdesk.ticket": [
        ("action_classify", []),
        ("action_acknowledge", []),
        ("action_post_status_update", ["Contract check"]),
        ("action_escalate", []),
        ("action_mark_resolved", []),
        ("action_log_monitoring", [100.0]),
        ("action_confirm_resolution", []),
        ("action_close", []),
    ],
    "helpdesk.ticket.escalation": [("action_mark_acknowledged", [])],
}

XMLIDS = {
    "mail_template_executive_acknowledgement": "mail.template",
    "mail_template_status_update": "mail.template",
    "mail_template_escalation": "mail.template",
    "mail_template_closure_summary": "mail.template",
    "ir_cron_update_watchdog": "ir.cron",
    "ir_cron_escalation_delivery": "ir.cron",
    "helpdesk_ticket_stage_monitoring": "helpdesk.ticket.stage",
    "helpdesk_ticket_channel_teams": "helpdesk.ticket.channel",
    "rule_expedite_affected_users": "helpdesk.expedite.rule",
    "rule_expedite_blocked_executive": "helpdesk.expedite.rule",
    "rule_fixed_date": "helpdesk.expedite.rule",
    "action_report_incident": "ir.actions.report",
    "action_report_incident_xlsx": "ir.actions.report",
}


@pytest.mark.parametrize("model", sorted(CONTRACT_FIELDS))
def test_model_fields(odoo_server, model):
    fields = odoo_server.execute(
        model,
        "fields_get",
        attributes=["type", "relation", "selection", "store", "required"],
    )
    problems = []
    for name, (ftype, extra) in CONTRACT_FIELDS[model].items():
        if name not in fields:
            problems.append(f"{model}.{name} is missing")
            continue
        desc = fields[name]
        if ftype and desc["type"] != ftype:
            problems.append(f"{model}.{name} is {desc['type']}, not {ftype}")
        if isinstance(extra, str) and desc.get("relation") != extra:
            problems.append(
                f"{model}.{name} points to {desc.get('relation')}, not {extra}"
            )
        if isinstance(extra, set):
            keys = {key for key, _label in desc.get("selection") or []}
            if keys != extra:
                problems.append(
                    f"{model}.{name} selection {sorted(keys)} != {sorted(extra)}"
                )
    assert not problems, "\n".join(problems)


def test_ticket_stored_and_required_fields(odoo_server):
    fields = odoo_server.execute(
        "helpdesk.ticket", "fields_get", attributes=["store", "type", "searchable"]
    )
    not_stored = [
        name for name in STORED_TICKET_FIELDS if not fields[name].get("store")
    ]
    assert not not_stored, f"not stored: {not_stored}"
    assert fields["update_overdue"].get("searchable"), (
        "update_overdue is not searchable"
    )
    line_fields = odoo_server.execute(
        "helpdesk.ticket.impact.line", "fields_get", attributes=["required"]
    )
    assert line_fields["name"]["required"]
    rule_fields = odoo_server.execute(
        "helpdesk.expedite.rule", "fields_get", attributes=["required"]
    )
    assert rule_fields["class_of_service"]["required"]
    # overdue tickets can be searched over RPC
    odoo_server.execute(
        "helpdesk.ticket", "search_count", [("update_overdue", "=", True)]
    )


@pytest.mark.parametrize(
    "model,method,args",
    [
        (model, method, args)
        for model, methods in CONTRACT_METHODS.items()
        for method, args in methods
    ],
)
def test_public_methods_exist(odoo_server, model, method, args):
    result = odoo_server.execute(model, method, [], *args)
    assert result in (True, None, False) or isinstance(result, dict)


def test_unknown_method_is_refused(odoo_server):
    """Control for the test above: a missing method does fail."""
    with pytest.raises(xmlrpc.client.Fault, match="does not exist"):
        odoo_server.execute("helpdesk.ticket", "action_does_not_exist", [])


def test_xmlids(odoo_server):
    missing = []
    for name, model in XMLIDS.items():
        found_model, res_id = odoo_server.ref(f"helpdesk_expedite.{name}")
        if found_model != model or not res_id:
            missing.append(
                f"helpdesk_expedite.{name} ({model}): found {found_model} {res_id}"
            )
    assert not missing, "\n".join(missing)


def test_xmlid_contents(odoo_server):
    ex = odoo_server.execute
    teams = ex(
        "helpdesk.ticket.channel",
        "read",
        [odoo_server.ref_id("helpdesk_expedite.helpdesk_ticket_channel_teams")],
        ["name"],
    )
    assert teams[0]["name"] == "Microsoft Teams"
    rule_fields = [
        "affected_users_over",
        "class_of_service",
        "priority",
        "update_interval",
        "require_critical_activity_blocked",
        "require_executive",
        "require_deadline",
        "active",
    ]
    users_rule, blocked_rule, fixed_rule = (
        ex(
            "helpdesk.expedite.rule",
            "read",
            [odoo_server.ref_id(f"helpdesk_expedite.{name}")],
            rule_fields,
        )[0]
        for name in (
            "rule_expedite_affected_users",
            "rule_expedite_blocked_executive",
            "rule_fixed_date",
        )
    )
    assert (users_rule["affected_users_over"], users_rule["class_of_service"]) == (
        25,
        "expedite",
    )
    assert (users_rule["priority"], users_rule["update_interval"]) == ("3", 15)
    assert (
        blocked_rule["require_critical_activity_blocked"]
        and blocked_rule["require_executive"]
    )
    assert (
        blocked_rule["class_of_service"],
        blocked_rule["priority"],
        blocked_rule["update_interval"],
    ) == ("expedite", "3", 15)
    assert (
        fixed_rule["require_deadline"]
        and fixed_rule["class_of_service"] == "fixed_date"
    )
    assert all(rule["active"] for rule in (users_rule, blocked_rule, fixed_rule))
    pdf, xlsx = (
        ex(
            "ir.actions.report",
            "read",
            [odoo_server.ref_id(f"helpdesk_expedite.{name}")],
            ["report_type", "model"],
        )[0]
        for name in ("action_report_incident", "action_report_incident_xlsx")
    )
    assert (pdf["report_type"], pdf["model"]) == ("qweb-pdf", "helpdesk.ticket")
    assert (xlsx["report_type"], xlsx["model"]) == ("xlsx", "helpdesk.ticket")
    crons = ex(
        "ir.cron",
        "read",
        [
            odoo_server.ref_id("helpdesk_expedite.ir_cron_update_watchdog"),
            odoo_server.ref_id("helpdesk_expedite.ir_cron_escalation_delivery"),
        ],
        ["model_id", "active"],
    )
    assert all(cron["active"] for cron in crons)
    stage = ex(
        "helpdesk.ticket.stage",
        "read",
        [odoo_server.ref_id("helpdesk_expedite.helpdesk_ticket_stage_monitoring")],
        ["closed"],
    )
    assert stage[0]["closed"] is False


def test_teams_webhook_url_readable_by_manager(odoo_server):
    """admin (a helpdesk manager) reads the secret; the field exists."""
    fields = odoo_server.execute(
        "helpdesk.escalation.target", "fields_get", ["teams_webhook_url"]
    )
    assert "teams_webhook_url" in fields
    fields_demo = odoo_server.execute(
        "helpdesk.escalation.target", "fields_get", login="demo", password="demo"
    )
    assert "teams_webhook_url" not in fields_demo, (
        "a helpdesk user sees the Teams webhook URL"
    )


def test_demo_scenario_ticket(odoo_server):
    ticket_id = odoo_server.ref_id("helpdesk_expedite.helpdesk_ticket_exam_submission")
    ticket = odoo_server.execute(
        "helpdesk.ticket",
        "read",
        [ticket_id],
        [
            "class_of_service",
            "affected_user_count",
            "affected_group_count",
            "failure_rate",
            "priority",
            "acknowledged_date",
            "stage_id",
            "impact_line_ids",
            "update_interval",
            "classification_reason",
        ],
    )[0]
    assert ticket["class_of_service"] == "expedite"
    assert ticket["affected_user_count"] == 53
    assert ticket["affected_group_count"] == 3
    assert ticket["failure_rate"] == 100.0
    assert ticket["priority"] == "3"
    assert ticket["acknowledged_date"]
    assert ticket["update_interval"] == 15
    assert "53" in ticket["classification_reason"]
    lines = odoo_server.execute(
        "helpdesk.ticket.impact.line",
        "read",
        ticket["impact_line_ids"],
        ["name", "affected_users"],
    )
    assert sorted((line["name"], line["affected_users"]) for line in lines) == [
        ("DATA101-SG", 18),
        ("MOBILE201-HN", 15),
        ("WEB102-HN", 20),
    ]
    in_progress = odoo_server.ref_id("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
    assert ticket["stage_id"][0] == in_progress
