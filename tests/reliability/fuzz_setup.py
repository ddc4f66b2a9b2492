"""The fuzz's world: two companies, three users of the first one, incidents
at every phase, and for every model of the registry description the
records each user sees, hides from him, or belongs to the other company.

Nothing here names a field to fuzz: records are found by model, values
that create a record are built from the model's required fields.
"""

import os

import fuzzkit
import harness

TICKETS_PER_USER = 5  # escalated by mail and Teams, resolved, watched
USERS = {
    "portal": ("base.group_portal",),
    "agent": ("helpdesk_mgmt.group_helpdesk_user_own",),
    "manager": ("helpdesk_mgmt.group_helpdesk_manager",),
}


def _last_ids(rel, description):
    """The highest id of each model's table before the setup."""
    last = {}
    for model, spec in description["models"].items():
        if spec["abstract"]:
            continue
        rows = rel.sql(f'SELECT COALESCE(MAX(id), 0) FROM "{spec["table"]}"')
        last[model] = rows[0][0]
    return last


def _users(rel, company):
    stamp = os.getpid()
    users = {}
    for name, groups in USERS.items():
        login = f"fuzz_{name}_{stamp}"
        uid, password = rel.new_user(login, groups, company_ids=[company])
        users[name] = (uid, login, password)
    return users


def _incidents(rel, users, partner):
    """Open, escalated, resolved and watched incidents for each agent."""
    admin = rel.admin
    dev_team = admin.ref("helpdesk_expedite.escalation_target_dev_team")
    for name in ("agent", "manager"):
        uid = users[name][0]
        tickets = list(
            rel.create_incidents(TICKETS_PER_USER, partner_id=partner, user_id=uid)
        )
        tickets += list(
            rel.create_incidents(1, partner_id=partner, user_id=uid, users=1)
        )
        admin("helpdesk.ticket", "action_escalate", tickets[:2], dev_team)
        admin("helpdesk.ticket", "action_escalate", tickets[2:3], rel.target_id)
        admin(
            "helpdesk.ticket",
            "write",
            tickets[3:5],
            {
                "root_cause": "Fuzz",
                "resolution_summary": "Fuzz",
                "monitoring_window": 600,
            },
        )
        admin("helpdesk.ticket", "action_mark_resolved", tickets[3:5])
        admin("helpdesk.ticket", "action_log_monitoring", tickets[3:4], 99.0)
        admin(
            "helpdesk.ticket.corrective.action",
            "create",
            [{"ticket_id": t, "name": "Fuzz action"} for t in tickets],
        )


def _other_company(rel, company_b):
    """The second company's records: team, customer, incident, target,
    rule, check template, escalation, wizard."""
    admin = rel.admin
    both = {"allowed_company_ids": [rel.company_a, company_b]}
    team = admin(
        "helpdesk.ticket.team",
        "create",
        {"name": "Fuzz B", "company_id": company_b},
        context=both,
    )
    partner = admin(
        "res.partner",
        "create",
        {"name": "Fuzz B customer", "company_id": company_b},
        context=both,
    )
    target = admin(
        "helpdesk.escalation.target",
        "create",
        {"name": "Fuzz B team", "email": "b@example.com", "company_id": company_b},
        context=both,
    )
    for model, vals in (
        ("helpdesk.expedite.rule", {"name": "Fuzz B", "class_of_service": "expedite"}),
        ("helpdesk.check.template", {"name": "Fuzz B check"}),
    ):
        admin(model, "create", {**vals, "company_id": company_b}, context=both)
    ticket = admin(
        "helpdesk.ticket",
        "create",
        {
            "name": "Fuzz B incident",
            "description": "<p>B</p>",
            "team_id": team,
            "company_id": company_b,
            "partner_id": partner,
            "impact_line_ids": [(0, 0, {"name": "B1", "affected_users": 40})],
        },
        context=both,
    )
    admin("helpdesk.ticket", "action_escalate", [ticket], target, context=both)
    admin(
        "helpdesk.ticket.corrective.action",
        "create",
        {"ticket_id": ticket, "name": "B"},
        context=both,
    )
    admin(
        "helpdesk.ticket.escalation.wizard",
        "create",
        {"ticket_id": ticket},
        context=both,
    )


def _records(rel, description, last, users):
    """{user: {model: ids seen}}, {user: {model: id hidden}}, {model: id of B}."""
    admin = rel.admin
    both = {"allowed_company_ids": [rel.company_a, rel.company_b], "active_test": False}
    mine, foreign = {"_admin": {}}, {}
    for model, spec in description["models"].items():
        if spec["abstract"]:
            continue
        ids = admin(model, "search", [("id", ">", last[model])], context=both)
        if spec["has_company"] and ids:
            rows = admin(model, "read", ids, ["company_id"], context=both)
            b_ids = [
                r["id"]
                for r in rows
                if r["company_id"] and r["company_id"][0] == rel.company_b
            ]
            foreign[model] = b_ids[0] if b_ids else None
            ids = [i for i in ids if i not in b_ids]
        mine["_admin"][model] = ids
    # the second company's record of every other model the add-on's fields
    # point to (its customer, its team...)
    for relation, has_company in description["relation_has_company"].items():
        if has_company and not foreign.get(relation):
            found = admin(
                relation,
                "search",
                [("company_id", "=", rel.company_b)],
                limit=1,
                context=both,
            )
            foreign[relation] = found[0] if found else None
    hidden = {}
    for user, client in users.items():
        rpc = client()
        mine[user], hidden[user] = {}, {}
        for model, ids in mine["_admin"].items():
            try:
                seen = rpc(
                    model, "search", [("id", "in", ids)], context={"active_test": False}
                )
            except harness.RpcError:
                seen = []
            mine[user][model] = seen
            unseen = [i for i in ids if i not in seen]
            hidden[user][model] = unseen[0] if unseen else None
        rpc.close()
    return mine, hidden, foreign


