"""Safe YAML loading: special files, size, encodings, depth and alias limits, along extends chains too."""

from __future__ import annotations

import os
import time

import pytest

import simsim
from simsim.errors import ScenarioError
from simsim.scenario import yamlio
from simsim.scenario.yamlio import MAX_ALIAS_EXPANSION, MAX_DEPTH, load_yaml_text
from tests.conftest import MINIMAL


def _error(path, overrides=None) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        simsim.load_scenario(path, overrides)
    return info.value


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """The classic alias bomb: ``width ** levels`` leaves from a few hundred bytes."""
    text = "a: &a [" + ", ".join(['"lol"'] * width) + "]\n"
    prev = "a"
    for k in range(1, levels):
        name = f"l{k}"
        text += f"{name}: &{name} [" + ", ".join([f"*{prev}"] * width) + "]\n"
        prev = name
    return text


def test_alias_bomb_is_refused_quickly(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(billion_laughs())  # 9**9 = 387 million strings once expanded
    t0 = time.perf_counter()
    err = _error(path)
    assert time.perf_counter() - t0 < 5
    assert err.file == str(path) and "aliases" in err.message and err.line is not None


def test_a_few_aliases_still_work(write_yaml):
    """Anchors and merge keys used as intended stay allowed (the limit is on expansion, not on use)."""
    text = MINIMAL.replace("retaliation_prob: {value: 0.5, assumption: true}",
                           "retaliation_prob: &p {value: 0.5, assumption: true}\n  referral_prob: *p")
    scn = simsim.load_scenario(write_yaml(text))
    assert scn.parameters["referral_prob"] == scn.parameters["retaliation_prob"]


def test_expansion_limit_counts_expanded_nodes():
    """Just under the limit loads; just over is refused (a hand count of the expanded nodes)."""
    # one anchored list of 199 scalars (200 nodes) aliased m times adds 200 m nodes
    def doc(m: int) -> str:
        return "a: &a [" + ", ".join(["1"] * 199) + "]\nb: [" + ", ".join(["*a"] * m) + "]\n"

    limit_m = MAX_ALIAS_EXPANSION // 200
    assert len(load_yaml_text(doc(limit_m), "ok")["b"]) == limit_m
    with pytest.raises(ScenarioError, match="expand"):
        load_yaml_text(doc(limit_m + 1), "big")


@pytest.mark.parametrize("text", [
    "[" * 500 + "]" * 500,
    "".join("  " * i + "-\n" for i in range(500)),
    "".join("  " * i + f"k{i}:\n" for i in range(500)),
    "{a: " * 500 + "1" + "}" * 500,
])
def test_deep_nesting_is_a_clear_error_not_recursion(text, tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    err = _error(path)
    assert f"nested more than {MAX_DEPTH} levels" in err.message and err.file == str(path)


def test_nesting_just_under_the_limit_parses():
    depth = MAX_DEPTH - 1
    data = load_yaml_text("[" * depth + "]" * depth, "ok")
    for _ in range(depth - 1):
        data = data[0]
    assert data == []


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    t0 = time.perf_counter()
    err = _error(fifo)  # opening a FIFO for reading would block until a writer appears
    assert time.perf_counter() - t0 < 5
    assert "FIFO" in err.message and err.file == str(fifo)


@pytest.mark.parametrize("path, kind", [("/dev/zero", "character device"), ("/dev/null", "character device")])
def test_devices_are_refused(path, kind):
    if not os.path.exists(path):
        pytest.skip(f"{path} does not exist here")
    assert kind in _error(path).message


def test_folder_is_refused(tmp_path):
    d = tmp_path / "folder.yaml"
    d.mkdir()
    assert "folder" in _error(d).message


def test_oversized_file_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.yaml"
    path.write_text(MINIMAL + "#" * 2000 + "\n")
    err = _error(path)
    assert "larger than the limit of 1000" in err.message


def test_nul_byte_names_its_line(tmp_path):
    path = tmp_path / "nul.yaml"
    path.write_bytes(MINIMAL.replace("steps: 3", "steps: 3\x00").encode())
    err = _error(path)
    assert "NUL" in err.message and err.line == MINIMAL.splitlines().index("steps: 3") + 1


def test_utf16_and_latin1_are_refused_with_a_line(tmp_path):
    u16 = tmp_path / "u16.yaml"
    u16.write_text(MINIMAL, encoding="utf-16")
    assert "NUL" in _error(u16).message  # UTF-16 text is full of zero bytes
    latin = tmp_path / "latin1.yaml"
    latin.write_bytes(MINIMAL.replace("name: Host", "name: H\xf4te").encode("latin-1"))
    err = _error(latin)
    assert "not valid UTF-8" in err.message and err.line == MINIMAL.splitlines().index("    name: Host") + 1


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert simsim.load_scenario(path).name == "tiny"


def test_control_character_is_located(tmp_path):
    path = tmp_path / "ctrl.yaml"
    path.write_text(MINIMAL.replace("name: Host", "name: Ho\x07st"))
    err = _error(path)
    assert "U+0007" in err.message and err.line == MINIMAL.splitlines().index("    name: Host") + 1


def test_limits_apply_along_extends(tmp_path):
    (tmp_path / "base.yaml").write_text(billion_laughs())
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nname: child\n")
    err = _error(child)
    assert "aliases" in err.message and err.file.endswith("base.yaml")
    os.mkfifo(tmp_path / "pipe.yaml")
    child.write_text("extends: pipe.yaml\nname: child\n")
    assert "FIFO" in _error(child).message


def test_override_values_obey_the_limits(minimal_path):
    err = _error(minimal_path, ["parameters.retaliation_prob.note=" + "[" * 500])
    assert "nested more than" in err.message and err.file.startswith("--set")


def test_python_tags_are_never_executed(tmp_path):
    marker = tmp_path / "executed"
    path = tmp_path / "tag.yaml"
    path.write_text(f"name: !!python/object/apply:os.system ['touch {marker}']\n")
    err = _error(path)
    assert "YAML" in err.message and not marker.exists()


def test_extends_chain_length_is_limited(tmp_path):
    from simsim.scenario.loader import MAX_EXTENDS

    (tmp_path / "f0.yaml").write_text(MINIMAL)
    for i in range(1, MAX_EXTENDS + 2):
        (tmp_path / f"f{i}.yaml").write_text(f"extends: f{i - 1}.yaml\nname: f{i}\n")
    assert simsim.load_scenario(tmp_path / f"f{MAX_EXTENDS}.yaml").name == f"f{MAX_EXTENDS}"
    err = _error(tmp_path / f"f{MAX_EXTENDS + 1}.yaml")
    assert f"more than {MAX_EXTENDS} steps" in err.message
