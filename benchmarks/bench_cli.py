"""Start-up time of the ``simsim`` command: ``--help``, ``validate`` and a one-run ``run``.

Usage (from the repository root)::

    python benchmarks/bench_cli.py [--repeats 5]

Each command runs in a fresh process ``--repeats`` times, interleaved; the script prints the
minimum and median wall time, and for reference the time to import what ``simsim.cli`` no longer
imports up front (pandas, matplotlib, mesa, scipy.stats). It asserts nothing about time.
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    scn = str(ROOT / "scenarios" / "mongolia_icc_2024.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        cmds = {
            "simsim --help": ["-m", "simsim.cli", "--help"],
            "simsim validate SCENARIO": ["-m", "simsim.cli", "validate", scn],
            "simsim run SCENARIO -n 1 --no-plot": ["-m", "simsim.cli", "run", scn, "-n", "1", "--seed", "1", "--out",
                                                   tmp, "--no-plot", "--quiet"],
            "import pandas, matplotlib.pyplot, mesa, scipy.stats": [
                "-c", "import pandas, matplotlib.pyplot, mesa, scipy.stats"],
        }
        times: dict[str, list[float]] = {k: [] for k in cmds}
        for _ in range(a.repeats):
            for k, c in cmds.items():
                t = time.perf_counter()
                subprocess.run([sys.executable, *c], check=True, capture_output=True)
                times[k].append(time.perf_counter() - t)
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}; {a.repeats} interleaved runs each")
    for k, ts in times.items():
        print(f"  {k:<52} min {min(ts):5.2f} s   median {statistics.median(ts):5.2f} s")


if __name__ == "__main__":
    main()
