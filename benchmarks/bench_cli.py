"""Start-up time of the ``simsim`` command: ``--help``, ``validate``, ``describe`` and a one-run ``run``.

Usage (from the repository root)::

    python benchmarks/bench_cli.py [--repeats 7] [--warmup 2] [--compare /path/to/other/checkout]

Each command runs in a fresh process: first ``--warmup`` times (not counted: they fill the
file-system cache), then ``--repeats`` times, interleaved with the others so that a change in
the machine's load affects every command alike. The baseline is ``python -c pass`` (the
interpreter's own start-up) in the same run. The script prints the minimum and median wall time
of each command with the number of runs, and each command's minimum over the baseline's minimum.
For reference it also times the import of Mesa alone and of what ``simsim.cli`` does not import
up front (pandas, matplotlib, mesa, scipy.stats). ``--compare`` adds ``validate`` run by another
checkout of simsim (its own ``.venv/bin/python``, from its own folder), e.g. ``main`` before a
change, to the same interleaved runs. It asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "scenarios" / "mongolia_icc_2024.yaml"


def commands(out: str, compare: Path | None) -> dict[str, tuple[list[str], Path]]:
    """The timed commands (full argument lists) and the folder each runs in, baseline first."""
    scn = str(FLAGSHIP)
    py = [sys.executable]
    cmds = {
        "python -c pass (baseline)": [*py, "-c", "pass"],
        "simsim --help": [*py, "-m", "simsim.cli", "--help"],
        "simsim validate FLAGSHIP": [*py, "-m", "simsim.cli", "validate", scn],
        "simsim describe FLAGSHIP": [*py, "-m", "simsim.cli", "describe", scn],
        "simsim run FLAGSHIP -n 1 --no-plot": [*py, "-m", "simsim.cli", "run", scn, "-n", "1", "--seed", "1",
                                               "--out", out, "--no-plot", "--quiet"],
        "python -c 'import mesa'": [*py, "-c", "import mesa"],
        "import pandas, matplotlib.pyplot, mesa, scipy.stats": [
            *py, "-c", "import pandas, matplotlib.pyplot, mesa, scipy.stats"],
    }
    out_cmds = {k: (v, ROOT) for k, v in cmds.items()}
    if compare is not None:
        other = [str(compare / ".venv" / "bin" / "python"), "-m", "simsim.cli", "validate",
                 str(compare / "scenarios" / FLAGSHIP.name)]
        out_cmds[f"simsim validate FLAGSHIP, checkout {compare.name}"] = (other, compare)
    return out_cmds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7, help="timed runs of each command (default 7)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed runs of each command first (default 2)")
    ap.add_argument("--compare", type=Path, default=None,
                    help="another simsim checkout with its own .venv: time its validate too")
    a = ap.parse_args()
    if a.compare is not None and not (a.compare / ".venv" / "bin" / "python").is_file():
        ap.error(f"--compare: no {a.compare / '.venv' / 'bin' / 'python'}")
    with tempfile.TemporaryDirectory() as tmp:
        cmds = commands(str(Path(tmp) / "out"), a.compare)
        for _ in range(a.warmup):
            for c, cwd in cmds.values():
                subprocess.run(c, check=True, capture_output=True, cwd=cwd)
        times: dict[str, list[float]] = {k: [] for k in cmds}
        for _ in range(a.repeats):
            for k, (c, cwd) in cmds.items():
                t = time.perf_counter()
                subprocess.run(c, check=True, capture_output=True, cwd=cwd)
                times[k].append(time.perf_counter() - t)
    base = min(next(iter(times.values())))
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}; "
          f"{a.warmup} warm-up + {a.repeats} timed runs of each command, interleaved")
    for k, ts in times.items():
        print(f"  {k:<58} min {min(ts):5.2f} s   median {statistics.median(ts):5.2f} s   (n={len(ts)})   "
              f"min / baseline {min(ts) / base:6.1f}x")


if __name__ == "__main__":
    main()
