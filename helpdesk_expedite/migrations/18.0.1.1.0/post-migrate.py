"""18.0.1.1.0: the add-on's mail templates as shipped, in every language.

They are noupdate data: an upgrade leaves the old ones in place, and with
them the major incident's title in the mails to its linked customers, a
text its own customer wrote (issue 19, finding 2). Every mail.template of
the add-on is reloaded from its data file, and its translations from the
add-on's .po files. Edits made to these templates in the database are lost
(the log names the templates reset).
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.modules.module import get_manifest
from odoo.tools import SQL, convert_file, file_open

_logger = logging.getLogger(__name__)

MODULE = "helpdesk_expedite"


def _template_files():
    """The add-on's data files that define mail templates."""
    files = []
    for filename in get_manifest(MODULE)["data"]:
        with file_open(f"{MODULE}/{filename}", "rb") as handle:
            if b'model="mail.template"' in handle.read():
                files.append(filename)
    return files


def _keep_english_only(env, templates):
    """Drop the other languages of the templates' translated texts: the
    .po files fill them again."""
    columns = [
        name
        for name, field in templates._fields.items()
        if field.translate and field.store and field.column_type
    ]
    assignments = SQL(", ").join(
        SQL(
            "%(col)s = CASE WHEN %(col)s ? 'en_US' "
            "THEN jsonb_build_object('en_US', %(col)s->'en_US') END",
            col=SQL.identifier(column),
        )
        for column in columns
    )
    env.flush_all()
    env.cr.execute(
        SQL(
            "UPDATE mail_template SET %s WHERE id = ANY(%s)", assignments, templates.ids
        )
    )
    env.invalidate_all()


def reset_mail_templates(env):
    """Reload every mail template of the add-on as shipped."""
    xmlids = env["ir.model.data"].search(
        [("module", "=", MODULE), ("model", "=", "mail.template")]
    )
    for filename in _template_files():
        convert_file(env, MODULE, filename, {}, mode="init", noupdate=True, kind="data")
    templates = env["mail.template"].browse(xmlids.mapped("res_id")).exists()
    _keep_english_only(env, templates)
    langs = [code for code, _name in env["res.lang"].get_installed() if code != "en_US"]
    if langs:
        env["ir.module.module"]._load_module_terms([MODULE], langs, overwrite=False)
    _logger.info(
        "%s: mail templates reset to the shipped version: %s",
        MODULE,
        ", ".join(xmlids.mapped("name")),
    )


def migrate(cr, version):
    if version:
        reset_mail_templates(api.Environment(cr, SUPERUSER_ID, {}))
