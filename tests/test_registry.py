"""Every registered mechanism and behaviour is documented, cited and has its docs page."""

from __future__ import annotations

import pytest

import simsim
from simsim import registry
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
