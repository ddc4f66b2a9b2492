#!/usr/bin/env python3
"""In-process benchmark cases (run by run.py, one process per case).

    python3 benchmarks/cases.py CONFIG CASE RUNS WARMUP FIXTURES.json OUT.json

Loads the registries of both databases in one process and alternates
between them run by run (plain first on even runs, add-on first on odd
ones), so that both see the same machine conditions. Every run gets a new
cursor and environment (cold ORM cache, as a new request), untimed
preparation, then the timed operation including the flush of its writes,
and is rolled back, except where a case says otherwise (the delivery cron
commits by design). Writes a JSON list of runs per database.
"""

import json
import os
import re
import resource
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# --quick (run.py sets BENCH_QUICK): batches of 200 instead of 1,000
QUICK = bool(os.environ.get("BENCH_QUICK"))
ORDINARY = IMPACT = WRITE = 200 if QUICK else 1000
KANBAN_PAGE = 40
LIST_PAGE = 80
XLSX_TICKETS = 10000
DELIVERY_POSTS = 200 if QUICK else 1000
ENDPOINT_DELAY = 0.010
CONTEXT = {"mail_notify_force_send": False, "lang": "en_US", "tz": "UTC"}


# ----------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------
def ticket_vals(fx, i, prefix="Bench new ticket"):
    """An ordinary ticket's values (run.py's JSON-RPC case too)."""
    return {
        "name": f"{prefix} {i}",
        "description": "<p>Cannot submit.</p>",
        "team_id": fx["team_ids"][i % 2],
        "partner_id": fx["partner_ids"][i % len(fx["partner_ids"])],
        "user_id": 2,
    }


def _bench_tickets(env, limit, domain=()):
    return env["helpdesk.ticket"].search(
        [("number", "=like", "BT%"), *domain], order="id", limit=limit
    )


def _spec(env, model, view_type):
    """A web_read specification of the fields a view shows."""
    views = env[model].get_views([(False, view_type)])
    fields = views["models"][model]
    fields = fields.get("fields", fields)
    Model = env[model]
    spec = {}
    for name in fields:
        field = Model._fields.get(name)
        if not field or field.type == "properties":
            continue
        if field.type in ("many2one", "one2many", "many2many"):
            spec[name] = {"fields": {"display_name": {}}}
        else:
            spec[name] = {}
    return spec


def _explain(env, model, domain):
    query = env[model]._search(domain)
    sql = query.select()
    env.cr.execute(
        "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + sql.code, sql.params
    )
    return "\n".join(row[0] for row in env.cr.fetchall())


def _maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ----------------------------------------------------------------------
# cases: prepare(env, fx) -> state (untimed); run(env, fx, state) -> extra
# ----------------------------------------------------------------------
class Case:
    addon_only = False
    commits = False
    su = False

    def prepare(self, env, fx):
        return None

    def run(self, env, fx, state):
        raise NotImplementedError

    def per_unit(self, fx):
        return None  # units to divide the query count by

    def extra_once(self, env, fx):
        return {}


class CreateOrdinary(Case):
    """create 1,000 ordinary tickets in one create() call."""

    def prepare(self, env, fx):
        return [ticket_vals(fx, i) for i in range(ORDINARY)]

    def run(self, env, fx, vals):
        env["helpdesk.ticket"].create(vals)

    def per_unit(self, fx):
        return ORDINARY


def _impact_vals(fx, i):
    vals = ticket_vals(fx, i)
    expedite = i % 3 == 0
    groups = (
        [
            ("WEB102-HN", "Hanoi", 20),
            ("DATA101-SG", "Saigon", 18),
            ("MOBILE201-HN", "Hanoi", 15),
        ]
        if expedite
        else [("G1", "Hanoi", 1), ("G2", "Hanoi", 1), ("G3", "Saigon", 1)]
    )
    vals["impact_line_ids"] = [
        (0, 0, {"name": n, "location": loc, "affected_users": u})
        for n, loc, u in groups
    ]
    return vals


