"""The benchmark's dataset, built with batched SQL.

The small fixed part (teams, customers, a portal user, the scenario ticket,
an escalation target, a mail template for the plain peer) is created through
the ORM by ``setup_fixtures``. The bulk (``tickets`` tickets, with impact
lines, escalations and monitoring logs on the add-on database) is inserted
by ``generate_bulk`` with ``INSERT ... SELECT ... FROM generate_series`` in
chunks of ``CHUNK`` tickets: no ORM, no Python loop per row, so 100,000
tickets take seconds. Both databases get the same tickets (same base
fields); the add-on's columns are filled only where they exist.

Shape of the bulk data (i = 1..N):
- every ticket open (New / In Progress / Awaiting, i % 3), two teams,
  50 customers, priority i % 4;
- i % 100 == 0: Expedite (1 %): 3 impact lines, 53 users, acknowledged,
  one escalation (email, sent), two monitoring logs, next update due in
  10 minutes, except the first 100 of them, whose update is 5 minutes
  overdue and not yet reported (the watchdog's work);
- i % 50 == 0 otherwise: Fixed Date with a deadline;
- i % 10 == 0 otherwise: one impact line of 5 users, Standard.
"""

CHUNK = 20000
OVERDUE = 100
PARTNERS = 50
PORTAL_LOGIN = "bench_portal"
PORTAL_PASSWORD = "bench_portal_pw"  # scratch database only
TEMPLATE_NAME = "Bench: acknowledgement (plain peer)"

# A body of the size and shape of the add-on's acknowledgement mail, made of
# fields plain helpdesk_mgmt has: the fair peer of that mail.
PEER_BODY = """<div>
<p>Hello,</p>
<p>We have received your report about <strong t-out="object.name"/> and
classified it as our highest level of response.</p>
<p><strong>What happened</strong></p>
<ul><li>Ticket: <t t-out="object.number"/></li>
<li>Customer: <t t-out="object.partner_id.name"/></li>
<li>Team: <t t-out="object.team_id.name"/></li></ul>
<p><strong>What we do now</strong></p>
<p><t t-out="object.user_id.name or 'Our support team'"/> is leading the
response and the technical team has been engaged.</p>
<p>Follow the incident at any time:
<a t-att-href="object.get_base_url() + object.get_portal_url()">your ticket page</a>.</p>
</div>"""


