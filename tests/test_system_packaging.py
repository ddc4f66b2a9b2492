"""The add-on builds as an installable wheel (whool backend)."""

import ast
import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ADDON = "helpdesk_expedite"
ADDON_DIR = REPO_ROOT / ADDON
PREFIX = f"odoo/addons/{ADDON}/"


def _runtime_files():
    """Files the add-on needs at runtime: its Python code outside tests,
    the data files of the manifest, and the module icon/description."""
    manifest = ast.literal_eval((ADDON_DIR / "__manifest__.py").read_text())
    files = set(manifest.get("data", [])) | set(manifest.get("demo", []))
    for path in ADDON_DIR.rglob("*.py"):
        rel = path.relative_to(ADDON_DIR).as_posix()
        if not rel.startswith("tests/") and "__pycache__" not in rel:
            files.add(rel)
    return files


def test_wheel_builds(tmp_path):
    python = os.environ.get("ODOO_PYTHON") or sys.executable
    assert (ADDON_DIR / "pyproject.toml").is_file(), (
        "helpdesk_expedite/pyproject.toml missing"
    )
    result = subprocess.run(
        [
            python,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--disable-pip-version-check",
            "-w",
            str(tmp_path),
            str(ADDON_DIR),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO_ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    wheels = list(tmp_path.glob("*.whl"))
    assert len(wheels) == 1, [w.name for w in wheels]
    wheel = wheels[0]
    print(f"\nbuilt {wheel.name}")
    version = ast.literal_eval((ADDON_DIR / "__manifest__.py").read_text())["version"]
    assert wheel.name.startswith(f"odoo_addon_{ADDON}-{version}"), wheel.name
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = next(
            archive.read(n).decode() for n in names if n.endswith(".dist-info/METADATA")
        )
    assert f"{PREFIX}__manifest__.py" in names
    assert f"{PREFIX}__init__.py" in names
    # whool packs what git tracks: a new file that is not committed yet is
    # left out of the wheel, and the installed add-on breaks.
    missing = sorted(f for f in _runtime_files() if PREFIX + f not in names)
    assert not missing, f"runtime files missing from the wheel (not in git?): {missing}"
    for requirement in ("odoo-addon-helpdesk_mgmt", "odoo-addon-report_xlsx"):
        assert f"Requires-Dist: {requirement}" in metadata, metadata
