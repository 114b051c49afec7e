"""Shared fixtures: paths, a small valid scenario, and a helper that writes YAML files."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

MINIMAL = """\
name: tiny
description: A host, a visitor's state, an institution and one third party.
model: dilemma
steps: 3
replications: 50
actors:
  - id: HOS
    name: Host
    memberships: [INS]
  - id: VIS
    name: Visitor state
  - id: INS
    name: Institution
    kind: institution
    attributes:
      credibility: {value: 0.5, assumption: true}
  - id: THR
    name: Third party
relations:
  energy_dependence:
    edges:
      - {from: HOS, to: VIS, value: 0.8, source: src}
  ties:
    symmetric: true
    edges:
      - {from: HOS, to: VIS, dist: uniform, low: 0.2, high: 0.6, assumption: true}
      - {from: HOS, to: THR, value: 0.5, assumption: true}
  norm_support:
    edges:
      - {from: THR, to: INS, value: 0.8, assumption: true}
parameters:
  retaliation_prob: {value: 0.5, assumption: true}
events:
  - {step: 1, type: visit, visitor: VIS, host: HOS}
sources:
  - {id: src, title: A source, no_link_reason: a test fixture}
"""


@pytest.fixture
def write_yaml(tmp_path: Path):
    """Write ``text`` (dedented) to ``tmp_path/name`` and return the path."""

    def _write(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text))
        return path

    return _write


@pytest.fixture
def minimal_path(write_yaml) -> Path:
    return write_yaml(MINIMAL)


def load_example(name: str):
    """Import ``examples/<name>.py`` as a module (the example scripts are not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
