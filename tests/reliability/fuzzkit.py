"""The registry-driven fuzz: hostile values, the calls made of them, and
how an answer is judged (no Odoo import).

What is called comes from ``fuzz_registry.py`` (Odoo's registry at run
time): every public method the add-on defines and every field it adds, on
every model it defines or extends. Nothing here names a model, a method or
a field: a new one is fuzzed as it is.

Calls are grouped in slots (one model, one field or method argument, one
operation, one user); a slot's hostile values are tried round by round,
one category after the other, so that a time-bounded sample tries every
slot with the most telling values first. The order is fixed by the seed.
"""

import functools
import itertools
import math
import random
from dataclasses import dataclass, field

MAX_INT = 2**31 - 1  # PostgreSQL integer
MISSING_ID = MAX_INT  # a valid id that no record has
CLEAN_ERRORS = frozenset(
    {
        "odoo.exceptions.UserError",
        "odoo.exceptions.ValidationError",
        "odoo.exceptions.AccessError",
        "odoo.exceptions.MissingError",
    }
)
ONE_MEGABYTE = 2**20
# a method slot goes through this many values while a field slot goes
# through one: methods are few, each with its own code behind it
METHOD_WEIGHT, FIELD_WEIGHT = 3, 1
_SERIALS = itertools.count(1)
ARGUMENT_KINDS = ("POSITIONAL_OR_KEYWORD", "KEYWORD_ONLY", "POSITIONAL_ONLY")


def _big_text(rng):
    """1 MB of text that does not compress (an index entry cannot hold it)."""
    alphabet = "abcdefghijklmnopqrstuvwxyzÀÉÎÕÜđĐ0123456789 -_/"
    return "".join(rng.choice(alphabet) for _i in range(ONE_MEGABYTE))


def generic_values(rng):
    """{category: [values]} any argument or field may receive."""
    return {
        "type": [True, -1, 3.5, "", "x", [1], {"id": 1}, [[1]], ["a", None]],
        "number": [2**31, -(2**63), 1e308, math.nan, -math.inf, 1e-320],
        "text": [
            "a\x00b",
            "\ud800 lone surrogate",
            "line 1\r\nline 2",
            "\r- item\r# heading\r**bold** [link](http://x)",
            "<script>alert(1)</script><img src=x onerror=alert(1)>",
            "%(name)s %s {0} {{DATE()}}",
            "ü€😀\u202e\u200b",
        ],
        "big": [_big_text(rng), ["x"] * 100_000],
    }


def relational_values(ids):
    """Hostile ids and commands for a relational field or id argument;
    ``ids`` names a record of another company, one hidden from the user
    and one visible (each may be None)."""
    foreign, hidden, mine = ids.get("foreign"), ids.get("hidden"), ids.get("mine")
    others = [i for i in (foreign, hidden) if i]
    values = [MISSING_ID, 0, -1, 2**40, "1", *others]
    commands = [
        [[4, MISSING_ID]],
        [[6, 0, [MISSING_ID, *others]]],
        [[9, 1, 1]],
        [[0, 0, "x"]],
        [[1, MISSING_ID, {}]],
        [[2, mine or 1]],
        [[5]],
    ]
    commands += [[[4, other]] for other in others]
    commands += [[[3, other]] for other in others]
    return {"ids": values, "commands": commands}


def date_values():
    return {
        "date": [
            "2024-13-45",
            "not a date",
            "0001-01-01 00:00:00",
            "9999-12-31 23:59:59",
            "2024-01-01T00:00:00+05:00",
            "99999-01-01",
        ]
    }


class UniqueText(str):
    """A text of a baseline that each create makes unique (a code, a name
    that must be unique per ticket...)."""


@dataclass
class Call:
    user: str
    model: str
    method: str
    args: list
    kwargs: dict = field(default_factory=dict)
    slot: str = ""


# A field type's or an argument's kind, and the values that break that kind
# most often: every slot tries them first, in this order, before the rest
# of its hostile values (in an order drawn from the seed).
KINDS = {
    "char": "text",
    "text": "text",
    "html": "text",
    "integer": "number",
    "float": "number",
    "monetary": "number",
    "many2one": "id",
    "one2many": "x2many",
    "many2many": "x2many",
    "date": "date",
    "datetime": "date",
}


