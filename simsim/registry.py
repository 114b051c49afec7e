"""Explicit registries of mechanisms and behaviours.

A mechanism module registers its model class with :func:`register_mechanism`; the
built-in modules are listed in :data:`BUILTIN_MECHANISM_MODULES` and imported on first
use (no import-time side effects in :mod:`simsim`). Behaviours register likewise with
:func:`register_behaviour`.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simsim.errors import SimsimError

if TYPE_CHECKING:
    from simsim.model import DiplomacyModel

BUILTIN_MECHANISM_MODULES: tuple[str, ...] = (
    "simsim.mechanisms.dilemma",
    "simsim.mechanisms.arms_race",
    "simsim.mechanisms.games",
    "simsim.mechanisms.alignment",
    "simsim.mechanisms.bargaining",
)
BUILTIN_BEHAVIOUR_MODULES: tuple[str, ...] = ("simsim.behaviours.classic", "simsim.behaviours.stochastic")

_MECHANISMS: dict[str, type[DiplomacyModel]] = {}
_BEHAVIOURS: dict[str, Any] = {}
_loaded = False

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


def _load_builtins() -> None:
    global _loaded
    if _loaded:
        return
    for mod in (*BUILTIN_MECHANISM_MODULES, *BUILTIN_BEHAVIOUR_MODULES):
        importlib.import_module(mod)
    _loaded = True


def mechanism_names() -> list[str]:
    """Names of all registered mechanisms, sorted."""
    _load_builtins()
    return sorted(_MECHANISMS)


def get_mechanism(name: str) -> type[DiplomacyModel]:
    """The mechanism registered under ``name``."""
    _load_builtins()
    try:
        return _MECHANISMS[name]
    except KeyError:
        raise SimsimError(f"unknown mechanism '{name}'; known: {', '.join(sorted(_MECHANISMS))}") from None


def mechanisms() -> dict[str, type[DiplomacyModel]]:
    """All registered mechanisms by name."""
    _load_builtins()
    return dict(sorted(_MECHANISMS.items()))


def behaviour_names() -> list[str]:
    """Names of all registered behaviours, sorted."""
    _load_builtins()
    return sorted(_BEHAVIOURS)


def get_behaviour(name: str) -> Any:
    """The behaviour registered under ``name``."""
    _load_builtins()
    try:
        return _BEHAVIOURS[name]
    except KeyError:
        raise SimsimError(f"unknown behaviour '{name}'; known: {', '.join(sorted(_BEHAVIOURS))}") from None


def behaviours() -> dict[str, Any]:
    """All registered behaviours by name."""
    _load_builtins()
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
