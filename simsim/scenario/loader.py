"""Load a scenario: YAML -> extends/overrides -> schema -> whole-file checks -> Scenario.

Everything is checked before anything runs. Every problem found is raised in one
:class:`~simsim.errors.ScenarioError` (its ``problems``), each naming the file, the line
and the key path.
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from simsim.errors import ScenarioError
from simsim.scenario.base import did_you_mean
from simsim.scenario.schema import Scenario, SetParameter, SetRelation
from simsim.scenario.yamlio import LDict, LList, format_path, load_yaml_file, load_yaml_text, locate

#: Longest chain of ``extends:`` (each file of the chain is read within the limits of yamlio).
MAX_EXTENDS = 32

BASE_EVENT_TYPES = {"set_parameter": SetParameter, "set_relation": SetRelation}


# ---------------------------------------------------------------------------- merging
def _item_key(item: Any, edges: bool = False) -> Any:
    """Identity of a list item for merging: its ``id``, or for relation edges (from, to)."""
    if isinstance(item, Mapping):  # only names identify items: a list or mapping as an id is a schema error
        if "id" in item and isinstance(item["id"], (str, int, float)):
            return ("id", item["id"])
        if edges and isinstance(item.get("from"), str) and isinstance(item.get("to"), str):
            return ("edge", item["from"], item["to"])
    return None


def _is_edges(path: tuple[Any, ...]) -> bool:
    return len(path) == 3 and path[0] == "relations" and path[2] == "edges"


_IDENTITY_KEYS = ("from", "to", "id")
_QUANTITY_SECTIONS = ("parameters", "attributes", "behaviour_params")


def _is_quantity(d: Any) -> bool:
    return isinstance(d, Mapping) and ("value" in d or "dist" in d)


def merge(base: Any, child: Any, path: tuple[Any, ...] = ()) -> Any:
    """Merge ``child`` over ``base`` (``extends:`` semantics); ``path`` is where they are.

    Mappings merge key by key (a ``null`` value removes the key); lists of mappings that all
    carry an ``id`` (actors, sources, events with ids) merge item by item on ``id``, and a
    relation's ``edges`` on (``from``, ``to``); any other value in ``child`` replaces the one
    in ``base``. A quantity (a mapping with ``value`` or
    ``dist``) replaces a quantity whole, keeping only the edge ends: a changed number must
    carry its own ``source`` or ``assumption``.
    """
    if _is_quantity(base) and _is_quantity(child):
        out_q = LDict({k: base[k] for k in _IDENTITY_KEYS if k in base})
        out_q.locs = {k: v for k, v in getattr(base, "locs", {}).items() if k in out_q}
        out_q.update(child)
        out_q.locs.update(getattr(child, "locs", {}))
        out_q.loc = getattr(child, "loc", None)
        return out_q
    if isinstance(base, Mapping) and isinstance(child, Mapping):
        out = LDict(base)
        out.loc = getattr(child, "loc", None) or getattr(base, "loc", None)
        out.locs = dict(getattr(base, "locs", {}))
        child_locs = getattr(child, "locs", {})
        for key, value in child.items():
            if value is None:
                out.pop(key, None)
                out.locs.pop(key, None)
                continue
            out[key] = merge(base[key], value, (*path, key)) if key in base else value
            if key in child_locs:
                out.locs[key] = child_locs[key]
        return out
    if isinstance(base, list) and isinstance(child, list):
        edges = _is_edges(path)
        keys_b = [_item_key(i, edges) for i in base]
        keys_c = [_item_key(i, edges) for i in child]
        if base and child and all(keys_b) and all(keys_c):
            out_l = LList(base)
            out_l.loc = getattr(child, "loc", None)
            out_l.locs = list(getattr(base, "locs", [None] * len(base)))
            pos = {k: i for i, k in enumerate(keys_b)}
            for j, (k, item) in enumerate(zip(keys_c, child, strict=True)):
                cloc = child.locs[j] if isinstance(child, LList) else None
                if k in pos:
                    out_l[pos[k]] = merge(base[pos[k]], item, (*path, j))
                    out_l.locs[pos[k]] = cloc
                else:
                    out_l.append(item)
                    out_l.locs.append(cloc)
            return out_l
    return child


def _resolve_extends(path: Path, label: str, stack: tuple[Path, ...]) -> Any:
    real = path.resolve()
    if real in stack:
        chain = " -> ".join(p.name for p in (*stack, real))
        raise ScenarioError(f"'extends' cycle: {chain}", label)
    if len(stack) > MAX_EXTENDS:
        raise ScenarioError(f"'extends' chain of more than {MAX_EXTENDS} steps: refused", label)
    data = load_yaml_file(path, label)
    if not isinstance(data, Mapping):
        raise ScenarioError("a scenario file must be a mapping of keys (name:, model:, actors: ...)", label, 1)
    parent = data.get("extends")
    if parent is None:
        return data
    if not isinstance(parent, str):
        loc = data.locs.get("extends") if isinstance(data, LDict) else None
        raise ScenarioError("'extends' must be a file path", label, loc[1] if loc else None, "extends")
    parent_path = (path.parent / parent)
    parent_label = str(Path(label).parent / parent) if label else str(parent_path)
    if not parent_path.exists() and not Path(parent).suffix:
        from simsim.registry import shipped_scenarios

        shipped = shipped_scenarios()
        if parent in shipped:  # `extends: mongolia_icc_2024` names a shipped scenario
            parent_path, parent_label = shipped[parent], str(shipped[parent])
    if not parent_path.exists():  # a FIFO, a device or a folder is refused by load_yaml_file
        loc = data.locs.get("extends") if isinstance(data, LDict) else None
        raise ScenarioError(f"extended file '{parent}' not found", label, loc[1] if loc else None, "extends")
    base = _resolve_extends(parent_path, parent_label, (*stack, real))
    merged = merge(base, {k: v for k, v in data.items() if k != "extends"} | {})
    # keep the child's own locations for its keys
    if isinstance(merged, LDict) and isinstance(data, LDict):
        for k in data:
            if k != "extends" and k in data.locs:
                merged.locs[k] = data.locs[k]
    return merged


# ---------------------------------------------------------------------------- overrides
def _parse_override(expr: str) -> tuple[list[str], Any]:
    if "=" not in expr:
        raise ScenarioError("an override must look like path.to.key=value", f"--set {expr}")
    path, _, text = expr.partition("=")
    parts = [p for p in path.strip().split(".")]
    if not path.strip() or any(not p for p in parts):
        raise ScenarioError("empty key in override path", f"--set {expr}")
    value = load_yaml_text(text, f"--set {expr}") if text.strip() else None
    return parts, value


def _select(container: Any, part: str, expr: str, trail: list[Any]) -> Any:
    if isinstance(container, list):
        if part.lstrip("-").isdigit():
            i = int(part)
            if not -len(container) <= i < len(container):
                raise ScenarioError(f"index {i} out of range", f"--set {expr}", None, format_path(trail))
            return i
        for i, item in enumerate(container):
            k = _item_key(item, edges=True)
            if k == ("id", part) or (k and k[0] == "edge" and f"{k[1]}->{k[2]}" == part):
                return i
        keys = [_item_key(i, edges=True) for i in container]
        names = [(f"{k[1]}->{k[2]}" if k[0] == "edge" else k[1]) for k in keys if k]
        raise ScenarioError(f"no item '{part}'{did_you_mean(part, names)}", f"--set {expr}", None, format_path(trail))
    return part


def apply_overrides(data: Any, overrides: Mapping[str, Any] | Iterable[str] | None) -> Any:
    """Apply ``--set`` style overrides to raw scenario data (returns a new object).

    ``overrides`` is either ``["path.to.key=value", ...]`` (values parsed as YAML) or a
    mapping ``{"path.to.key": value}``. List items are selected by index, by ``id`` or,
    for edges, by ``FROM->TO``. Setting a number where the file has a quantity replaces
    the quantity by that fixed value, marked as an assumption.
    """
    if not overrides:
        return data
    items: list[tuple[list[str], Any, str, str]] = []
    if isinstance(overrides, Mapping):
        for k, v in overrides.items():
            items.append((str(k).split("."), v, f"{k}={v}", f"override {k}={v}"))
    else:
        for expr in overrides:
            parts, value = _parse_override(expr)
            items.append((parts, value, expr, f"--set {expr}"))
    data = copy.deepcopy(data)
    for parts, value, expr, label in items:
        if parts[0] == "extends":
            raise ScenarioError("'extends' cannot be overridden; write a scenario file that extends the base",
                                label, None, "extends")
        node = data
        trail: list[Any] = []
        parent_of: Any = (None, None)
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            key = _select(node, part, expr, trail)
            trail.append(key)
            if last:
                old = node[key] if (isinstance(node, list) or key in node) else None
                new_quantity = (len(trail) >= 2 and trail[-2] in _QUANTITY_SECTIONS and old is None
                                and isinstance(value, (int, float)) and not isinstance(value, bool))
                if new_quantity:
                    value = LDict(value=value, assumption=True, note=f"set by {label}")
                    value.loc = (label, None)
                elif _is_quantity(node) and key in ("value", "dist") or _is_quantity(old):
                    # a number (or distribution) replacing a quantity: it becomes the
                    # analyst's assumption, keeping only the edge ends
                    target: Any = node if _is_quantity(node) and key in ("value", "dist") else old
                    tkey = None if target is node else key
                    new = value if isinstance(value, Mapping) else LDict(value=value)
                    if not isinstance(new, LDict):
                        new = LDict(new)
                    for k in _IDENTITY_KEYS:
                        if k in target and k not in new:
                            new[k] = target[k]
                    if "source" not in new and "assumption" not in new:
                        new["assumption"] = True
                        new.setdefault("note", f"set by {label}")
                    new.loc = (label, None)
                    if tkey is None:  # replace the enclosing quantity in its container
                        parent, pkey = parent_of
                        parent[pkey] = new
                        if isinstance(parent, (LDict, LList)):
                            parent.locs[pkey] = (label, None)
                        continue
                    value = new
                node[key] = value
                if isinstance(node, (LDict, LList)):
                    node.locs[key] = (label, None)
                if _is_quantity(node):  # a quantity changed in part: its errors come from the override
                    parent, pkey = parent_of
                    if isinstance(parent, (LDict, LList)):
                        parent.locs[pkey] = (label, None)
            else:
                parent_of = (node, key)
                if isinstance(node, dict) and key not in node:
                    node[key] = LDict()
                    node[key].loc = (label, None)
                nxt = node[key]
                if not isinstance(nxt, (dict, list)):
                    raise ScenarioError(f"'{part}' is a value, not a section", label, None, format_path(trail))
                node = nxt
    return data


# ---------------------------------------------------------------------------- validation
def _validation_errors(exc: ValidationError, raw: Any, origin: str) -> list[ScenarioError]:
    """One located :class:`ScenarioError` per problem pydantic found."""
    out = []
    errors = exc.errors()
    for err in errors:
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "union[")))]
        # drop union-member tags pydantic adds (e.g. 'GenericEvent')
        loc = [p for p in loc if p not in ("GenericEvent", "EventSpec")]
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        if err["type"] == "missing":
            msg = "required key is missing"
        elif ("input" in err and err["type"] not in ("unknown_key", "bare_number", "bool_number", "finite_number")
              and not isinstance(err["input"], (dict, list))):
            msg = f"{msg} (got {_short(err['input'])})"
        where = locate(raw, loc)
        file, line = where if where else (origin, None)
        out.append(ScenarioError(msg, file, line, format_path(loc)))
    return out


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _validation_error(exc: ValidationError, raw: Any, origin: str) -> ScenarioError:
    """All the problems pydantic found, as one :class:`ScenarioError` (see :meth:`ScenarioError.collect`)."""
    return ScenarioError.collect(_validation_errors(exc, raw, origin))


class _Problems:
    """Collects the problems of one scenario so that all of them are reported at once."""

    def __init__(self) -> None:
        self.items: list[ScenarioError] = []

    def add(self, err: ScenarioError) -> None:
        self.items.append(err)

    def raise_any(self) -> None:
        if self.items:
            raise ScenarioError.collect(self.items)


def _beyond(q: Any, end: float) -> str:
    """``is 2`` for a fixed value, ``uniform(0.5, 2) reaches 2`` for a distribution (a bound's message)."""
    return f"is {q.value:g}" if q.dist is None else f"{q.describe()} reaches {end:g}"


def _bounds_problems(scn: Scenario, path: tuple[Any, ...], q: Any, spec: Any, what: str) -> list[ScenarioError]:
    out = []
    lo, hi = q.support()
    if spec.low is not None and lo < spec.low:
        out.append(scn.error(path, f"{what} must be >= {spec.low:g}, but {_beyond(q, lo)}"))
    if spec.high is not None and hi > spec.high:
        out.append(scn.error(path, f"{what} must be <= {spec.high:g}, but {_beyond(q, hi)}"))
    if q.range is not None:
        if spec.low is not None and q.range[0] < spec.low or spec.high is not None and q.range[1] > spec.high:
            out.append(scn.error(path, f"{what} range [{q.range[0]:g}, {q.range[1]:g}] leaves the allowed "
                                       f"[{spec.low}, {spec.high}]"))
    if spec.integer and q.dist not in (None, "choice"):
        out.append(scn.error(path, f"{what} must be a whole number: give a value or a choice, not {q.dist}"))
    elif spec.integer:
        vals = [q.value] if q.dist is None else list(q.values)
        if any(not float(v).is_integer() for v in vals):
            out.append(scn.error(path, f"{what} must be a whole number"))
    return out


def _check_bounds(scn: Scenario, path: tuple[Any, ...], q: Any, spec: Any, what: str) -> None:
    """Raise the first bound problem of ``q`` against ``spec`` (for mechanisms' own checks)."""
    problems = _bounds_problems(scn, path, q, spec, what)
    if problems:
        raise problems[0]


def _check_size(scn: Scenario, mech: Any, add: Any) -> None:
    """Refuse a scenario whose dense relation matrices (actors x actors each) cannot fit in memory."""
    from simsim.experiment.checks import available_memory

    n = len(scn.actors)
    need = 8 * n * n * max(len(set(mech.relations) | set(scn.relations)), 1)
    avail = available_memory()
    if avail is not None and need > avail:
        add(scn.error(("actors",), f"{n} actors need {need / 1e9:.1f} GB for the relation matrices alone, "
                                   f"but {avail / 1e9:.1f} GB is available: use fewer actors"))


def check_scenario(scn: Scenario) -> Scenario:
    """Whole-file checks: ids, references, the mechanism's parameters, attributes, relations, events.

    Every problem found is reported, in one :class:`ScenarioError` (see :meth:`ScenarioError.collect`).
    """
    from simsim.registry import declaration_names, get_declaration

    problems = _Problems()
    add = problems.add
    ids = scn.ids
    seen: dict[str, int] = {}
    for i, a in enumerate(scn.actors):
        if a.id in seen:
            add(scn.error(("actors", i, "id"), f"duplicate actor id '{a.id}' (also actors[{seen[a.id]}])"))
        else:
            seen[a.id] = i
    source_ids = {s.id for s in scn.sources}
    sseen: set[str] = set()
    for i, s in enumerate(scn.sources):
        if s.id in sseen:
            add(scn.error(("sources", i, "id"), f"duplicate source id '{s.id}'"))
        sseen.add(s.id)

    def check_source(path: tuple[Any, ...], q: Any) -> None:
        if q.source is not None and q.source not in source_ids:
            add(scn.error((*path, "source"), f"unknown source '{q.source}'{did_you_mean(q.source, source_ids)}"))

    if scn.model not in declaration_names():
        add(scn.error(("model",), f"unknown mechanism '{scn.model}'{did_you_mean(scn.model, declaration_names())}; "
                                  f"known: {', '.join(declaration_names())}"))
        for i, a in enumerate(scn.actors):  # what can be checked without the mechanism
            for name, q in (*a.attributes.items(), *a.behaviour_params.items()):
                check_source(("actors", i, "attributes" if name in a.attributes else "behaviour_params", name), q)
        for name, q in scn.parameters.items():
            check_source(("parameters", name), q)
        problems.raise_any()
    mech = get_declaration(scn.model)
    _check_size(scn, mech, add)

    # attributes
    for i, a in enumerate(scn.actors):
        for name, q in a.attributes.items():
            path: tuple[Any, ...] = ("actors", i, "attributes", name)
            check_source(path, q)
            spec = mech.attributes.get(name)
            if spec is not None:
                for e in _bounds_problems(scn, path, q, spec, f"attribute '{name}'"):
                    add(e)
            elif not mech.open_attributes:
                names = ", ".join(sorted(mech.attributes)) or "none"
                add(scn.error(path, f"unknown attribute '{name}' for mechanism '{scn.model}'"
                                    f"{did_you_mean(name, mech.attributes)}; known: {names}"))
        for name, q in a.behaviour_params.items():
            check_source(("actors", i, "behaviour_params", name), q)
    for name, spec in mech.attributes.items():
        if spec.default is None:
            for i, a in enumerate(scn.actors):
                misspelt = any(did_you_mean(k, [name]) for k in a.attributes if k not in mech.attributes)
                if name not in a.attributes and spec.applies_to(a) and not misspelt:  # a typo is reported once
                    add(scn.error(("actors", i, "attributes"),
                                  f"actor '{a.id}' needs attribute '{name}' ({spec.doc})"))

    # relations
    for rname, rel in scn.relations.items():
        if rname not in mech.relations and not mech.open_relations:
            names = ", ".join(sorted(mech.relations)) or "none"
            add(scn.error(("relations", rname), f"unknown relation '{rname}' for mechanism '{scn.model}'"
                                                f"{did_you_mean(rname, mech.relations)}; known: {names}"))
            continue
        rs_decl = mech.relations.get(rname)
        if rs_decl is not None and ((rs_decl.low is not None and rel.default < rs_decl.low)
                                    or (rs_decl.high is not None and rel.default > rs_decl.high)):
            add(scn.error(("relations", rname, "default"),
                          f"relation '{rname}' must lie in [{rs_decl.low}, {rs_decl.high}]"))
        pairs: dict[tuple[str, str], int] = {}
        for j, edge in enumerate(rel.edges):
            path = ("relations", rname, "edges", j)
            ends_ok = True
            for end, aid in (("from", edge.from_), ("to", edge.to)):
                if aid not in seen:
                    add(scn.error((*path, end), f"unknown actor '{aid}'{did_you_mean(aid, ids)}"))
                    ends_ok = False
            if edge.from_ == edge.to:
                add(scn.error(path, f"an edge from '{edge.from_}' to itself"))
            check_source(path, edge)
            key = (edge.from_, edge.to)
            if ends_ok and (key in pairs or (rel.symmetric and (edge.to, edge.from_) in pairs)):
                other = pairs.get(key, pairs.get((edge.to, edge.from_)))
                add(scn.error(path, f"edge {edge.from_}->{edge.to} given twice (also edges[{other}])"))
            pairs[key] = j
            rspec = mech.relations.get(rname)
            if rspec is not None and (rspec.low is not None or rspec.high is not None):
                for err in _bounds_problems(scn, path, edge, rspec, f"relation '{rname}'"):
                    add(err)
    for rname, rspec in mech.relations.items():
        if rspec.required and rname not in scn.relations:
            add(scn.error(("relations",), f"mechanism '{scn.model}' needs relation '{rname}' ({rspec.doc})"))
        if rspec.symmetric and rname in scn.relations and not scn.relations[rname].symmetric:
            add(scn.error(("relations", rname, "symmetric"),
                          f"relation '{rname}' must be symmetric: set 'symmetric: true'"))

    # parameters
    for name, q in scn.parameters.items():
        path = ("parameters", name)
        check_source(path, q)
        if name not in mech.parameters:
            add(scn.error(path, f"unknown parameter '{name}' for mechanism '{scn.model}'"
                                f"{did_you_mean(name, mech.parameters)}"))
            continue
        for e in _bounds_problems(scn, path, q, mech.parameters[name], f"parameter '{name}'"):
            add(e)
    if scn.strict and all(name in mech.parameters for name in scn.parameters):  # a typo is reported once
        missing = [name for name in mech.parameters if name not in scn.parameters]
        if missing:
            add(scn.error(("parameters",), f"'strict: true' requires every parameter of mechanism '{scn.model}'; "
                                           f"missing: {', '.join(missing)}"))

    # events: validate each against its type
    event_types: dict[str, Any] = {**BASE_EVENT_TYPES, **mech.event_types}
    typed = []
    for k, ev in enumerate(scn.events):
        path = ("events", k)
        etype = ev.type
        if etype not in event_types:
            add(scn.error((*path, "type"), f"unknown event type '{etype}'{did_you_mean(etype, event_types)}; "
                                           f"known: {', '.join(sorted(event_types))}"))
            continue
        cls = event_types[etype]
        try:
            tev = cls.model_validate(ev.model_dump(by_alias=True, exclude_unset=True) | dict(ev.model_extra or {}))
        except ValidationError as exc:
            for inner in _validation_errors(exc, locate_sub(scn._raw, path), scn.origin or ""):
                add(ScenarioError(inner.message, inner.file, inner.line,
                                  format_path(path) + ("." + inner.key if inner.key else "")))
            continue
        n_before = len(problems.items)
        if tev.step > scn.steps:
            add(scn.error((*path, "step"), f"step {tev.step} is after the last step ({scn.steps})"))
        for f in cls.actor_fields:
            val = getattr(tev, f)
            for aid in ([val] if isinstance(val, str) else list(val or ())):
                if aid not in seen:
                    key = cls.model_fields[f].alias or f
                    add(scn.error((*path, key), f"unknown actor '{aid}'{did_you_mean(aid, ids)}"))
        if isinstance(tev, SetParameter):
            if tev.parameter not in mech.parameters:
                hint = did_you_mean(tev.parameter, mech.parameters)
                add(scn.error((*path, "parameter"), f"unknown parameter '{tev.parameter}'{hint}"))
            else:
                spec = mech.parameters[tev.parameter]
                if spec.integer and not float(tev.value).is_integer():
                    add(scn.error((*path, "value"), f"parameter '{tev.parameter}' must be a whole number"))
                if (spec.low is not None and tev.value < spec.low) or (spec.high is not None and tev.value > spec.high):
                    add(scn.error((*path, "value"),
                                  f"parameter '{tev.parameter}' must lie in [{spec.low}, {spec.high}]"))
        if isinstance(tev, SetRelation):
            if tev.relation not in scn.relations and tev.relation not in mech.relations:
                hint = did_you_mean(tev.relation, scn.relations)
                add(scn.error((*path, "relation"), f"unknown relation '{tev.relation}'{hint}"))
            if tev.from_ == tev.to:
                add(scn.error((*path, "to"), f"a relation from '{tev.from_}' to itself"))
            if tev.relation in mech.relations:
                rs = mech.relations[tev.relation]
                if (rs.low is not None and tev.value < rs.low) or (rs.high is not None and tev.value > rs.high):
                    add(scn.error((*path, "value"), f"relation '{tev.relation}' must lie in [{rs.low}, {rs.high}]"))
        if len(problems.items) == n_before:
            typed.append(tev)
    problems.raise_any()  # the mechanism's own checks rely on all of the above
    scn = _with_events(scn, tuple(typed))

    if scn.settings and not getattr(mech, "uses_settings", False):
        add(scn.error(("settings",), f"mechanism '{scn.model}' takes no settings"))
    try:
        mech.check(scn)
    except ScenarioError as exc:
        add(exc)
    problems.raise_any()  # the outcome declarations may rely on the mechanism's check
    from simsim.scenario.empirical import check_joint

    try:
        check_joint(scn)
    except ScenarioError as exc:
        add(exc)
    # outcomes named as main must exist
    specs = {o.name: o for o in mech.outcome_specs(scn)}
    known = set(specs)
    for k, name in enumerate(scn.outcomes):
        if name not in known:
            add(scn.error(("outcomes", k), f"unknown outcome '{name}'{did_you_mean(name, known)}"))
    _check_observed(scn, specs, add)
    _check_experiment(scn, add)
    problems.raise_any()
    if scn.experiment is not None and scn.experiment.factors:
        from simsim.scenario.factors import check_factors

        check_factors(scn)
    return scn


def _check_experiment(scn: Scenario, add: Any) -> None:
    """The ``experiment:`` section's sizes (problems to ``add``): Sobol's ``base_samples`` a power of 2.

    Checked here rather than in the schema so that :func:`simsim.designs.sobol` keeps raising a
    :class:`~simsim.errors.SimsimError` (from :mod:`simsim.designs.salib`) for the same mistake.
    """
    exp = scn.experiment
    if exp is None or exp.design != "sobol" or exp.base_samples is None:
        return
    n = int(exp.base_samples)
    if n & (n - 1):
        from simsim.designs.salib import pow2_neighbours

        down, up = pow2_neighbours(n)
        add(scn.error(("experiment", "base_samples"),
                      f"base_samples must be a power of 2 (Saltelli's scheme takes the first base_samples points "
                      f"of a Sobol' sequence, balanced only at powers of 2): got {n}; use {down} or {up}"))


def _check_observed(scn: Scenario, specs: Mapping[str, Any], add: Any) -> None:
    """``observed:`` names outcomes that exist, each with a value of the outcome's kind (problems to ``add``)."""
    for name, value in scn.observed.items():
        path = ("observed", name)
        spec = specs.get(name)
        if spec is None:
            add(scn.error(path, f"unknown outcome '{name}'{did_you_mean(name, specs)}"))
        elif spec.kind == "category":
            if not isinstance(value, str) or value not in spec.categories:
                hint = did_you_mean(str(value), spec.categories) if isinstance(value, str) else ""
                add(scn.error(path, f"observed value of '{name}' must be one of {', '.join(spec.categories)} "
                                    f"(got {value!r}){hint}"))
        elif spec.kind == "bool":
            if not isinstance(value, bool):
                add(scn.error(path, f"observed value of '{name}' must be true or false (got {value!r})"))
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            add(scn.error(path, f"observed value of '{name}' must be a number (got {value!r})"))


def _with_events(scn: Scenario, events: tuple[Any, ...]) -> Scenario:
    new = scn.model_copy(update={"events": events})
    new._origin, new._raw = scn._origin, scn._raw
    return new


def locate_sub(raw: Any, path: tuple[Any, ...]) -> Any:
    """The raw sub-tree at ``path`` (for locating errors inside an event)."""
    node = raw
    for p in path:
        try:
            node = node[p]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def scenario_from_data(raw: Any, origin: str = "<data>") -> Scenario:
    """Validate raw (already merged and overridden) scenario data into a :class:`Scenario`."""
    if not isinstance(raw, Mapping):
        raise ScenarioError("a scenario must be a mapping of keys (name:, model:, actors: ...)", origin, 1)
    try:
        scn = Scenario.model_validate(dict(raw))
    except ValidationError as exc:
        raise _validation_error(exc, raw, origin) from None
    scn._origin = origin
    scn._raw = raw
    return check_scenario(scn)


# ---------------------------------------------------------------------------- ranges
def vary_ranges(raw: Any) -> Any:
    """Turn every fixed value with a ``range: [lo, hi]`` (lo < hi) into a distribution over the range.

    The value then takes part in sampling (once per run) and in the sensitivity analysis like
    any uncertain input: a real number becomes ``uniform(lo, hi)``; a whole number the
    mechanism requires (a parameter, attribute or relation declared ``integer``) becomes a
    ``choice`` among at most 101 evenly spaced whole numbers of the range. A degenerate range
    (``lo == hi``, a definition) stays fixed. Provenance (``source``/``assumption``) and notes
    are kept. Returns new data; ``raw`` is not changed.
    """
    from simsim.registry import declaration_names, get_declaration

    if not isinstance(raw, Mapping):
        return raw
    mech = get_declaration(raw["model"]) if raw.get("model") in declaration_names() else None
    data = copy.deepcopy(raw)

    def convert(container: Any, key: Any, integer: bool) -> None:
        q = container[key]
        if not (isinstance(q, Mapping) and "value" in q and "dist" not in q and isinstance(q.get("range"), list)
                and len(q["range"]) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                   for v in q["range"])):
            return
        lo, hi = q["range"]
        if not lo < hi:
            return
        new = LDict({k: v for k, v in q.items() if k not in ("value", "range")})
        new.locs = {k: v for k, v in getattr(q, "locs", {}).items() if k in new}
        new.loc = getattr(q, "loc", None)
        if integer:
            import numpy as np

            grid = np.unique(np.round(np.linspace(math.ceil(lo), math.floor(hi),
                                                  int(min(math.floor(hi) - math.ceil(lo) + 1, 101)))))
            new.update(dist="choice", values=[int(v) for v in grid])
        else:
            new.update(dist="uniform", low=lo, high=hi)
        new.setdefault("note", "")
        new["note"] = (str(new["note"]) + " " if new["note"] else "") + f"(range [{lo:g}, {hi:g}] sampled)"
        container[key] = new

    def spec_integer(table: Mapping[str, Any], name: Any) -> bool:
        spec = table.get(name) if mech is not None and isinstance(name, str) else None
        return bool(getattr(spec, "integer", False))

    params = data.get("parameters")
    if isinstance(params, Mapping):
        for name in list(params):
            convert(params, name, spec_integer(mech.parameters if mech else {}, name))
    actors = data.get("actors")
    for a in actors if isinstance(actors, list) else ():
        if not isinstance(a, Mapping):
            continue
        for section, table in (("attributes", mech.attributes if mech else {}), ("behaviour_params", {})):
            sec = a.get(section)
            if isinstance(sec, Mapping):
                for name in list(sec):
                    convert(sec, name, spec_integer(table, name))
    rels = data.get("relations")
    if isinstance(rels, Mapping):
        for rname, rel in rels.items():
            edges = rel.get("edges") if isinstance(rel, Mapping) else None
            for j in range(len(edges) if isinstance(edges, list) else 0):
                convert(edges, j, spec_integer(mech.relations if mech else {}, rname))
    return data


