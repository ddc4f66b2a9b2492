"""Case 7: the registry-driven fuzz.

Every public method the add-on defines and every field it adds, found in
Odoo's registry at run time (``fuzz_registry.py``), is called over JSON-RPC
with hostile values (``fuzzkit.py``) by a portal customer, an own-tickets
agent and a helpdesk manager of one company, with records of a second
company as hostile ids. Only clean refusals (UserError, ValidationError,
AccessError, MissingError) are allowed: any other error class, an HTTP 5xx
or a traceback in the server log is a server error. Afterwards the
invariants hold: ticket totals are the sum of their lines, no Expedite
ticket is closed past the gate without a manager's override, the class of
service is the rules' unless locked (or closed), and nothing links records
of two companies.

The fast subset runs a time-bounded sample (FUZZ_SECONDS, 40 s of calls by
default) in a fixed order (FUZZ_SEED); ``RELIABILITY=full`` runs every call.
"""

import json
import os
import re
import subprocess
import threading
import time
from pathlib import Path

import fuzzkit
import harness
import requests
from fuzz_setup import setup_fuzz
from fuzzcheck import invariant_problems, reclassify_all
from harness import RpcError
from relkit import FULL, record

SEED = int(os.environ.get("FUZZ_SEED", "20250925"))
SAMPLE_SECONDS = float(os.environ.get("FUZZ_SECONDS", "40"))
THREADS = 2  # both HTTP workers take hostile calls


def describe_registry(rel):
    """The add-on's models, methods and fields, from the registry."""
    script = Path(__file__).with_name("fuzz_registry.py")
    result = subprocess.run(
        [harness.odoo_python(), str(script), rel.config_path, rel.db],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(result.stdout)


def _short(value, limit=80):
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} chars)"


class Runner:
    """Runs calls on a few threads until they are done or time is up."""

    def __init__(self, clients):
        self.clients = clients  # user: factory of an Rpc for this thread
        self.local = threading.local()
        self.lock = threading.Lock()
        self.outcomes = {"ok": 0, "clean": 0}
        self.defects = []

    def _rpc(self, user):
        cache = self.local.__dict__.setdefault("rpc", {})
        if user not in cache:
            cache[user] = self.clients[user]()
        return cache[user]

    def _one(self, call):
        try:
            self._rpc(call.user)(call.model, call.method, *call.args, **call.kwargs)
            outcome = "ok"
        except RpcError as error:
            outcome = fuzzkit.judge(error)
        except requests.RequestException as error:  # the server went away
            outcome = f"no answer: {error!r:.200}"
        with self.lock:
            if outcome in self.outcomes:
                self.outcomes[outcome] += 1
            else:
                self.defects.append(
                    (
                        call.slot,
                        call.user,
                        _short([call.args, call.kwargs], 160),
                        outcome,
                    )
                )

    def run(self, calls, seconds=None):
        deadline = time.monotonic() + seconds if seconds else None
        queue = iter(calls)

        def worker():
            while deadline is None or time.monotonic() < deadline:
                with self.lock:
                    call = next(queue, None)
                if call is None:
                    return
                self._one(call)

        threads = [threading.Thread(target=worker) for _i in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    @property
    def made(self):
        return sum(self.outcomes.values()) + len(self.defects)


_RECORD = re.compile(r"^\d{4}-\d\d-\d\d [\d:,]+ \d+ (\w+) ")


def _log_errors(text):
    """The server's ERROR and CRITICAL records (a request that failed
    logs one, with its traceback) in a stretch of its log, each with the
    exception its traceback ends with. The database's "bad query" records
    are left out: Odoo turns an integrity error into a ValidationError."""
    errors, current = [], None
    for line in text.splitlines():
        record = _RECORD.match(line)
        if record:
            current = None
            if record.group(1) in ("ERROR", "CRITICAL") and "bad query" not in line:
                current = len(errors)
                errors.append(line[:300])
        elif current is not None and line and not line.startswith((" ", "Traceback")):
            errors[current] += f" -> {line[:200]}"
            current = None
    return errors


def _run_phases(rel, ctx, phases, runner):
    """Plan every phase, then run them in turn (a sample gives each phase
    its share of the time); the tickets are classified afresh once the
    configuration is fuzzed. Returns (calls planned, slots)."""
    plans = [
        fuzzkit.plan(phase, ctx, SEED + index) for index, phase in enumerate(phases)
    ]
    planned = sum(len(calls) for calls, _slots in plans)
    for index, (calls, _slots) in enumerate(plans):
        share = None if FULL else SAMPLE_SECONDS * len(calls) / max(planned, 1)
        runner.run(calls, share)
        if index == 0:
            reclassify_all(rel, ctx)
    return planned, sum(slots for _calls, slots in plans)


def _report(description, runner, planned, slots, elapsed, log_errors, problems):
    models = description["models"]
    methods = sum(len(m["methods"]) for m in models.values())
    fields = sum(len(m["fields"]) for m in models.values())
    case = "7 registry fuzz"
    record(
        case,
        "models / public methods / fields found",
        f"{len(models)} / {methods} / {fields}",
    )
    record(case, "calls made / planned (slots)", f"{runner.made} / {planned} ({slots})")
    record(case, "time of the calls, seed", f"{elapsed:.0f} s, seed {SEED}")
    record(
        case,
        "accepted / refused cleanly / server errors",
        f"{runner.outcomes['ok']} / {runner.outcomes['clean']} / "
        f"{len(runner.defects) + len(log_errors)}",
    )
    record(case, "invariant violations", str(len(problems)))
    for defect in runner.defects[:40]:
        print("DEFECT", defect)
    for line in log_errors[:20]:
        print("LOG", line[:300])
    for problem in problems[:20]:
        print("INVARIANT", problem)


def test_registry_driven_fuzz(rel):
    description = describe_registry(rel)
    ctx, phases = setup_fuzz(rel, description)
    runner = Runner(ctx.clients)
    log_start = len(rel.server.read_log())
    started = time.monotonic()
    planned, slots = _run_phases(rel, ctx, phases, runner)
    elapsed = time.monotonic() - started
    time.sleep(1)  # the workers' last log lines
    log_errors = _log_errors(rel.server.read_log()[log_start:])
    problems = invariant_problems(rel, ctx, description)
    _report(description, runner, planned, slots, elapsed, log_errors, problems)
    assert not runner.defects, runner.defects[:10]
    assert not log_errors, log_errors[:10]
    assert not problems, problems[:10]