class CreateImpact(Case):
    """create 1,000 tickets, 3 impact lines each, a third Expedite; plain peer:
    the same base fields, then 333 acknowledgement mails by
    message_post_with_source of a template."""

    def prepare(self, env, fx):
        if fx["addon"]:
            return [_impact_vals(fx, i) for i in range(IMPACT)]
        return [ticket_vals(fx, i) for i in range(IMPACT)]

    def run(self, env, fx, vals):
        tickets = env["helpdesk.ticket"].create(vals)
        if fx["addon"]:
            expedite = tickets.filtered(lambda t: t.class_of_service == "expedite")
            assert len(expedite) == len(tickets[::3]), len(expedite)
            return
        template = env["mail.template"].browse(fx["template_id"])
        for ticket in tickets[::3]:
            ticket.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=ticket.partner_id.ids,
            )

    def per_unit(self, fx):
        return IMPACT


class ExpediteScaling(Case):
    """queries per Expedite ticket, created in batches of 10 and of 100."""

    addon_only = True

    def prepare(self, env, fx):
        return None

    def run(self, env, fx, state):
        out = {}
        for size in (10, 100):
            vals = [_impact_vals(fx, 3 * i) for i in range(size)]
            env.flush_all()
            before = env.cr.sql_log_count
            env["helpdesk.ticket"].create(vals)
            env.flush_all()
            out[f"queries_per_ticket_{size}"] = (env.cr.sql_log_count - before) / size
        return out


class WriteUnrelated(Case):
    """write an unrelated field (name) on 1,000 tickets."""

    def prepare(self, env, fx):
        return _bench_tickets(env, WRITE)

    def run(self, env, fx, tickets):
        tickets.write({"name": "Renamed in bulk"})

    def per_unit(self, fx):
        return WRITE


class Kanban(Case):
    """kanban board: web_read_group of the stage columns, web_search_read of
    one page per column with the card fields, the team dashboard counters."""

    def prepare(self, env, fx):
        return (
            _spec(env, "helpdesk.ticket", "kanban"),
            _spec(env, "helpdesk.ticket.team", "kanban"),
        )

    def run(self, env, fx, state):
        card_spec, team_spec = state
        env.invalidate_all()
        Ticket = env["helpdesk.ticket"]
        groups = Ticket.web_read_group([], [], ["stage_id"], lazy=True)["groups"]
        rows = 0
        for group in groups:
            if group["stage_id_count"]:
                result = Ticket.web_search_read(
                    group["__domain"], card_spec, limit=KANBAN_PAGE
                )
                rows += len(result["records"])
        teams = env["helpdesk.ticket.team"].web_search_read([], team_spec)
        return {"cards": rows, "teams": teams["length"]}


# The add-on's lists and their nearest plain peers (same shape: a filtered
# list page with its count; a two-level pivot).
OPEN = ("closed", "=", False)
PLAIN_PEER = [("priority", "=", "3"), OPEN]


class OverdueSearch(Case):
    """The "Update overdue" search (count + first list page); plain peer: open
    urgent tickets."""

    def domain(self, fx):
        return [("update_overdue", "=", True)] if fx["addon"] else PLAIN_PEER

    def prepare(self, env, fx):
        return _spec(env, "helpdesk.ticket", "list")

    def run(self, env, fx, spec):
        result = env["helpdesk.ticket"].web_search_read(
            self.domain(fx), spec, limit=LIST_PAGE, count_limit=10001
        )
        return {"rows": len(result["records"]), "count": result["length"]}

    def extra_once(self, env, fx):
        return {"plan": _explain(env, "helpdesk.ticket", self.domain(fx))}


class MajorIncidentList(OverdueSearch):
    """Major Incidents list (Expedite, open); plain peer: open urgent tickets."""

    def domain(self, fx):
        return (
            [("class_of_service", "=", "expedite"), OPEN] if fx["addon"] else PLAIN_PEER
        )


class IncidentPivot(Case):
    """incident analysis pivot (Expedite; team x class; the 5 measures) as
    the pivot view asks it: totals, rows, columns, cells; plain peer: open
    urgent tickets, team x priority, count."""

    def run(self, env, fx, state):
        Ticket = env["helpdesk.ticket"]
        if fx["addon"]:
            domain = [("class_of_service", "=", "expedite")]
            col = "class_of_service"
            measures = [
                "time_to_acknowledge:avg",
                "time_to_escalate:avg",
                "time_to_resolve:avg",
                "time_to_close:avg",
                "affected_user_count:sum",
            ]
        else:
            domain, col, measures = PLAIN_PEER, "priority", []
        cells = 0
        for groupby in ([], ["team_id"], [col], ["team_id", col]):
            cells += len(
                Ticket.read_group(domain, measures + ["__count"], groupby, lazy=False)
            )
        return {"cells": cells}

    def extra_once(self, env, fx):
        domain = [("class_of_service", "=", "expedite")] if fx["addon"] else PLAIN_PEER
        return {"plan": _explain(env, "helpdesk.ticket", domain)}


