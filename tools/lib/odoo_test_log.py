"""Judge a run of Odoo's own test runner from its log.

    odoo_test_log.py LOG EXIT_CODE

LOG is the output of ``odoo --test-tags ... --stop-after-init
--log-level=info``, EXIT_CODE the exit code Odoo returned. Odoo's exit code
alone is not enough: it is 0 when no test ran at all (a tag that matches
nothing only logs a WARNING), and 0 when something logged an ERROR outside
a test's assertions (a request failing in the server's thread, a cron);
checked on Odoo 18.0 nightlies 2024-10-02 and 2025-09-25.

The run passes when the exit code is 0, the last summary line ("F failed,
E error(s) of N tests when loading database ...") has F = E = 0 and N > 0,
and no record is logged at ERROR or CRITICAL. WARNING records are counted
and shown, they do not fail the run.

Prints one line with the figures (tests, time of the post-install tests,
per-module statistics), then, when the run fails, each ERROR or CRITICAL
record with its traceback (cut after 40 lines) and the reason. Exits 0 when
the run passed, 1 when it failed, 2 on bad arguments.
"""

import re
import sys

# Odoo's log format: "%(asctime)s %(pid)s %(levelname)s %(dbname)s %(name)s: %(message)s"
RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ "
    r"(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+ (?P<logger>[\w.]+): ?"
    r"(?P<message>.*)$"
)
SUMMARY = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<tests>\d+) tests "
    r"when loading database"
)
POST_TESTS = re.compile(r"(?P<count>\d+) post-tests in (?P<seconds>[\d.]+)s")
STATS = re.compile(r"^(?P<module>\w+): \d+ tests (?P<seconds>[\d.]+)s")
MAX_LINES = 40
MAX_RECORDS = 30


def records(lines):
    """(level, logger, message, continuation lines) of each log record;
    lines before the first record are ignored."""
    current = None
    for line in lines:
        match = RECORD.match(line)
        if match:
            if current:
                yield current
            current = (match["level"], match["logger"], match["message"], [])
        elif current:
            current[3].append(line)
    if current:
        yield current


def scan(lines):
    """The figures of a log: its summary, post-install and statistics lines,
    its ERROR/CRITICAL records (with their tracebacks) and WARNING ones."""
    found = {"summary": None, "post_tests": None, "stats": []}
    errors, warnings = [], []
    for level, logger, message, more in records(lines):
        if logger == "odoo.tests.result" and SUMMARY.search(message):
            found["summary"] = SUMMARY.search(message)
        elif logger == "odoo.service.server" and POST_TESTS.search(message):
            found["post_tests"] = POST_TESTS.search(message)
        elif logger == "odoo.tests.stats" and STATS.match(message):
            found["stats"].append(STATS.match(message))
        if level == "WARNING":
            warnings.append(f"(warning, does not fail) {logger}: {message}")
        elif level in ("ERROR", "CRITICAL"):
            body = [f"{level} {logger}: {message}", *more[:MAX_LINES]]
            if len(more) > MAX_LINES:
                body.append(f"    ... {len(more) - MAX_LINES} more lines")
            errors.append("\n".join(line.rstrip("\n") for line in body))
    return found, errors, warnings


def judge(lines, exit_code):
    """(passed, figures line, ERROR/CRITICAL records, first WARNING records,
    reasons of the failure)."""
    found, errors, warnings = scan(lines)
    summary, post_tests = found["summary"], found["post_tests"]
    tests = failed = errored = 0
    if summary:
        tests = int(summary["tests"])
        failed, errored = int(summary["failed"]), int(summary["errors"])
        figures = f"{tests} tests, {failed} failed, {errored} errors"
    else:
        figures = "no summary line"
    if post_tests:
        figures += (
            f"; {post_tests['count']} post-install tests"
            f" in {float(post_tests['seconds']):.0f}s"
        )
    if found["stats"]:
        modules = ", ".join(
            f"{m['module']} {float(m['seconds']):.0f}s" for m in found["stats"]
        )
        figures += f" ({modules})"
    figures += f"; {len(errors)} ERROR/CRITICAL records, {len(warnings)} warnings"
    reasons = []
    if exit_code != 0:
        reasons.append(f"odoo exited with code {exit_code}")
    if not summary:
        reasons.append("the run did not finish (no summary line in the log)")
    elif tests == 0:
        reasons.append("no test ran (do the tags match any test?)")
    if failed or errored:
        reasons.append(f"{failed} failed, {errored} error(s)")
    if errors:
        reasons.append(f"{len(errors)} ERROR/CRITICAL records in the log")
    return not reasons, figures, errors, warnings[:5], reasons


def main(argv):
    if len(argv) != 2 or not argv[1].lstrip("-").isdigit():
        sys.stderr.write(__doc__)
        return 2
    log_file, exit_code = argv[0], int(argv[1])
    with open(log_file, encoding="utf-8", errors="replace") as handle:
        passed, figures, errors, warnings, reasons = judge(handle, exit_code)
    print(f"odoo runner: {figures}")
    for warning in warnings:
        print(f"  {warning}")
    if passed:
        return 0
    for error in errors[:MAX_RECORDS]:
        print(error, file=sys.stderr)
    if len(errors) > MAX_RECORDS:
        print(f"... {len(errors) - MAX_RECORDS} more records", file=sys.stderr)
    print(f"odoo runner: FAILED: {'; '.join(reasons)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
