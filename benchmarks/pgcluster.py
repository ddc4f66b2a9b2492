"""A scratch PostgreSQL cluster for the benchmark, removed afterwards.

The harness's throwaway cluster (tools/lib/harness.py: socket only, run
by an unprivileged OS user when started as root, fsync off: we measure
the add-on's cost, not the disk), in a temporary directory. Same settings
for both databases (they live in the same cluster); ``shared_buffers`` is
raised so that the 100,000-ticket tables stay in memory for both.
"""

import tempfile

import harness

PG_SETTINGS = {
    "shared_buffers": "512MB",
    "work_mem": "16MB",
    "max_connections": "200",
}


def scratch_cluster(base_dir=None):
    """A started cluster in a new directory below ``base_dir``."""
    directory = tempfile.mkdtemp(prefix="expedite-bench-pg.", dir=base_dir)
    return harness.Cluster(directory, PG_SETTINGS).start()
