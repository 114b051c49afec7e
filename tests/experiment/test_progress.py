"""Progress bars: where they appear, how they are turned off, and no warning on import."""

from __future__ import annotations

import subprocess
import sys

import pytest

import simsim
from simsim.experiment import progress


def test_bar_is_off_unless_someone_watches(monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    monkeypatch.delitem(sys.modules, "ipykernel.zmqshell", raising=False)
    assert not progress.wanted(None)
    assert progress.bar(10, None) is None
    assert progress.wanted(True) and not progress.wanted(False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert progress.wanted(None)


class _Recorder:
    """Stands in for tqdm: records what the runner asks a bar to do."""

    made: list[_Recorder] = []

    def __init__(self, total, **kwargs):
        self.total, self.kwargs, self.n, self.closed, self.descriptions = total, kwargs, 0, False, []
        _Recorder.made.append(self)

    def update(self, k):
        self.n += k

    def set_description_str(self, text):
        self.descriptions.append(text)

    def close(self):
        self.closed = True


def test_forced_bar_counts_every_run_and_quiet_silences_it(monkeypatch, capsys):
    monkeypatch.setattr(progress, "_tqdm", lambda: _Recorder)
    _Recorder.made.clear()
    simsim.run("mongolia_icc_2024", replications=40, seed=1, settings=simsim.RunSettings(progress=True, chunk_size=7))
    (bar,) = _Recorder.made
    assert (bar.total, bar.n, bar.closed) == (40, 40, True)  # every run counted once, bar closed
    assert bar.kwargs["delay"] == 0.0  # forced: shown at once
    simsim.run("mongolia_icc_2024", replications=40, seed=1, settings=simsim.RunSettings(progress=True), quiet=True)
    assert len(_Recorder.made) == 1
    monkeypatch.undo()
    simsim.run("mongolia_icc_2024", replications=40, seed=1, settings=simsim.RunSettings(progress=True))
    assert "runs" in capsys.readouterr().err  # the real bar writes to stderr


def test_stages_advance_once_per_stage(monkeypatch):
    monkeypatch.setattr(progress, "_tqdm", lambda: _Recorder)
    _Recorder.made.clear()
    with progress.stages(["tables", "figure"], True) as st:
        st.next("tables")
        st.next("figure")
    (bar,) = _Recorder.made
    assert (bar.total, bar.n, bar.closed, bar.descriptions) == (2, 2, True, ["tables", "figure"])
    with progress.stages(["tables"], False) as st:
        st.next("tables")
    assert len(_Recorder.made) == 1


def test_cli_quiet_prints_only_the_folder(tmp_path, capfd):
    from simsim.cli import main

    assert main(["run", "mongolia_icc_2024", "-n", "20", "--seed", "1", "--out", str(tmp_path / "o"), "--quiet",
                 "--no-plot"]) == 0
    out, err = capfd.readouterr()
    assert out.strip() == str(tmp_path / "o") and err == ""


FAKE_KERNEL = """
import sys, types, warnings
# what tqdm.auto sees in a Jupyter kernel without ipywidgets
sys.modules["ipykernel.zmqshell"] = types.ModuleType("ipykernel.zmqshell")
ip = types.ModuleType("IPython"); ip.get_ipython = lambda: object(); sys.modules["IPython"] = ip
sys.modules["ipywidgets"] = None
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as on_import:
    import simsim, simsim.model, simsim.experiment.progress
with warnings.catch_warnings(record=True) as later:
    warnings.warn("other")
for m in ("tqdm.auto", "tqdm.autonotebook"):
    del sys.modules[m]
with warnings.catch_warnings(record=True) as control:
    import tqdm.auto
print([str(w.message)[:40] for w in on_import], [str(w.message) for w in later],
      [str(w.message)[:22] for w in control])
"""


@pytest.mark.slow
def test_import_simsim_prints_no_tqdm_warning_in_a_kernel_without_ipywidgets():
    out = subprocess.run([sys.executable, "-c", FAKE_KERNEL], capture_output=True, text=True, check=True).stdout
    on_import, later, control = out.strip().split("] [")
    assert on_import == "["  # nothing while importing simsim (and Mesa, which imports tqdm.auto)
    assert later == "'other'"  # a warning raised afterwards still shows: nothing global was hidden
    # the control: importing tqdm.auto afresh in that kernel does warn
    assert control.startswith("'IProgress not found")