def _first_values(kind, ids):
    missing, foreign = MISSING_ID, ids.get("foreign") or MISSING_ID
    return {
        "text": [5, "a\x00b", "\ud800", [1]],
        "number": [2**40, "x", math.nan, -(2**63)],
        "id": [2**40, "1", foreign, missing],
        "x2many": ["abc", [[0]], [[4, 2**40]], [[4, foreign]]],
        "boolean": ["x", 2, [1]],
        "selection": ["no such value", 5, [1]],
        "date": ["not a date", "0001-01-01 00:00:00", 5],
    }.get(kind, [5, "a\x00b", 2**40, [1], {"id": 1}])


def kind_of(field_type=None, param=None):
    if param is not None:
        if param.endswith("_ids"):
            return "x2many"
        return "id" if param.endswith("_id") else "other"
    return KINDS.get(field_type, field_type)


def hostile_values(kind, ids, generic):
    """(values tried first, {category: values}) of a slot of ``kind``."""
    values = dict(generic)
    if kind in ("id", "x2many"):
        values.update(relational_values(ids))
    if kind == "date":
        values.update(date_values())
    return _first_values(kind, ids), values


def slot_calls(first, categories, make, rng):
    """The calls of one slot: ``make(value)`` for the first values, then
    the categories' values taken in turn (a category after the other)."""
    queues = [list(items) for items in categories.values() if items]
    for queue in queues:
        rng.shuffle(queue)
    rng.shuffle(queues)
    calls = [make(value) for value in first]
    tried = {(type(v), v) for v in first if isinstance(v, (int, float, str))}
    while any(queues):
        for queue in queues:
            if queue:
                value = queue.pop()
                if not (
                    isinstance(value, (int, float, str))
                    and (type(value), value) in tried
                ):
                    calls.append(make(value))
    return calls


