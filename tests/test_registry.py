"""Every registered mechanism and behaviour is documented, cited and has its docs page."""

from __future__ import annotations

import importlib

import pytest

import simsim
from simsim import registry
from simsim.declaration import Declaration
from tests.conftest import ROOT


@pytest.mark.parametrize("name", simsim.mechanism_names())
def test_mechanism_is_documented(name):
    cls = simsim.get_mechanism(name)
    assert cls.name == name
    assert cls.citation, f"{name}: no citation"
    assert cls.__doc__ and len(cls.__doc__) > 200, f"{name}: docstring must state the equations"
    page = ROOT / "docs" / "mechanisms" / f"{name}.md"
    assert page.is_file(), f"missing {page}"
    for pname, spec in cls.parameters.items():
        assert spec.doc, f"{name}.{pname}: undocumented parameter"
        assert pname in page.read_text(), f"{name}.{pname} not described in {page.name}"


@pytest.mark.parametrize("name", simsim.behaviour_names())
def test_behaviour_is_documented(name):
    cls = simsim.get_behaviour(name)
    assert cls.__doc__ and len(cls.__doc__.strip()) > 40


def test_every_builtin_mechanism_is_registered():
    mods = {cls.__module__ for cls in registry.mechanisms().values()}
    assert mods == set(registry.BUILTIN_MECHANISM_MODULES)


def test_unknown_names_are_clear_errors():
    with pytest.raises(simsim.SimsimError, match="unknown mechanism"):
        simsim.get_mechanism("nope")
    with pytest.raises(simsim.SimsimError, match="unknown behaviour"):
        simsim.get_behaviour("nope")


def test_every_shipped_scenario_has_a_mechanism_docs_reference():
    for name, path in registry.shipped_scenarios().items():
        model = simsim.load_scenario(path).model
        assert name in (ROOT / "docs" / "mechanisms" / f"{model}.md").read_text(), (name, model)


# -- declarations: what checking a scenario reads, without importing the models -----------------
DECLARED = ("name", "citation", "parameters", "attributes", "relations", "event_types", "main_reporters",
            "open_relations", "open_attributes", "uses_settings", "check", "outcome_specs", "reporter_specs")


@pytest.mark.parametrize("name", sorted(registry.BUILTIN_DECLARATIONS))
def test_a_builtin_model_inherits_its_declaration_and_repeats_none_of_it(name):
    """One source of truth: the model class is a subclass of its declaration and overrides none of it."""
    module, _, attr = registry.BUILTIN_DECLARATIONS[name].partition(":")
    decl = getattr(importlib.import_module(module), attr)
    model = simsim.get_mechanism(name)
    assert issubclass(model, decl) and issubclass(model, Declaration)
    assert decl.name == name
    repeated = [k for k in DECLARED if any(k in c.__dict__ for c in model.__mro__[:model.__mro__.index(decl)])]
    assert not repeated, f"{model.__name__} repeats {repeated}; they belong in {decl.__qualname__}"
    assert registry.get_declaration(name) in (decl, model)  # the model once it is registered
    # `simsim list` shows the declaration's first docstring line: the same summary as the model's
    assert decl.__doc__.strip().splitlines()[0] == model.__doc__.strip().splitlines()[0]


def test_declaration_names_are_the_mechanism_names():
    assert registry.declaration_names() == simsim.mechanism_names()


def test_a_plugin_mechanism_is_its_own_declaration(monkeypatch):
    from simsim.model import DiplomacyModel

    monkeypatch.setattr(registry, "_MECHANISMS", dict(registry._MECHANISMS))

    @registry.register_mechanism
    class Plugin(DiplomacyModel):
        """A user's mechanism."""

        name = "plugin_mech"

    assert "plugin_mech" in registry.declaration_names()
    assert registry.get_declaration("plugin_mech") is Plugin


def test_an_unknown_declaration_is_an_error_with_a_suggestion():
    with pytest.raises(simsim.SimsimError, match=r"unknown mechanism 'dilema' \(did you mean 'dilemma'\?\)"):
        registry.get_declaration("dilema")