def setup_fixtures(env, endpoint_url=None):
    """Small records through the ORM; returns their ids (JSON-able)."""
    admin = env.ref("base.user_admin")
    Team = env["helpdesk.ticket.team"]
    teams = Team.create(
        [
            {
                "name": "Bench Support",
                "user_id": admin.id,
                "user_ids": [(6, 0, admin.ids)],
            },
            {
                "name": "Bench Apps",
                "user_id": admin.id,
                "user_ids": [(6, 0, admin.ids)],
            },
        ]
    )
    company = env["res.partner"].create({"name": "Bench Campus", "is_company": True})
    partners = env["res.partner"].create(
        [
            {
                "name": f"Bench Customer {i}",
                "email": f"customer{i}@example.com",
                "parent_id": company.id,
            }
            for i in range(PARTNERS)
        ]
    )
    executive = env["res.partner"].create(
        {
            "name": "Bench Director",
            "email": "director@example.com",
            "parent_id": company.id,
        }
    )
    portal_user = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": "Bench Portal Customer",
                "login": PORTAL_LOGIN,
                "password": PORTAL_PASSWORD,
                "email": "portal@example.com",
                "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
            }
        )
    )
    template = env["mail.template"].create(
        {
            "name": TEMPLATE_NAME,
            "model_id": env["ir.model"]._get_id("helpdesk.ticket"),
            "subject": "[{{ object.number }}] We are on it: {{ object.name }}",
            "email_from": "{{ (object.company_id.email_formatted or user.email_formatted) }}",
            "body_html": PEER_BODY,
            "auto_delete": False,
        }
    )
    ticket_vals = {
        "name": "LMS exam submission failure",
        "description": "<p>Students cannot submit their exams.</p>",
        "team_id": teams[0].id,
        "user_id": admin.id,
        "partner_id": portal_user.partner_id.id,
    }
    addon = "impact_line_ids" in env["helpdesk.ticket"]._fields
    ids = {
        "team_ids": teams.ids,
        "partner_ids": partners.ids,
        "executive_id": executive.id,
        "portal_partner_id": portal_user.partner_id.id,
        "template_id": template.id,
        "addon": addon,
    }
    if addon:
        ticket_vals.update(
            {
                "affected_service": "Exam submission service",
                "error_message": "System error - please contact administrator",
                "failure_rate": 100.0,
                "business_impact": "Final exams blocked",
                "critical_activity_blocked": True,
                "executive_partner_ids": [(6, 0, executive.ids)],
                "impact_line_ids": [
                    (0, 0, {"name": n, "location": loc, "affected_users": u})
                    for n, loc, u in (
                        ("WEB102-HN", "Hanoi", 20),
                        ("DATA101-SG", "Saigon", 18),
                        ("MOBILE201-HN", "Hanoi", 15),
                    )
                ],
            }
        )
        env["ir.config_parameter"].set_param(
            "helpdesk_expedite.webhook_allowed_hosts", "127.0.0.1"
        )
        if endpoint_url:
            target = env["helpdesk.escalation.target"].create(
                {
                    "name": "Bench Teams channel",
                    "channel": "teams",
                    "teams_webhook_url": endpoint_url,
                    "sequence": 100,
                }
            )
            ids["teams_target_id"] = target.id
        email_target = env["helpdesk.escalation.target"].create(
            {"name": "Bench Dev Team", "channel": "email", "email": "dev@example.com"}
        )
        ids["email_target_id"] = email_target.id
    scenario = (
        env["helpdesk.ticket"]
        .with_context(mail_notify_force_send=False)
        .create(ticket_vals)
    )
    ids["scenario_ticket_id"] = scenario.id
    if not addon:
        # the add-on acknowledges its Expedite scenario ticket with a customer
        # mail; the plain twin gets the peer's mail, so that both portal
        # pages show one customer message
        scenario.message_post_with_source(
            template,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=scenario.partner_id.ids,
        )
    env.flush_all()
    return ids


def _columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
        [table],
    )
    return {row[0] for row in cr.fetchall()}


