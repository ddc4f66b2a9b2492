"""Records of one company point to records of that company, or shared ones
(the check Odoo's ``check_company`` makes, without naming the other
company's records: the user may not see them)."""

from odoo.exceptions import ValidationError


def check_same_company(records, field_name):
    """Raise a ValidationError when a record of ``records`` that belongs to
    a company points through ``field_name`` to a record of another one."""
    for record in records.sudo():
        company = record.company_id
        if not company:
            continue
        if record[field_name].filtered(
            lambda linked, company=company: (
                linked.company_id and linked.company_id != company
            )
        ):
            field = records._fields[field_name]
            raise ValidationError(
                records.env._(
                    "%(record)s belongs to %(company)s: its %(field)s must "
                    "belong to that company too, or to none.",
                    record=record.with_env(records.env).display_name,
                    company=company.name,
                    field=field._description_string(records.env),
                )
            )
