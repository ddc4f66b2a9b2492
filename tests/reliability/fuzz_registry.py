"""Describe, from Odoo's registry, what the add-on exposes over RPC.

    python fuzz_registry.py CONFIG_FILE DATABASE

Prints one JSON object: for every model the add-on defines or extends, the
public methods the add-on's code defines on it (callable over RPC: not
starting with "_", not ``@api.private``; with their parameters) and the
fields the add-on adds (all fields of the add-on's own models). The fuzz
(test_reliability_fuzz.py) builds its calls from this, so a new method or
field is fuzzed without any list to update.

Run with the python that imports Odoo (the test process does not import
it); it only reads the registry, it changes nothing.
"""

import inspect
import json
import sys

ADDON = "helpdesk_expedite"
PACKAGE = f"odoo.addons.{ADDON}"


def _jsonable(value):
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def _is_addon_function(function):
    return (getattr(function, "__module__", None) or "").startswith(PACKAGE)


def _names_model(klass, model_name):
    """Whether ``klass`` (a class of the add-on) defines or extends the model."""
    inherit = klass.__dict__.get("_inherit") or ()
    inherit = [inherit] if isinstance(inherit, str) else list(inherit)
    return klass.__dict__.get("_name") == model_name or model_name in inherit


def _parameters(function):
    params = []
    signature = inspect.signature(function)
    for param in list(signature.parameters.values())[1:]:  # without self
        entry = {"name": param.name, "kind": param.kind.name}
        if param.default is not inspect.Parameter.empty:
            entry["has_default"] = True
            entry["default"] = param.default if _jsonable(param.default) else None
        params.append(entry)
    return params


def public_methods(model, get_public_method):
    """{name: description} of the add-on's methods callable over RPC: those
    of the add-on's classes of the model and of the mixins it inherits, and
    those the model runs from the add-on's extension of every model
    (``base``) where nothing overrides them."""
    cls = type(model)
    names = set()
    for klass in cls.mro():
        everywhere = _names_model(klass, "base") and model._name != "base"
        for name, value in vars(klass).items():
            if not (callable(value) and _is_addon_function(value)):
                continue
            if not everywhere or getattr(cls, name, None) is value:
                names.add(name)
    methods = {}
    for name in sorted(names):
        try:
            get_public_method(model, name)
        except Exception:  # noqa: BLE001 - private or not a method: not RPC
            continue
        function = getattr(cls, name)
        methods[name] = {
            "api": getattr(function, "_api", None),
            "params": _parameters(function),
        }
    return methods


def _selection(field, model):
    if field.type != "selection":
        return None
    try:
        return [key for key, _label in field._description_selection(model.env)]
    except Exception:  # noqa: BLE001 - a selection that needs a record
        return None


def describe_field(field, model):
    return {
        "type": field.type,
        "relation": getattr(field, "comodel_name", None),
        "required": bool(field.required),
        "readonly": bool(field.readonly),
        "store": bool(field.store),
        "computed": bool(field.compute),
        "related": bool(field.related),
        "module": field._module,
        "selection": _selection(field, model),
        "default": field.default is not None,
        # a many2many's table, for the cross-company invariant
        "table": getattr(field, "relation", None)
        if field.type == "many2many"
        else None,
        "columns": [field.column1, field.column2]
        if field.type == "many2many"
        else None,
    }


def describe(env, get_public_method):
    models = {}
    for name in sorted(env.registry):
        model = env[name]
        cls = type(model)
        own_model = cls._original_module == ADDON
        fields = {
            fname: describe_field(field, model)
            for fname, field in model._fields.items()
            if own_model or field._module == ADDON
        }
        extended = any(
            _names_model(klass, name)
            for klass in cls.mro()
            if klass.__module__.startswith(PACKAGE)
        )
        if not (own_model or fields or extended) or name == "base":
            continue
        models[name] = {
            "own": own_model,
            "abstract": bool(model._abstract),
            "transient": bool(model._transient),
            "has_company": "company_id" in model._fields
            and model._fields["company_id"].type == "many2one",
            "fields": fields,
            # what a new record needs, the add-on's fields or not
            "required": {
                fname: describe_field(field, model)
                for fname, field in model._fields.items()
                if field.required and field.default is None and not field.compute
            },
            "table": model._table,
            "methods": public_methods(model, get_public_method),
        }
    relations = {
        field["relation"]
        for model in models.values()
        for field in model["fields"].values()
        if field["relation"]
    }
    companies = {
        name: "company_id" in env[name]._fields
        and env[name]._fields["company_id"].type == "many2one"
        and env[name]._fields["company_id"].store
        for name in sorted(relations)
        if name in env.registry
    }
    return {"models": models, "relation_has_company": companies}


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    config_path, dbname = argv
    import odoo
    from odoo.modules.registry import Registry

    try:
        from odoo.service.model import get_public_method
    except ImportError:  # 18.0 builds before @api.private: the name decides
        from odoo.models import check_method_name

        def get_public_method(model, name):
            check_method_name(name)
            return getattr(type(model), name)

    from odoo.tools import config

    config.parse_config(["-c", config_path, "--log-level=warn"])
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        description = describe(env, get_public_method)
        cr.rollback()
    json.dump(description, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