def generate_bulk(cr, tickets, fixtures):
    """Insert ``tickets`` tickets (and the add-on's child rows) by SQL."""
    columns = _columns(cr, "helpdesk_ticket")
    addon = "class_of_service" in columns
    cr.execute(
        "SELECT id FROM helpdesk_ticket_stage WHERE NOT closed ORDER BY sequence, id"
    )
    open_stages = [row[0] for row in cr.fetchall()][:3]
    cr.execute("SELECT id FROM helpdesk_ticket_stage WHERE unattended")
    unattended = [row[0] for row in cr.fetchall()]
    cr.execute("SELECT id FROM res_users WHERE login = 'admin'")
    admin_id = cr.fetchone()[0]
    base = {
        "name": "'Bench ticket ' || i",
        "description": "'<p>Generated ticket ' || i || '.</p>'",
        "number": "'BT' || lpad(i::text, 7, '0')",
        "stage_id": "(%(stages)s)[1 + i %% 3]",
        "unattended": "(%(stages)s)[1 + i %% 3] = ANY(%(unattended)s)",
        "team_id": "(%(teams)s)[1 + i %% 2]",
        "company_id": "1",
        "user_id": "%(admin)s",
        "partner_id": "(%(partners)s)[1 + i %% %(npartners)s]",
        "commercial_partner_id": "(%(partners)s)[1 + i %% %(npartners)s]",
        "partner_name": "'Bench Customer ' || (i %% %(npartners)s)",
        "partner_email": "'customer' || (i %% %(npartners)s) || '@example.com'",
        "priority": "(i %% 4)::text",
        "kanban_state": "'normal'",
        "active": "true",
        "color": "0",
        "create_uid": "%(admin)s",
        "write_uid": "%(admin)s",
        "create_date": "now() at time zone 'UTC' - make_interval(mins => i %% 5000 + 60)",
        "write_date": "now() at time zone 'UTC' - interval '30 minutes'",
        "last_stage_update": "now() at time zone 'UTC' - interval '30 minutes'",
    }
    expedite = "i %% 100 = 0"
    fixed = "i %% 50 = 0 AND NOT i %% 100 = 0"
    one_line = "i %% 10 = 0 AND NOT i %% 50 = 0"
    overdue = f"i <= {OVERDUE * 100}"
    addon_cols = {
        "class_of_service": f"CASE WHEN {expedite} THEN 'expedite' WHEN {fixed} "
        "THEN 'fixed_date' ELSE 'standard' END",
        "monitoring_state": "'not_started'",
        "monitoring_window": "15",
        "monitoring_token": "md5(random()::text) || md5(i::text)",
        "class_of_service_locked": "false",
        "customer_confirmed": "false",
        "critical_activity_blocked": f"{expedite}",
        "executive_involved": "false",
        "affected_user_count": f"CASE WHEN {expedite} THEN 53 WHEN {one_line} THEN 5 ELSE 0 END",
        "affected_group_count": f"CASE WHEN {expedite} THEN 3 WHEN {one_line} THEN 1 ELSE 0 END",
        "failure_rate": f"CASE WHEN {expedite} THEN 100.0 ELSE 0 END",
        "update_interval": f"CASE WHEN {expedite} THEN 15 ELSE 0 END",
        "deadline": f"CASE WHEN {fixed} THEN now() at time zone 'UTC' + interval '2 days' END",
        "acknowledged_date": f"CASE WHEN {expedite} THEN now() at time zone 'UTC' - interval '50 minutes' END",
        "last_status_update_date": f"CASE WHEN {expedite} THEN now() at time zone 'UTC' - interval '20 minutes' END",
        "escalated_date": f"CASE WHEN {expedite} THEN now() at time zone 'UTC' - interval '40 minutes' END",
        "next_update_deadline": f"CASE WHEN {expedite} AND {overdue} "
        "THEN now() at time zone 'UTC' - interval '5 minutes' "
        f"WHEN {expedite} THEN now() at time zone 'UTC' + interval '10 minutes' END",
        "time_to_acknowledge": f"CASE WHEN {expedite} THEN 2 + i %% 7 ELSE 0 END",
        "time_to_escalate": f"CASE WHEN {expedite} THEN 10 + i %% 11 ELSE 0 END",
        "time_to_resolve": "0",
        "time_to_close": "0",
    }
    values = dict(base)
    if addon:
        values.update(addon_cols)
    values = {k: v for k, v in values.items() if k in columns}
    params = {
        "stages": open_stages,
        "unattended": unattended or [0],
        "teams": fixtures["team_ids"],
        "partners": fixtures["partner_ids"],
        "npartners": len(fixtures["partner_ids"]),
        "admin": admin_id,
    }
    # Array literals need a type for the subscripts.
    sql_values = (
        ", ".join(values.values())
        .replace("%(stages)s", "%(stages)s::int[]")
        .replace("%(teams)s", "%(teams)s::int[]")
        .replace("%(partners)s", "%(partners)s::int[]")
        .replace("%(unattended)s", "%(unattended)s::int[]")
    )
    for start in range(1, tickets + 1, CHUNK):
        stop = min(start + CHUNK - 1, tickets)
        cr.execute(
            f"INSERT INTO helpdesk_ticket ({', '.join(values)}) "
            f"SELECT {sql_values} FROM generate_series(%(start)s, %(stop)s) AS i",
            dict(params, start=start, stop=stop),
        )
    if addon:
        _generate_children(cr, admin_id, fixtures)
    return {"tickets": tickets, "addon": addon}