def _value_for(spec, pick, serial):
    kind = spec["type"]
    if kind in ("char", "text", "html"):
        return fuzzkit.UniqueText(f"Fuzz {serial}")
    if kind == "selection":
        return (spec["selection"] or [False])[0]
    if kind == "many2one":
        return pick(spec["relation"])
    if kind in ("integer", "float", "monetary"):
        return 1
    if kind in ("date", "datetime"):
        return "2030-01-01 00:00:00" if kind == "datetime" else "2030-01-01"
    return False


def _config_records(rel, description, last, baselines):
    """A record of the first company for each of the add-on's own models
    that has none from the setup (configuration: rules, targets...): made
    of its required fields, else as a copy of an existing one. Not of the
    models it extends: an outgoing mail server made of required fields
    (no port) would carry every later mail of the server."""
    admin = rel.admin
    for model, spec in description["models"].items():
        if spec["abstract"] or spec["transient"] or not spec["own"]:
            continue
        if admin(
            model,
            "search_count",
            [("id", ">", last[model])],
            context={"active_test": False},
        ):
            continue
        try:
            admin(model, "create", baselines["manager"][model])
            continue
        except harness.RpcError:
            pass
        existing = admin(model, "search", [("id", "<=", last[model])], limit=1)
        if not existing:
            continue
        vals = admin(model, "copy_data", existing)[0]
        for name, fspec in spec["required"].items():
            if fspec["type"] == "char":
                vals[name] = f"Fuzz {model} {name}"
        try:
            admin(model, "create", vals)
        except harness.RpcError:
            pass  # left to the fuzz's own creates


def _wizards(description, clients, baselines):
    """A record of each transient model for each user who may make one."""
    for user, client in clients.items():
        rpc = client()
        for model, spec in description["models"].items():
            if spec["transient"]:
                try:
                    rpc(model, "create", baselines[user][model])
                except harness.RpcError:
                    pass  # not his to make: the portal user
        rpc.close()


def _baselines(description, records, user):
    """Values that create a record of each model, from its required fields."""
    serial = iter(range(1, 10**9))

    def pick(relation):
        ids = records[user].get(relation) or records["_admin"].get(relation) or []
        return ids[0] if ids else False

    baselines = {}
    for model, spec in description["models"].items():
        baselines[model] = {
            name: _value_for(fspec, pick, next(serial))
            for name, fspec in spec["required"].items()
            if fspec["relation"] != "mail.alias"
        }
    return baselines


def _phases(description):
    """Configuration first (nothing there points to a ticket), then the
    incidents: the tickets are classified afresh in between."""

    def incident(spec):
        return any(
            f["relation"] == "helpdesk.ticket"
            for f in list(spec["fields"].values()) + list(spec["required"].values())
        )

    config = {m: s for m, s in description["models"].items() if not incident(s)}
    rest = {m: s for m, s in description["models"].items() if incident(s)}
    return [{**description, "models": config}, {**description, "models": rest}]


def setup_fuzz(rel, description):
    admin = rel.admin
    last = _last_ids(rel, description)
    rel.company_a = admin("res.users", "read", [admin.uid], ["company_id"])[0][
        "company_id"
    ][0]
    rel.company_b = admin("res.company", "create", {"name": f"Fuzz Co B {os.getpid()}"})
    admin("res.users", "write", [admin.uid], {"company_ids": [(4, rel.company_b)]})
    users = _users(rel, rel.company_a)
    portal_partner = admin("res.users", "read", [users["portal"][0]], ["partner_id"])[
        0
    ]["partner_id"][0]
    _incidents(rel, users, portal_partner)
    _other_company(rel, rel.company_b)
    clients = {
        name: (
            lambda login=login, password=password: harness.Rpc(
                rel.url, rel.db, login, password
            )
        )
        for name, (_uid, login, password) in users.items()
    }
    records, _hidden, _foreign = _records(rel, description, last, clients)
    baselines = {u: _baselines(description, records, u) for u in USERS}
    _config_records(rel, description, last, baselines)
    _wizards(description, clients, baselines)
    records, hidden, foreign = _records(rel, description, last, clients)
    ctx = fuzzkit.Context(list(USERS), records, hidden, foreign, baselines)
    ctx.clients, ctx.last = clients, last
    return ctx, _phases(description)
