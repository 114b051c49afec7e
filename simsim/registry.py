"""Explicit registries of mechanisms and behaviours.

A mechanism module registers its model class with :func:`register_mechanism`; the
built-in modules are listed in :data:`BUILTIN_MECHANISM_MODULES` and imported on first
use (no import-time side effects in :mod:`simsim`). Behaviours register likewise with
:func:`register_behaviour`.

Checking a scenario needs only a mechanism's declaration (:class:`~simsim.declaration.Declaration`),
which :func:`get_declaration` returns without importing the model: a built-in mechanism's
declaration lives in a light module (:data:`BUILTIN_DECLARATIONS`, no Mesa, no pandas); a
mechanism registered by a user is its own declaration.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simsim.errors import SimsimError

if TYPE_CHECKING:
    from simsim.declaration import Declaration
    from simsim.model import DiplomacyModel

BUILTIN_MECHANISM_MODULES: tuple[str, ...] = (
    "simsim.mechanisms.dilemma",
    "simsim.mechanisms.arms_race",
    "simsim.mechanisms.games",
    "simsim.mechanisms.alignment",
    "simsim.mechanisms.bargaining",
)
#: the declaration of each built-in mechanism, ``"module:Class"``, importable without Mesa
BUILTIN_DECLARATIONS: dict[str, str] = {
    "dilemma": "simsim.mechanisms.declarations.dilemma:DilemmaDeclaration",
    "arms_race": "simsim.mechanisms.declarations.arms_race:ArmsRaceDeclaration",
    "games": "simsim.mechanisms.declarations.games:GamesDeclaration",
    "alignment": "simsim.mechanisms.declarations.alignment:AlignmentDeclaration",
    "bargaining": "simsim.mechanisms.declarations.bargaining:BargainingDeclaration",
}
BUILTIN_BEHAVIOUR_MODULES: tuple[str, ...] = ("simsim.behaviours.classic", "simsim.behaviours.stochastic")

_MECHANISMS: dict[str, type[DiplomacyModel]] = {}
_BEHAVIOURS: dict[str, Any] = {}
_loaded: set[str] = set()  # kinds whose built-in modules are imported

def _register[T](table: dict[str, Any], kind: str, cls: type[T]) -> type[T]:
    name = getattr(cls, "name", None)
    if not name or not isinstance(name, str):
        raise TypeError(f"{cls.__name__} needs a class attribute 'name'")
    if name in table and table[name] is not cls:
        raise ValueError(f"{kind} '{name}' is already registered by {table[name].__qualname__}")
    table[name] = cls
    return cls


def register_mechanism[T](cls: type[T]) -> type[T]:
    """Class decorator: register a :class:`~simsim.model.DiplomacyModel` subclass under ``cls.name``."""
    return _register(_MECHANISMS, "mechanism", cls)


def register_behaviour[T](cls: type[T]) -> type[T]:
    """Class decorator: register a behaviour (decision rule) under ``cls.name``."""
    return _register(_BEHAVIOURS, "behaviour", cls)


def _load(kind: str, modules: tuple[str, ...]) -> None:
    """Import the built-in ``modules`` of ``kind`` once (they register themselves)."""
    if kind in _loaded:
        return
    for mod in modules:
        importlib.import_module(mod)
    _loaded.add(kind)


def _load_builtin_mechanisms() -> None:
    _load("mechanisms", BUILTIN_MECHANISM_MODULES)


def _load_builtin_behaviours() -> None:
    _load("behaviours", BUILTIN_BEHAVIOUR_MODULES)


def _load_builtins() -> None:
    _load_builtin_mechanisms()
    _load_builtin_behaviours()


def _unknown(kind: str, name: str, known: list[str]) -> SimsimError:
    import difflib

    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return SimsimError(f"unknown {kind} '{name}'{hint}; known: {', '.join(known)}")


def mechanism_names() -> list[str]:
    """Names of all registered mechanisms, sorted."""
    _load_builtins()
    return sorted(_MECHANISMS)


def get_mechanism(name: str) -> type[DiplomacyModel]:
    """The mechanism registered under ``name`` (its model class; imports Mesa)."""
    _load_builtins()
    try:
        return _MECHANISMS[name]
    except KeyError:
        raise _unknown("mechanism", name, sorted(_MECHANISMS)) from None


def mechanisms() -> dict[str, type[DiplomacyModel]]:
    """All registered mechanisms by name."""
    _load_builtins()
    return dict(sorted(_MECHANISMS.items()))


def declaration_names() -> list[str]:
    """Names of all mechanisms, built-in and registered, sorted, without importing any model."""
    return sorted(set(BUILTIN_DECLARATIONS) | set(_MECHANISMS))


def get_declaration(name: str) -> type[Declaration]:
    """The declaration of mechanism ``name``: what checking a scenario needs, without Mesa.

    A registered mechanism (a user's, or a built-in one already imported) is its own
    declaration; otherwise a built-in mechanism's declaration is imported from its light module
    (:data:`BUILTIN_DECLARATIONS`), which the model class inherits, so both give the same answers.
    """
    cls = _MECHANISMS.get(name)
    if cls is not None:
        return cls
    target = BUILTIN_DECLARATIONS.get(name)
    if target is None:
        raise _unknown("mechanism", name, declaration_names())
    module, _, attr = target.partition(":")
    decl: type[Declaration] = getattr(importlib.import_module(module), attr)
    return decl


def behaviour_names() -> list[str]:
    """Names of all registered behaviours, sorted."""
    _load_builtin_behaviours()
    return sorted(_BEHAVIOURS)


def get_behaviour(name: str) -> Any:
    """The behaviour registered under ``name``."""
    _load_builtin_behaviours()
    try:
        return _BEHAVIOURS[name]
    except KeyError:
        raise _unknown("behaviour", name, sorted(_BEHAVIOURS)) from None


def behaviours() -> dict[str, Any]:
    """All registered behaviours by name."""
    _load_builtin_behaviours()
    return dict(sorted(_BEHAVIOURS.items()))


def scenarios_dir() -> Path:
    """The folder of shipped scenarios.

    ``scenarios/`` beside the package in a checkout, or ``<prefix>/share/simsim/scenarios``
    in an installed wheel.
    """
    here = Path(__file__).resolve().parent
    for cand in (here.parent / "scenarios", Path(sys.prefix) / "share" / "simsim" / "scenarios"):
        if cand.is_dir():
            return cand
    return here.parent / "scenarios"


def shipped_scenarios() -> dict[str, Path]:
    """Shipped scenario files by name (file stem), including those in subfolders.

    A file in a subfolder is named by its stem too (``scenarios/icc_record/icc_mwi_2011.yaml`` is
    ``icc_mwi_2011``); files whose stem starts with ``_`` are bases for ``extends:``, not
    scenarios of their own, and are left out.
    """
    d = scenarios_dir()
    if not d.is_dir():
        return {}
    files = sorted(d.glob("*.yaml")) + sorted(d.glob("*/*.yaml"))
    return {p.stem: p for p in files if not p.stem.startswith("_")}