def _generate_children(cr, admin_id, fixtures):
    bench = "t.number LIKE 'BT%%'"
    stamp = "now() at time zone 'UTC'"
    cr.execute(
        f"""
        INSERT INTO helpdesk_ticket_impact_line
            (ticket_id, company_id, sequence, name, location, affected_users,
             create_uid, write_uid, create_date, write_date)
        SELECT t.id, t.company_id, g.seq, g.name, g.location, g.users,
               %(admin)s, %(admin)s, {stamp}, {stamp}
        FROM helpdesk_ticket t
        CROSS JOIN (VALUES (1, 'WEB102-HN', 'Hanoi', 20), (2, 'DATA101-SG', 'Saigon', 18),
                           (3, 'MOBILE201-HN', 'Hanoi', 15)) AS g(seq, name, location, users)
        WHERE {bench} AND t.class_of_service = 'expedite'
        UNION ALL
        SELECT t.id, t.company_id, 1, 'GROUP-' || t.id, 'Hanoi', 5,
               %(admin)s, %(admin)s, {stamp}, {stamp}
        FROM helpdesk_ticket t
        WHERE {bench} AND t.class_of_service = 'standard' AND t.affected_group_count = 1
        """,
        {"admin": admin_id},
    )
    cr.execute(
        f"""
        INSERT INTO helpdesk_ticket_escalation
            (ticket_id, company_id, target_id, channel, state, summary, attempt_count,
             sent_date, create_uid, write_uid, create_date, write_date, response_time)
        SELECT t.id, t.company_id, %(target)s, 'email', 'sent',
               'Incident ' || t.number || ': 53 users in 3 groups.', 1,
               {stamp} - interval '40 minutes', %(admin)s, %(admin)s,
               {stamp} - interval '40 minutes', {stamp}, 0
        FROM helpdesk_ticket t
        WHERE {bench} AND t.class_of_service = 'expedite'
        """,
        {"admin": admin_id, "target": fixtures["email_target_id"]},
    )
    cr.execute(
        f"""
        INSERT INTO helpdesk_ticket_monitoring_log
            (ticket_id, company_id, source, success_rate, timeout_errors,
             manual_test_ok, recurrence, check_date, create_uid, write_uid,
             create_date, write_date)
        SELECT t.id, t.company_id, 'manual', g.rate, g.timeouts, true, false,
               {stamp} - g.age, %(admin)s, %(admin)s, {stamp}, {stamp}
        FROM helpdesk_ticket t
        CROSS JOIN (VALUES (97.0, 2, interval '20 minutes'),
                           (100.0, 0, interval '10 minutes')) AS g(rate, timeouts, age)
        WHERE {bench} AND t.class_of_service = 'expedite'
        """,
        {"admin": admin_id},
    )


def queue_teams_escalations(cr, count, target_id):
    """(Re)queue ``count`` Teams escalations, due now, for the delivery case."""
    cr.execute(
        "DELETE FROM helpdesk_ticket_escalation WHERE target_id = %s", [target_id]
    )
    cr.execute(
        """
        INSERT INTO helpdesk_ticket_escalation
            (ticket_id, company_id, target_id, channel, state, summary, attempt_count,
             next_attempt_date, create_date, write_date)
        SELECT t.id, t.company_id, %(target)s, 'teams', 'queued',
               'Incident ' || t.number, 0,
               now() at time zone 'UTC' - interval '1 minute',
               now() at time zone 'UTC', now() at time zone 'UTC'
        FROM helpdesk_ticket t
        WHERE t.number LIKE 'BT%%'
        ORDER BY t.id
        LIMIT %(count)s
        """,
        {"target": target_id, "count": count},
    )