def in_rounds(slots, rng):
    """All calls of ``slots`` ([(weight, calls)]) in rounds: round k holds
    the k-th call of every slot (``weight`` calls of a slot of that
    weight), the heavier slots (methods) first, each weight's slots in an
    order drawn from the seed. A sample that stops after a few rounds has
    tried every slot with its first values."""
    keyed = []
    for weight, calls in slots:
        tie = rng.random()
        keyed += [
            ((index // weight, -weight, tie, index), call)
            for index, call in enumerate(calls)
        ]
    keyed.sort(key=lambda item: item[0])
    return [call for _key, call in keyed]


def judge(error):
    """'clean' for an Odoo refusal with a message, else what went wrong."""
    if error.status >= 500:
        return f"HTTP {error.status}"
    if error.name in CLEAN_ERRORS:
        return "clean"
    return f"{error.name}: {error.message[:160]}"


def new_rng(seed):
    return random.Random(seed)


# ----------------------------------------------------------------------
# The calls
# ----------------------------------------------------------------------
@dataclass
class Context:
    """What the setup made, for the planner: ``records[user][model]`` the
    records of the first company the user sees, ``hidden[user][model]``
    one of that company the user does not see, ``foreign[model]`` one of
    the second company, ``baseline[user][model]`` values that create a
    record (its required fields, with records the user sees)."""

    users: list
    records: dict
    hidden: dict
    foreign: dict
    baseline: dict
    clients: dict = field(default_factory=dict)  # user: factory of a harness.Rpc
    last: dict = field(default_factory=dict)  # model: highest id before setup


def _ids(ctx, user, model):
    mine = ctx.records[user].get(model) or []
    return {
        "mine": mine[0] if mine else None,
        "hidden": ctx.hidden[user].get(model),
        "foreign": ctx.foreign.get(model),
    }


def _target(ctx, user, model, rng):
    """A record of ``model`` to call on: one the user sees, else any."""
    mine = ctx.records[user].get(model) or ctx.records["_admin"].get(model) or []
    return [rng.choice(mine)] if mine else [MISSING_ID]


def _plausible(ctx, user, model, param, rng):
    """A harmless value for an argument that is not being fuzzed: its
    default, else one guessed from its name."""
    if param.get("has_default"):
        return param.get("default")
    name = param["name"]
    if name in ("vals", "values"):
        return {}
    if name == "vals_list":
        return [dict(ctx.baseline[user].get(model) or {})]
    if name.endswith("_ids") or name.startswith("fields"):
        return []
    if name.endswith("_id"):
        others = ctx.records[user].get(model) or []
        return rng.choice(others) if others else MISSING_ID
    return "Fuzz"


def _nested_values(ctx, description, user, relation):
    """Create commands of a one2many or many2many whose new line holds a
    hostile value (the first of its kind) in one of its fields."""
    comodel = description["models"].get(relation)
    if not comodel:
        return []
    baseline = ctx.baseline[user].get(relation) or {}
    return [
        [[0, 0, {**baseline, name: _first_values(kind_of(spec["type"]), {})[0]}]]
        for name, spec in comodel["fields"].items()
    ]


def _field_slots(ctx, description, generic, rng):
    for model, spec in description["models"].items():
        for fname, fspec in spec["fields"].items():
            kind = kind_of(fspec["type"])
            for user in ctx.users:
                ids = _ids(ctx, user, fspec["relation"]) if fspec["relation"] else {}
                first, categories = hostile_values(kind, ids, generic)
                if kind == "x2many":
                    categories["nested"] = _nested_values(
                        ctx, description, user, fspec["relation"]
                    )
                for op in ("create", "write"):
                    make = functools.partial(
                        _field_call, ctx, user, model, op, fname, rng
                    )
                    yield FIELD_WEIGHT, slot_calls(first, categories, make, rng)


def _field_call(ctx, user, model, op, fname, rng, value):
    slot = f"{model}.{op}({fname})"
    if op == "create":
        # unique texts: a unique code or name must not refuse the create
        serial = next(_SERIALS)
        baseline = ctx.baseline[user].get(model) or {}
        vals = {
            k: f"{v} {serial}" if isinstance(v, UniqueText) else v
            for k, v in baseline.items()
        }
        vals[fname] = value
        return Call(user, model, "create", [vals], slot=slot)
    target = _target(ctx, user, model, rng)
    return Call(user, model, "write", [target, {fname: value}], slot=slot)


def _method_slots(ctx, description, generic, rng):
    for model, spec in description["models"].items():
        for method, mspec in spec["methods"].items():
            params = [p for p in mspec["params"] if p["kind"] in ARGUMENT_KINDS]
            for user in ctx.users:
                yield from _one_method_slots(
                    ctx, model, method, mspec, params, user, generic, rng
                )


def _one_method_slots(ctx, model, method, mspec, params, user, generic, rng):
    on_records = mspec["api"] is None
    slot = f"{model}.{method}"
    base = [_plausible(ctx, user, model, p, rng) for p in params]

    def call(ids, args):
        head = [ids] if on_records else []
        pairs = list(zip(params, args, strict=True))
        positional = [a for p, a in pairs if p["kind"] != "KEYWORD_ONLY"]
        keywords = {p["name"]: a for p, a in pairs if p["kind"] == "KEYWORD_ONLY"}
        return Call(user, model, method, head + positional, keywords, slot=slot)

    if on_records:
        calls = [call(ids, base) for ids in _self_ids(ctx, user, model)]
        yield METHOD_WEIGHT, calls
    # an argument too many (positional, then by an unknown name)
    target = _target(ctx, user, model, rng) if on_records else None
    extra = call(target, base)
    extra.args = [*extra.args, 5]
    unknown = call(target, base)
    unknown.kwargs = {**unknown.kwargs, "no_such_argument": 5}
    yield METHOD_WEIGHT, [extra, unknown]
    for index, param in enumerate(params):
        relation = _guess_model(ctx, param["name"], model)
        first, categories = hostile_values(
            kind_of(param=param["name"]), _ids(ctx, user, relation), generic
        )

        def make(value, index=index):
            args = list(base)
            args[index] = value
            return call(_target(ctx, user, model, rng) if on_records else None, args)

        yield METHOD_WEIGHT, slot_calls(first, categories, make, rng)


def _guess_model(ctx, param, default):
    """The model an argument named ``<name>_id`` points to: the one whose
    name ends with ``.<name>`` ("target_id": helpdesk.escalation.target),
    else the method's own model."""
    suffix = "." + param.removesuffix("_ids").removesuffix("_id").replace("_", ".")
    names = sorted(name for name in ctx.records["_admin"] if name.endswith(suffix))
    return names[0] if names else default


def _self_ids(ctx, user, model):
    ids = _ids(ctx, user, model)
    # a list (or one id), as Odoo's RPC expects: anything else fails in
    # Odoo's dispatcher before the add-on's code runs
    hostile = [
        [MISSING_ID],
        [0],
        [-1],
        [2**40],
        ["1"],
        [None],
        [[1]],
        "abc",
        MISSING_ID,
    ]
    hostile += [[i] for i in (ids["foreign"], ids["hidden"]) if i]
    if ids["mine"]:
        hostile += [[ids["mine"], ids["mine"]], [ids["mine"], MISSING_ID]]
    return hostile


def plan(description, ctx, seed):
    """All the calls of the fuzz, in the order a sample takes them."""
    rng = new_rng(seed)
    generic = generic_values(rng)
    slots = list(_field_slots(ctx, description, generic, rng))
    slots += list(_method_slots(ctx, description, generic, rng))
    return in_rounds(slots, rng), len(slots)
