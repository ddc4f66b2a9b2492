"""What must still hold after the fuzz, read from the database (and the
classifier rerun as the administrator)."""

SKIPPED_COMODELS = ("res.users", "res.company")  # shared by companies
LOG_FIELDS = ("create_uid", "write_uid")

_GATE = """
    COALESCE(btrim({t}.root_cause), '') <> ''
    AND COALESCE(btrim({t}.resolution_summary), '') <> ''
    AND {t}.monitoring_state = 'passed' AND {t}.customer_confirmed
"""
_OVERRIDE = "COALESCE(btrim({t}.closure_override_reason), '') <> ''"
CLOSED_PAST_GATE = f"""
    SELECT 'closed past the gate', t.id FROM helpdesk_ticket t
    JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
    LEFT JOIN helpdesk_ticket m ON m.id = t.major_incident_id
    WHERE s.closed AND t.class_of_service = 'expedite'
      AND NOT ({_GATE.format(t="t")}) AND NOT ({_OVERRIDE.format(t="t")})
      AND NOT (m.id IS NOT NULL AND (({_GATE.format(t="m")}) OR {_OVERRIDE.format(t="m")}))
"""
TOTALS = """
    SELECT 'totals', t.id FROM helpdesk_ticket t LEFT JOIN (
        SELECT ticket_id, sum(affected_users) AS users, count(*) AS n
        FROM helpdesk_ticket_impact_line GROUP BY ticket_id) l ON l.ticket_id = t.id
    WHERE t.affected_user_count <> COALESCE(l.users, 0)
       OR t.affected_group_count <> COALESCE(l.n, 0)
"""
RANGES = [
    "SELECT 'negative users', id FROM helpdesk_ticket_impact_line WHERE affected_users < 0",
    "SELECT 'failure rate', id FROM helpdesk_ticket "
    "WHERE failure_rate < 0 OR failure_rate > 100",
    "SELECT 'monitoring log', id FROM helpdesk_ticket_monitoring_log "
    "WHERE success_rate < 0 OR success_rate > 100 OR timeout_errors < 0",
    "SELECT 'escalation', id FROM helpdesk_ticket_escalation WHERE attempt_count < 0 "
    "OR attempt_count > 5",
    "SELECT 'monitoring without resolution', id FROM helpdesk_ticket "
    "WHERE monitoring_state = 'running' AND resolved_date IS NULL",
    "SELECT 'escalation target of another company', e.id "
    "FROM helpdesk_ticket_escalation e JOIN helpdesk_ticket t ON t.id = e.ticket_id "
    "JOIN helpdesk_escalation_target g ON g.id = e.target_id "
    "WHERE g.company_id <> t.company_id",
    "SELECT 'major incident of another company', t.id FROM helpdesk_ticket t "
    "JOIN helpdesk_ticket m ON m.id = t.major_incident_id "
    "WHERE m.company_id <> t.company_id",
]


def _table(description, model):
    spec = description["models"].get(model)
    return spec["table"] if spec else model.replace(".", "_")


def cross_company_queries(description):
    """One query per relational field the add-on adds between two models
    that both belong to a company: rows that point to another company."""
    has_company = description["relation_has_company"]
    for model, spec in description["models"].items():
        if spec["abstract"] or not spec["has_company"]:
            continue
        if (
            "company_id" not in spec["fields"]
            or not spec["fields"]["company_id"]["store"]
        ):
            continue
        table = spec["table"]
        for name, field in spec["fields"].items():
            comodel = field["relation"]
            if (
                not comodel
                or not field["store"]
                or comodel in SKIPPED_COMODELS
                or name in LOG_FIELDS
                or not has_company.get(comodel)
            ):
                continue
            other = _table(description, comodel)
            label = f"'{model}.{name} across companies'"
            mismatch = "r.company_id <> c.company_id"
            if field["type"] == "many2one":
                yield (
                    f'SELECT {label}, r.id FROM "{table}" r JOIN "{other}" c '
                    f'ON c.id = r."{name}" WHERE {mismatch}'
                )
            elif field["type"] == "many2many":
                rel_table, (col1, col2) = field["table"], field["columns"]
                yield (
                    f'SELECT {label}, r.id FROM "{rel_table}" x '
                    f'JOIN "{table}" r ON r.id = x."{col1}" '
                    f'JOIN "{other}" c ON c.id = x."{col2}" WHERE {mismatch}'
                )


def _fuzz_tickets(rel, ctx):
    rows = rel.sql(
        "SELECT id FROM helpdesk_ticket WHERE id > %s "
        "AND NOT COALESCE(class_of_service_locked, false) ORDER BY id",
        (ctx.last["helpdesk.ticket"],),
    )
    return [row[0] for row in rows]


def _classes(rel, ids):
    rows = rel.sql(
        "SELECT id, class_of_service FROM helpdesk_ticket WHERE id = ANY(%s)", (ids,)
    )
    return dict(rows)


def reclassify_all(rel, ctx):
    """Rerun the rules on every unlocked ticket of the fuzz (as the
    administrator, both companies); {id: (class before, class after)} of
    those whose class changed."""
    ids = _fuzz_tickets(rel, ctx)
    before = _classes(rel, ids)
    both = {"allowed_company_ids": [rel.company_a, rel.company_b]}
    for start in range(0, len(ids), 100):
        rel.admin(
            "helpdesk.ticket", "action_classify", ids[start : start + 100], context=both
        )
    after = _classes(rel, ids)
    return {i: (before[i], after.get(i)) for i in ids if before[i] != after.get(i)}


def invariant_problems(rel, ctx, description):
    problems = []
    for query in [
        TOTALS,
        CLOSED_PAST_GATE,
        *RANGES,
        *cross_company_queries(description),
    ]:
        problems += rel.sql(query)
    changed = reclassify_all(rel, ctx)
    problems += [("class of service not the rules'", i, c) for i, c in changed.items()]
    return problems
