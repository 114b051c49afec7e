"""The example notebook runs top to bottom on a fresh Jupyter kernel, cleanly, and shows its figures."""

from __future__ import annotations

import base64

import pytest

from tests.conftest import ROOT

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

pytestmark = pytest.mark.slow

NOTEBOOK = ROOT / "examples" / "mongolia_icc.ipynb"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


KERNEL = "simsim-test"


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """A kernel spec for this interpreter, found first (a user's own python3 spec may run another Python)."""
    import json
    import os
    import sys

    import matplotlib.font_manager  # noqa: F401  build matplotlib's font cache here, not in the kernel's stderr

    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "simsim test", "language": "python"}))
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(root) + (os.pathsep + old if old else "")
    yield KERNEL
    if old is None:
        del os.environ["JUPYTER_PATH"]
    else:
        os.environ["JUPYTER_PATH"] = old


def _execute(nb, kernel_name):
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name=kernel_name,
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute()  # raises CellExecutionError on any error
    return nb


@pytest.fixture(scope="module")
def executed(kernel):
    return _execute(nbformat.read(NOTEBOOK, as_version=4), kernel)


def test_notebook_runs_without_warnings_or_stderr(executed):
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert code
    for cell in code:
        for out in cell.outputs:
            assert out.output_type != "error", cell.source
            # a warning in a kernel is printed on stderr: any stderr output fails the notebook
            assert not (out.output_type == "stream" and out.name == "stderr"), f"{cell.source}\n{out.text}"


def test_figures_display_without_matplotlib_magic(executed):
    # no cell runs %matplotlib: the figures must come out as PNG images through their own repr
    sources = "\n".join(c.source for c in executed.cells if c.cell_type == "code")
    assert "%matplotlib" not in sources and "pyplot" not in sources
    figure_cells = [c for c in executed.cells if c.cell_type == "code" and "figure(" in c.source.splitlines()[-1]]
    assert len(figure_cells) == 4  # outcomes, comparison, sensitivity, convergence
    for cell in figure_cells:
        pngs = [o for o in cell.outputs if o.output_type == "execute_result" and "image/png" in o.data]
        assert len(pngs) == 1, cell.source
        data = base64.b64decode(pngs[0].data["image/png"])
        assert data.startswith(PNG_MAGIC) and len(data) > 20_000  # a real drawing, not an empty canvas


def test_objects_show_compact_html(executed):
    by_last_line = {c.source.splitlines()[-1]: c for c in executed.cells if c.cell_type == "code"}
    for name, must_have in (("scn", ["Uncertain inputs", "Mongolia"]),
                            ("res", ["2,000 runs", "seed 7", "95% interval"]),
                            ("cmp", ["difference b - a", "mongolia_icc_2024_half_dependence"])):
        cell = by_last_line[name]
        html = [o.data["text/html"] for o in cell.outputs if o.output_type == "execute_result"]
        assert len(html) == 1, name
        assert all(s in html[0] for s in must_have), (name, html[0][:500])
        assert len(html[0]) < 20_000  # compact, unlike a pydantic dump


def test_progress_bar_is_a_widget_in_a_notebook_and_quiet_hides_it(kernel):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import simsim\nfrom simsim.experiment import progress\n"
                                  "print(progress.wanted(None))"),
        nbformat.v4.new_code_cell("r = simsim.run('mongolia_icc_2024', replications=300, seed=1, "
                                  "settings=simsim.RunSettings(progress=True, chunk_size=50))"),
        nbformat.v4.new_code_cell("r = simsim.run('mongolia_icc_2024', replications=300, seed=1, "
                                  "settings=simsim.RunSettings(progress=True), quiet=True)"),
    ]
    _execute(nb, kernel)
    shown, bar, quiet = (c.outputs for c in nb.cells)
    assert [o.text.strip() for o in shown] == ["True"]  # a kernel counts as someone watching
    assert [o.output_type for o in bar] == ["display_data"]
    assert "application/vnd.jupyter.widget-view+json" in bar[0].data  # tqdm.auto's widget, not stderr text
    assert quiet == []
