"""Hostile scenario files and paths, hand-written: YAML attacks, encodings, special paths, wrong types.

Each case runs ``simsim validate`` (and ``simsim run`` for a few) in-process and asserts exit
code 2, one located message, no traceback, no hang (pytest-timeout), no file written.
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import MINIMAL
from tests.hostile.conftest import assert_bad_input, cli, files_under

pytestmark = pytest.mark.timeout(60)


def _laughs(levels: int = 9) -> str:
    text = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    prev = "a"
    for k in range(1, levels):
        text += f"l{k}: &l{k} [" + ", ".join([f"*{prev}"] * 9) + "]\n"
        prev = f"l{k}"
    return text


#: name -> file content (bytes), a fragment of the expected message
YAML_ATTACKS: dict[str, tuple[bytes, str]] = {
    "billion_laughs": (_laughs().encode(), "aliases"),
    "alias_bomb_in_scenario": ((MINIMAL + "notes: &n [" + ", ".join(["x"] * 50) + "]\n"
                                + "".join(f"n{i}: &n{i} [*{'n' if i == 0 else f'n{i - 1}'}, "
                                          f"*{'n' if i == 0 else f'n{i - 1}'}, *{'n' if i == 0 else f'n{i - 1}'}]\n"
                                          for i in range(20))).encode(), "aliases"),
    "deep_flow_list": (("[" * 500 + "]" * 500).encode(), "nested more than"),
    "deep_block_map": ("".join("  " * i + f"k{i}:\n" for i in range(500)).encode(), "nested more than"),
    "deep_in_actor": (MINIMAL.replace("memberships: [INS]", "memberships: " + "[" * 300 + "]" * 300).encode(),
                      "nested more than"),
    "nul_byte": (MINIMAL.replace("steps: 3", "steps: 3\x00").encode(), "NUL"),
    "utf16": (MINIMAL.encode("utf-16"), "NUL"),
    "latin1": (MINIMAL.replace("Host", "H\xf4te").encode("latin-1"), "UTF-8"),
    "lone_continuation_byte": (b"name: \x80\n", "UTF-8"),
    "control_char": (MINIMAL.replace("Host", "Ho\x1bst").encode(), "not allowed"),
    "python_tag": (b"name: !!python/object/apply:os.system ['echo pwned']\n", "YAML"),
    "python_name_tag": (b"name: !!python/name:os.system\n", "YAML"),
    "unknown_tag": (MINIMAL.replace("steps: 3", "steps: !custom 3").encode(), "YAML"),
    "binary_tag": (MINIMAL.replace("name: tiny", "name: !!binary aGVsbG8=").encode(), "!!binary"),
    "set_tag": (MINIMAL.replace("memberships: [INS]", "memberships: !!set {INS: null}").encode(), "!!set"),
    "timestamp_for_number": (MINIMAL.replace("steps: 3", "steps: 2001-12-14").encode(), "steps"),
    "empty_file": (b"", "mapping"),
    "only_comment": (b"# nothing\n", "mapping"),
    "a_list": (b"- 1\n- 2\n", "mapping"),
    "a_string": (b"just text\n", "mapping"),
    "two_documents": (MINIMAL.encode() + b"---\n" + MINIMAL.encode(), "YAML"),
    "unterminated_flow": (b"actors: [\n", "YAML syntax"),
    "tab_indentation": (MINIMAL.replace("  - id: VIS", "\t- id: VIS").encode(), "YAML"),
    "duplicate_key": (MINIMAL.replace("steps: 3", "steps: 3\nsteps: 4").encode(), "duplicate key"),
    "complex_key": (MINIMAL.replace("steps: 3", "? [a, b]\n: 3").encode(), "plain names"),
    "huge_integer": (MINIMAL.replace("steps: 3", "steps: " + "9" * 5000).encode(), "5000 digits"),
    "bool_probability": (MINIMAL.replace("retaliation_prob: {value: 0.5", "retaliation_prob: {value: yes").encode(),
                         "yes/no"),
    "inf_default": (MINIMAL.replace("  ties:\n", "  ties:\n    default: .inf\n").encode(), "finite"),
    "nan_low": (MINIMAL.replace("low: 0.2", "low: .nan").encode(), "finite"),
    "list_as_actor_id": (MINIMAL.replace("to: THR, value: 0.5", "to: [THR], value: 0.5").encode(), "string"),
    "dict_as_actor_id": (MINIMAL.replace("visitor: VIS", "visitor: {id: VIS}").encode(), "string"),
    "list_as_model": (MINIMAL.replace("model: dilemma", "model: [dilemma]").encode(), "model"),
    "number_as_name": (MINIMAL.replace("name: tiny", "name: 12").encode(), "name"),
    "null_actors": (MINIMAL.replace("actors:\n", "actors: null\nunused:\n").encode(), "actors"),
    "extends_itself": (("extends: scenario.yaml\n" + MINIMAL).encode(), "cycle"),
    "extends_list": (("extends: [a.yaml]\n" + MINIMAL).encode(), "extends"),
    "extends_dev_zero": (("extends: /dev/zero\n" + MINIMAL).encode(), "character device"),
    "extends_folder": (("extends: ..\n" + MINIMAL).encode(), "folder"),
    "extends_missing": (("extends: nope.yaml\n" + MINIMAL).encode(), "not found"),
}


@pytest.mark.parametrize("case", sorted(YAML_ATTACKS))
def test_yaml_attacks_exit_2_located(case, in_tmp):
    content, fragment = YAML_ATTACKS[case]
    path = in_tmp / "scenario.yaml"
    path.write_bytes(content)
    before = files_under(in_tmp)
    code, out, err = cli(["validate", str(path)])
    # an extended file that cannot be read is named itself; everything else names this file
    assert_bad_input(code, err, where=None if case.startswith("extends_") else str(path), fragment=fragment)
    assert files_under(in_tmp) == before  # nothing written
    assert "pwned" not in out + err


@pytest.mark.parametrize("case", ["billion_laughs", "deep_flow_list", "nul_byte", "python_tag"])
def test_run_refuses_the_same_files_and_writes_nothing(case, in_tmp):
    content, fragment = YAML_ATTACKS[case]
    path = in_tmp / "scenario.yaml"
    path.write_bytes(content)
    code, _, err = cli(["run", str(path), "-n", "5", "--out", str(in_tmp / "out")])
    assert_bad_input(code, err, where=str(path), fragment=fragment)
    assert files_under(in_tmp) == {path}


def _special_paths(tmp) -> dict[str, tuple[str, str]]:
    fifo = tmp / "pipe.yaml"
    os.mkfifo(fifo)
    folder = tmp / "folder.yaml"
    folder.mkdir()
    link = tmp / "dangling.yaml"
    link.symlink_to(tmp / "nowhere.yaml")
    return {
        "fifo": (str(fifo), "FIFO"),
        "dev_zero": ("/dev/zero", "character device"),
        "dev_stdin": ("/dev/stdin", ""),
        "folder": (str(folder), "folder"),
        "dangling_symlink": (str(link), "not found"),
        "missing": (str(tmp / "missing.yaml"), "not found"),
        "empty_name": ("", "not a usable file name"),
        "long_name": ("x" * 5000 + ".yaml", ""),
        "nul_in_name": ("a\x00b.yaml", "not a usable file name"),
    }


@pytest.mark.parametrize("case", ["fifo", "dev_zero", "dev_stdin", "folder", "dangling_symlink", "missing",
                                  "empty_name", "long_name", "nul_in_name"])
@pytest.mark.parametrize("command", ["validate", "describe", "run"])
def test_special_paths_are_refused_without_blocking(case, command, in_tmp):
    path, fragment = _special_paths(in_tmp)[case]
    if path.startswith("/dev/") and not os.path.exists(path):
        pytest.skip(f"{path} does not exist here")
    before = files_under(in_tmp)
    argv = [command, path] + (["-n", "5", "--out", str(in_tmp / "out")] if command == "run" else [])
    code, _, err = cli(argv)
    assert_bad_input(code, err, fragment=fragment or None)
    assert files_under(in_tmp) == before


def test_several_bad_files_each_get_their_own_message(in_tmp):
    paths = []
    for name in ("nul_byte", "billion_laughs", "duplicate_key"):
        p = in_tmp / f"{name}.yaml"
        p.write_bytes(YAML_ATTACKS[name][0])
        paths.append(str(p))
    code, _, err = cli(["validate", *paths])
    assert code == 2 and "Traceback" not in err
    assert [ln.split(":")[1].strip() for ln in err.splitlines() if ln.startswith("error:")] == paths
