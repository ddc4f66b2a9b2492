"""Activate a language in a database, with the translations of its
installed modules (run by tools/screenshots).

    activate_lang.py CONF DB LANG

Unlike --load-language on a new database, this leaves the users' language
and English as they are: the modules installed afterwards load LANG too.
"""

import sys

import odoo


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    conf, db, lang = argv
    odoo.tools.config.parse_config(["-c", conf, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["res.lang"]._activate_lang(lang)
        env["ir.module.module"].search(
            [("state", "=", "installed")]
        )._update_translations(lang)


if __name__ == "__main__":
    main(sys.argv[1:])
