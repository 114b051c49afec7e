"""Scenarios: YAML files validated into frozen, typed objects."""

from simsim.scenario.loader import apply_overrides, load_scenario, scenario_from_data
from simsim.scenario.quantity import Quantity
from simsim.scenario.schema import Actor, Edge, EventSpec, Relation, Scenario, Source

__all__ = ["Actor", "Edge", "EventSpec", "Quantity", "Relation", "Scenario", "Source",
           "apply_overrides", "load_scenario", "scenario_from_data"]
