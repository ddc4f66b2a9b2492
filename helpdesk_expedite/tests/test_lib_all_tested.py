"""Every module of lib/ has its pure test: test_lib_<module>.py, which
imports the module. A new lib/ module without one fails here."""

import ast
from pathlib import Path

from .common import PureCase

ADDON = Path(__file__).resolve().parent.parent
LIB_PACKAGE = "odoo.addons.helpdesk_expedite.lib"


def lib_modules(addon=ADDON):
    return sorted(p.stem for p in (addon / "lib").glob("*.py") if p.stem != "__init__")


def imported_lib_modules(source):
    """The lib/ modules a test file imports: ``from <lib> import x``,
    ``from <lib>.x import ...``, ``import <lib>.x`` (relative or absolute)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            absolute = module if node.level == 0 else "." * node.level + module
            for prefix in (LIB_PACKAGE, "..lib"):
                if absolute == prefix:
                    found.update(alias.name for alias in node.names)
                elif absolute.startswith(prefix + "."):
                    found.add(absolute[len(prefix) + 1 :].split(".")[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(LIB_PACKAGE + "."):
                    found.add(alias.name[len(LIB_PACKAGE) + 1 :].split(".")[0])
    return found


def untested(addon=ADDON):
    """{module: why} of the lib/ modules without their pure test."""
    problems = {}
    for name in lib_modules(addon):
        test = addon / "tests" / f"test_lib_{name}.py"
        if not test.exists():
            problems[name] = f"no {test.name}"
        elif name not in imported_lib_modules(test.read_text()):
            problems[name] = f"{test.name} does not import lib/{name}.py"
    return problems


class TestEveryLibModuleIsTested(PureCase):
    def test_every_lib_module_has_its_test_lib_file(self):
        self.assertGreater(len(lib_modules()), 10)
        self.assertEqual(untested(), {})

    def test_the_guard_sees_a_missing_or_unrelated_test(self):
        self.assertEqual(
            imported_lib_modules(
                "from odoo.addons.helpdesk_expedite.lib import retry, text\n"
                "from odoo.addons.helpdesk_expedite.lib.status_snapshot import iso\n"
                "from ..lib import matching\n"
                "import odoo.addons.helpdesk_expedite.lib.scorecard\n"
                "from odoo.addons.helpdesk_expedite.models import lib\n"
            ),
            {"retry", "text", "status_snapshot", "matching", "scorecard"},
        )