def load_scenario(path: str | os.PathLike[str], overrides: Mapping[str, Any] | Iterable[str] | None = None,
                  *, ranges: bool = False) -> Scenario:
    """Load, merge (``extends:``), override and validate a scenario file.

    Parameters
    ----------
    path
        A YAML scenario file, or the name of a shipped scenario (``"mongolia_icc_2024"``).
    overrides
        ``["path.to.key=value", ...]`` or ``{"path.to.key": value}``, as ``--set`` on the CLI.
    ranges
        Sample every fixed value that gives a ``range:`` over that range (see
        :func:`vary_ranges`), so that it takes part in sampling and sensitivity analysis;
        by default a range is documentation and the value stays fixed.

    Raises
    ------
    ScenarioError
        Every problem found (``.problems``), each naming file, line and key.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ScenarioError(f"a scenario path must be a text or a path, not {type(path).__name__}")
    text_path = os.fspath(path)
    if isinstance(text_path, bytes) or "\x00" in text_path or not text_path.strip():
        raise ScenarioError("not a usable file name (empty, bytes or containing a NUL character)", repr(text_path))
    p = Path(path)
    if not p.is_file() and not p.suffix:
        from simsim.registry import shipped_scenarios

        shipped = shipped_scenarios()
        if str(path) in shipped:  # a shipped scenario's name (a folder of that name does not hide it)
            p = shipped[str(path)]
    label = str(path) if Path(path).is_file() or not p.exists() else str(p)
    raw = _resolve_extends(p, label, ())
    raw = apply_overrides(raw, overrides)
    if ranges:
        raw = vary_ranges(raw)
    scn = scenario_from_data(raw, label)
    # recorded so that results, figures and reprs can say which variant this is
    scn._overrides = tuple(f"{k}={v}" for k, v in overrides.items()) if isinstance(overrides, Mapping) \
        else tuple(str(o) for o in overrides or ())
    return scn


__all__ = ["load_scenario", "scenario_from_data", "apply_overrides", "merge", "vary_ranges", "yaml"]
