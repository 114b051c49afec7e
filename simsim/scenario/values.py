"""Every value a run of a scenario uses, given or taken from the mechanism's defaults.

A scenario need not give every parameter, attribute or relation a mechanism reads: what it
leaves out runs at the mechanism's default. :func:`used_values` lists them all, each marked
``given`` (with its provenance) or ``default``, so that ``simsim describe`` and the results'
``metadata.json`` hide nothing. A scenario with ``strict: true`` must give every parameter
(see :func:`simsim.scenario.loader.check_scenario`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simsim.scenario.schema import Scenario


@dataclass(frozen=True)
class UsedValue:
    """One value a run uses.

    Attributes
    ----------
    name
        Column-style name: ``param.X``, ``attr.ACTOR.X``, ``rel.R.default``, ``rel.R.A->B``,
        ``bparam.ACTOR.X``.
    value
        The value (``uniform(0.2, 0.6)`` for a distribution; ``derived`` when the mechanism
        computes it from other inputs).
    origin
        ``given`` (in the scenario, or by an override) or ``default`` (the mechanism's).
    provenance
        ``source <id>``, ``assumption`` or, for a default, ``mechanism default``.
    """

    name: str
    value: str
    origin: str
    provenance: str

    def as_dict(self) -> dict[str, str]:
        """The value as a plain mapping (for metadata.json)."""
        return asdict(self)


def _prov(q: Any) -> str:
    return f"source {q.source}" if q.source else "assumption"


def _fmt(v: float | None) -> str:
    return "derived" if v is None else f"{v:g}"


def used_values(scn: Scenario) -> list[UsedValue]:
    """Every value a run of ``scn`` uses: parameters, attributes, relations, behaviour parameters."""
    from simsim.registry import behaviours, get_declaration

    mech = get_declaration(scn.model)
    out: list[UsedValue] = []
    for name, spec in mech.parameters.items():
        q = scn.parameters.get(name)
        if q is not None:
            out.append(UsedValue(f"param.{name}", q.describe(), "given", _prov(q)))
        else:
            out.append(UsedValue(f"param.{name}", _fmt(spec.default), "default", "mechanism default"))
    for a in scn.actors:
        for name, q in a.attributes.items():
            out.append(UsedValue(f"attr.{a.id}.{name}", q.describe(), "given", _prov(q)))
        for name, spec in mech.attributes.items():
            if name not in a.attributes and spec.default is not None and spec.applies_to(a):
                out.append(UsedValue(f"attr.{a.id}.{name}", _fmt(spec.default), "default", "mechanism default"))
    for rname in dict.fromkeys([*mech.relations, *scn.relations]):
        rel = scn.relations.get(rname)
        if rel is None:
            out.append(UsedValue(f"rel.{rname}.default", "0", "default", "every pair (relation not given)"))
            continue
        given_default = "default" in rel.model_fields_set
        out.append(UsedValue(f"rel.{rname}.default", f"{rel.default:g}", "given" if given_default else "default",
                             "pairs not listed" + ("" if given_default else " (relation default 0)")))
        for e in rel.edges:
            out.append(UsedValue(f"rel.{rname}.{e.key}", e.describe(), "given", _prov(e)))
    # behaviour parameters (mechanisms with behaviours): the actor's value, else the mechanism's
    # parameter of the same name, else the behaviour's default (the rule of the games mechanism)
    if mech.name != "games":  # the only built-in mechanism whose actors follow behaviours
        return out
    known = behaviours()
    default_behaviour = scn.settings.get("behaviour") if isinstance(scn.settings, dict) else None
    params = {k: (scn.parameters[k].describe() if k in scn.parameters else _fmt(p.default))
              for k, p in mech.parameters.items()}
    for a in scn.actors:
        beh = a.behaviour or default_behaviour
        cls = known.get(beh) if isinstance(beh, str) else None
        for name, q in a.behaviour_params.items():
            out.append(UsedValue(f"bparam.{a.id}.{name}", q.describe(), "given", _prov(q)))
        if cls is None:
            continue
        for name, bp in cls.parameters.items():
            if name in a.behaviour_params:
                continue
            if name in params:
                out.append(UsedValue(f"bparam.{a.id}.{name}", f"= param.{name} ({params[name]})", "default",
                                     f"the mechanism's parameter '{name}'"))
            else:
                out.append(UsedValue(f"bparam.{a.id}.{name}", f"{bp.default:g}", "default",
                                     f"behaviour '{beh}' default"))
    return out