class Watchdog(Case):
    """watchdog cron over the open tickets, 100 of them newly overdue."""

    addon_only = True
    su = True

    def run(self, env, fx, state):
        Ticket = env["helpdesk.ticket"]
        env.cr.execute(
            "SELECT count(*) FROM helpdesk_ticket WHERE class_of_service = 'expedite' "
            "AND next_update_deadline < now() at time zone 'UTC' "
            "AND watchdog_notified_deadline IS NULL"
        )
        overdue = env.cr.fetchone()[0]
        Ticket._cron_update_watchdog()
        env.flush_all()
        env.cr.execute(
            "SELECT count(*) FROM helpdesk_ticket WHERE watchdog_notified_deadline IS NOT NULL"
        )
        return {"overdue": overdue, "reported": env.cr.fetchone()[0]}


class _Endpoint(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        time.sleep(ENDPOINT_DELAY)
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Delivery(Case):
    """escalation delivery cron: 1,000 queued Teams posts to a local
    endpoint answering in 10 ms (commits per post, by design)."""

    addon_only = True
    commits = True
    su = True

    def __init__(self):
        import harness

        self.server = ThreadingHTTPServer((harness.LOOPBACK, 0), _Endpoint)
        self.server.daemon_threads = True
        harness.serve_in_thread(self.server)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook/bench"

    def prepare(self, env, fx):
        from generate import queue_teams_escalations

        target = env["helpdesk.escalation.target"].browse(fx["teams_target_id"])
        target.sudo().teams_webhook_url = self.url
        queue_teams_escalations(env.cr, DELIVERY_POSTS, target.id)
        env.cr.commit()
        return target

    def run(self, env, fx, target):
        env["helpdesk.ticket.escalation"]._cron_deliver_escalations(
            batch_size=DELIVERY_POSTS
        )
        env.cr.execute(
            "SELECT state, count(*) FROM helpdesk_ticket_escalation "
            "WHERE target_id = %s GROUP BY state",
            [target.id],
        )
        return {"states": dict(env.cr.fetchall())}

    def per_unit(self, fx):
        return DELIVERY_POSTS


class LinkFanOut(Case):
    """link reporters' tickets to a major incident in bulk, then one customer
    update of the incident mailed once to each of their customers (each has
    his own customer here): 100, then 1,000 in the same run."""

    addon_only = True
    su = True
    SIZES = (100, 1000)

    def prepare(self, env, fx):
        Ticket = env["helpdesk.ticket"].with_context(**CONTEXT)
        majors = Ticket.create(
            [
                {
                    **ticket_vals(fx, i),
                    "name": f"Bench major incident {i}",
                    "class_of_service": "expedite",
                    "class_of_service_locked": True,
                    "class_of_service_lock_reason": "Benchmark",
                }
                for i in range(len(self.SIZES))
            ]
        )
        reporters = _bench_tickets(
            env, sum(self.SIZES), [("class_of_service", "!=", "expedite")]
        )
        partners = env["res.partner"].create(
            [
                {"name": f"Bench reporter {i}", "email": f"reporter{i}@example.com"}
                for i in range(len(reporters))
            ]
        )
        env.cr.execute(
            "UPDATE helpdesk_ticket t SET partner_id = p.pid FROM "
            "(SELECT unnest(%s::int[]) AS tid, unnest(%s::int[]) AS pid) p "
            "WHERE t.id = p.tid",
            [reporters.ids, partners.ids],
        )
        env.invalidate_all()
        return majors.ids, reporters.ids

    def run(self, env, fx, state):
        major_ids, reporter_ids = state
        Ticket = env["helpdesk.ticket"].with_context(**CONTEXT)
        out, start = {}, 0
        for major_id, size in zip(major_ids, self.SIZES, strict=True):
            reporters = Ticket.browse(reporter_ids[start : start + size])
            start += size
            for step, action in (
                (
                    "link",
                    lambda r=reporters, m=major_id: r.action_link_to_major_incident(m),
                ),
                (
                    "fan_out",
                    lambda m=major_id: Ticket.browse(m).action_post_status_update(
                        "Rollback in progress."
                    ),
                ),
            ):
                env.flush_all()
                before = env.cr.sql_log_count
                action()
                env.flush_all()
                out[f"{step}_queries_{size}"] = env.cr.sql_log_count - before
        env.cr.execute(
            "SELECT count(*) FROM mail_mail m JOIN mail_message mm "
            "ON mm.id = m.mail_message_id WHERE mm.res_id = ANY(%s)",
            [reporter_ids],
        )
        out["mails"] = env.cr.fetchone()[0]
        return out


class SubscriberMailing(Case):
    """one public update of a published incident queued as mails to its
    confirmed subscribers (the mailing cron's batch): 100, then 1,000 in
    the same run, to show that the queries do not grow with them."""

    addon_only = True
    su = True
    SIZES = (100, 1000)

    def prepare(self, env, fx):
        Component = env["helpdesk.status.component"]
        components = Component.create(
            [{"name": f"Bench component {size}"} for size in self.SIZES]
        )
        env["helpdesk.status.subscriber"].create(
            [
                {
                    "email": f"sub{size}-{i}@example.com",
                    "company_id": env.company.id,
                    "component_ids": [(6, 0, component.ids)],
                    "lang": "en_US",
                    "state": "confirmed",
                }
                for size, component in zip(self.SIZES, components, strict=True)
                for i in range(size)
            ]
        )
        Ticket = env["helpdesk.ticket"].with_context(**CONTEXT)
        majors = Ticket.create(
            [
                {
                    **ticket_vals(fx, i),
                    "name": f"Bench published incident {i}",
                    "class_of_service": "expedite",
                    "class_of_service_locked": True,
                    "class_of_service_lock_reason": "Benchmark",
                    "status_public_title": "Exam submissions failing",
                    "status_impact": "major",
                    "status_component_ids": [(6, 0, component.ids)],
                }
                for i, component in enumerate(components)
            ]
        )
        majors.action_publish_status()
        Mailing = env["helpdesk.status.mailing"]
        Mailing.search([("state", "=", "queued")]).write({"state": "cancelled"})
        return majors.ids

    def run(self, env, fx, major_ids):
        Ticket = env["helpdesk.ticket"].with_context(**CONTEXT)
        Mailing = env["helpdesk.status.mailing"]
        out = {}
        for major_id, size in zip(major_ids, self.SIZES, strict=True):
            env.flush_all()
            before, started = env.cr.sql_log_count, time.perf_counter()
            Ticket.browse(major_id).action_post_status_update("Rolling back now.")
            for mailing in Mailing.search([("state", "=", "queued")]):
                mailing._send_next_batch(size)
            env.flush_all()
            out[f"queries_{size}"] = env.cr.sql_log_count - before
            out[f"seconds_{size}"] = time.perf_counter() - started
        env.cr.execute(
            "SELECT count(*) FROM mail_mail WHERE email_to LIKE 'sub%%@example.com'"
        )
        out["mails"] = env.cr.fetchone()[0]
        return out


FLOOD_MAILS = 1000
FLOOD_SENDERS = 200


def _flood_message(i, to):
    return (
        f"From: Student {i % FLOOD_SENDERS} <student{i % FLOOD_SENDERS}@example.com>\r\n"
        f"To: {to}\r\n"
        f"Subject: Cannot submit my exam ({i})\r\n"
        f"Message-ID: <bench-flood-{i}-{time.time_ns()}@example.com>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        "The exam submission service says: System error - please contact "
        "administrator. My exam ends at 10:00.\r\n"
    )


class ReportFlood(Case):
    """1,000 mailed reports through the mail gateway (message_process, raw
    RFC 822) to a team's alias while a matching incident is published. Add-on:
    the team links matching reports automatically (each is linked and its
    customer answered once); plain helpdesk_mgmt: the same messages."""

    su = True

    def prepare(self, env, fx):
        team = env["helpdesk.ticket.team"].browse(fx["team_ids"][0])
        domain = env["mail.alias.domain"].search([], limit=1) or env[
            "mail.alias.domain"
        ].create({"name": "bench.example.com"})
        alias = env["mail.alias"].create(
            {
                "alias_domain_id": domain.id,
                "alias_name": "bench-flood",
                "alias_model_id": env["ir.model"]._get_id("helpdesk.ticket"),
                "alias_defaults": str({"team_id": team.id}),
            }
        )
        if "auto_link_reports" in team._fields:
            team.auto_link_reports = True
            component = env["helpdesk.status.component"].create(
                {"name": "Bench exam submission"}
            )
            major = (
                env["helpdesk.ticket"]
                .with_context(**CONTEXT)
                .create(
                    {
                        **ticket_vals(fx, 0),
                        "name": "Bench published incident",
                        "affected_service": "Exam submission service",
                        "class_of_service": "expedite",
                        "class_of_service_locked": True,
                        "class_of_service_lock_reason": "Benchmark",
                        "status_public_title": "Exam submissions failing",
                        "status_impact": "critical",
                        "status_component_ids": [(6, 0, component.ids)],
                    }
                )
            )
            major.action_publish_status()
        return [_flood_message(i, alias.alias_full_name) for i in range(FLOOD_MAILS)]

    def run(self, env, fx, messages):
        Thread = env["mail.thread"].with_context(**CONTEXT)
        ids, errors = [], 0
        for raw in messages:
            try:
                ids.append(Thread.message_process("helpdesk.ticket", raw))
            except Exception:  # noqa: BLE001 - counted, reported as errors
                errors += 1
        out = {"errors": errors, "tickets": len(set(ids))}
        tickets = env["helpdesk.ticket"].browse(ids)
        if "major_incident_id" in tickets._fields:
            out["linked"] = len(tickets.filtered("major_incident_id"))
        return out

    def per_unit(self, fx):
        return FLOOD_MAILS


class ReportFloodAnswers(ReportFlood):
    """The answers to the 1,000 reports of report_flood, which a flood
    queues: the cron's batches, until none waits (add-on only; plain
    helpdesk_mgmt sends no answer)."""

    addon_only = True

    def prepare(self, env, fx):
        messages = super().prepare(env, fx)
        super().run(env, fx, messages)
        return None

    def run(self, env, fx, state):
        Ticket = env["helpdesk.ticket"]
        queued = Ticket.search_count([("report_answer_pending", "=", True)])
        mails_before = env["mail.mail"].search_count([])
        thread = threading.current_thread()
        thread.testing = True  # the cron's batches are not committed here
        try:
            while Ticket.search_count([("report_answer_pending", "=", True)]):
                Ticket._cron_answer_linked_reports()
        finally:
            thread.testing = False
        return {
            "queued": queued,
            "mails": env["mail.mail"].search_count([]) - mails_before,
        }

    def per_unit(self, fx):
        return FLOOD_MAILS


class Xlsx(Case):
    """XLSX export of 10,000 tickets (report_xlsx, as the Print menu does)."""

    addon_only = True

    def prepare(self, env, fx):
        return _bench_tickets(env, XLSX_TICKETS).ids

    def run(self, env, fx, ids):
        content, _kind = env["ir.actions.report"]._render_xlsx(
            "helpdesk_expedite.action_report_incident_xlsx", ids, None
        )
        return {"bytes": len(content), "maxrss_mb": _maxrss_mb()}


class Pdf(Case):
    """PDF incident report of the scenario ticket (wkhtmltopdf)."""

    addon_only = True

    def run(self, env, fx, state):
        content, _kind = env["ir.actions.report"]._render_qweb_pdf(
            "helpdesk_expedite.action_report_incident", [fx["scenario_ticket_id"]]
        )
        return {"bytes": len(content)}


CASES = {
    "create_ordinary": CreateOrdinary,
    "create_impact": CreateImpact,
    "expedite_scaling": ExpediteScaling,
    "write_unrelated": WriteUnrelated,
    "kanban": Kanban,
    "overdue_search": OverdueSearch,
    "major_list": MajorIncidentList,
    "pivot": IncidentPivot,
    "watchdog": Watchdog,
    "link_fan_out": LinkFanOut,
    "subscriber_mailing": SubscriberMailing,
    "report_flood": ReportFlood,
    "report_flood_answers": ReportFloodAnswers,
    "delivery": Delivery,
    "xlsx": Xlsx,
    "pdf": Pdf,
}


# ----------------------------------------------------------------------
def _profiler():
    """cProfile of the timed part when BENCH_PROFILE names an output prefix."""
    if not os.environ.get("BENCH_PROFILE"):
        return None
    import cProfile

    return cProfile.Profile()


def _dump_profile(profiler, dbname):
    import io
    import pstats

    prefix = os.environ["BENCH_PROFILE"]
    profiler.dump_stats(f"{prefix}-{dbname}.prof")
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs()
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    with open(f"{prefix}-{dbname}.txt", "w") as handle:
        handle.write(text.getvalue())


def _one_run(registry, case, fx):
    import odoo

    cr = registry.cursor()
    try:
        uid = odoo.SUPERUSER_ID if case.su else 2
        env = odoo.api.Environment(cr, uid, dict(CONTEXT), su=case.su)
        state = case.prepare(env, fx)
        env.flush_all()
        profiler = _profiler()
        before = cr.sql_log_count
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        extra = case.run(env, fx, state) or {}
        env.flush_all()
        elapsed = time.perf_counter() - started
        if profiler:
            profiler.disable()
            _dump_profile(profiler, registry.db_name)
        queries = cr.sql_log_count - before
        if case.commits:
            cr.commit()
        return {"time": elapsed, "queries": queries, **extra}
    finally:
        cr.rollback()
        cr.close()


def setup_main(config_path, dbname, tickets, out_path):
    """Fixtures through the ORM, then the bulk by SQL; commit; VACUUM ANALYZE."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from generate import generate_bulk, setup_fixtures

    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", config_path, "--log-level=warn", "--max-cron-threads=0"])
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, dict(CONTEXT))
        fixtures = setup_fixtures(env, endpoint_url="https://127.0.0.1/placeholder")
        started = time.perf_counter()
        generate_bulk(cr, int(tickets), fixtures)
        cr.commit()
        fixtures["generate_seconds"] = time.perf_counter() - started
    with registry.cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute("VACUUM ANALYZE")
        cr._cnx.autocommit = False
    fixtures["dbname"] = dbname
    with open(out_path, "w") as handle:
        json.dump(fixtures, handle)
    odoo.sql_db.close_all()


def main():
    if sys.argv[1] == "--setup":
        return setup_main(*sys.argv[2:6])
    config_path, case_name, runs, warmup, fixtures_path, out_path = sys.argv[1:7]
    runs, warmup = int(runs), int(warmup)
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:0] = [here, os.path.join(os.path.dirname(here), "tools", "lib")]
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", config_path, "--log-level=warn", "--max-cron-threads=0"])
    with open(fixtures_path) as handle:
        fixtures = json.load(handle)
    case = CASES[case_name]()
    dbs = [
        db for db in ("plain", "expedite") if not (case.addon_only and db == "plain")
    ]
    registries = {db: Registry(fixtures[db]["dbname"]) for db in dbs}
    results = {db: [] for db in dbs}
    baseline = _maxrss_mb()
    for index in range(warmup + runs):
        order = dbs if index % 2 == 0 else list(reversed(dbs))
        for db in order:
            result = _one_run(registries[db], case, fixtures[db])
            if index >= warmup:
                results[db].append(result)
    extra = {}
    for db in dbs:
        with registries[db].cursor() as cr:
            env = odoo.api.Environment(cr, 2, dict(CONTEXT))
            extra[db] = case.extra_once(env, fixtures[db])
            cr.rollback()
    out = {
        "case": case_name,
        "doc": re.sub(r"\s+", " ", case.__doc__ or "").strip(),
        "runs": results,
        "extra": extra,
        "per_unit": {db: case.per_unit(fixtures[db]) for db in dbs},
        "maxrss_baseline_mb": baseline,
        "maxrss_peak_mb": _maxrss_mb(),
    }
    with open(out_path, "w") as handle:
        json.dump(out, handle, indent=1, default=str)
    odoo.sql_db.close_all()


if __name__ == "__main__":
    main()
