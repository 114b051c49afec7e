"""Peak memory of large experiments: a million flagship runs streamed to disk, and 1,000-actor runs.

Usage (from the repository root)::

    python benchmarks/bench_memory.py [--runs 1000000] [--jobs 2] [--actors 1000] [--actor-runs 10]

Each measurement runs in a fresh Python process and reports the peak resident memory
(``resource.getrusage``: ``ru_maxrss``) of that process and of its largest worker process. The
million-run measurement is the ``simsim run`` command itself (results with timeseries streamed to a
temporary folder, summary, figure and input ranking), run in-process through ``simsim.cli.main``.
It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = textwrap.dedent("""
    import json, resource, sys, time
    sys.path.insert(0, {here!r})
    t = time.perf_counter()
    {body}
    dt = time.perf_counter() - t
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({{"seconds": dt, "main_mb": self_kb / 1024, "worker_mb": kids_kb / 1024, **extra}}))
""")


def _measure(body: str) -> dict:
    code = CHILD.format(here=str(HERE), body=textwrap.indent(textwrap.dedent(body), "    ").strip())
    code = code.replace("\n    ", "\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1_000_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--actors", type=int, default=1000)
    ap.add_argument("--actor-runs", type=int, default=10)
    ap.add_argument("--memory", default="2G", help="memory budget for the many-actor runs")
    a = ap.parse_args()
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        if a.runs:
            out = Path(tmp) / "flagship"
            r = _measure(f"""
                import contextlib, io
                from simsim.cli import main
                buf = io.StringIO()
                with contextlib.redirect_stdout(buf):
                    code = main(["run", "mongolia_icc_2024", "-n", "{a.runs}", "--seed", "7", "--jobs", "{a.jobs}",
                                 "--out", {str(out)!r}])
                extra = {{"exit": code, "folder_mb": sum(p.stat().st_size for p in __import__("pathlib").Path(
                    {str(out)!r}).rglob("*") if p.is_file()) / 2**20}}
            """)
            print(f"simsim run mongolia_icc_2024 -n {a.runs} --jobs {a.jobs} (timeseries on, streamed): "
                  f"{r['seconds']:.0f} s, exit {r['exit']}; peak memory: main process {r['main_mb']:.0f} MB, "
                  f"largest worker {r['worker_mb']:.0f} MB; results folder {r['folder_mb']:.0f} MB")
        if a.actors:
            r = _measure(f"""
                import simsim
                from big_dilemma import write_big_dilemma
                from simsim.experiment import RunSettings
                scn = simsim.load_scenario(write_big_dilemma({tmp!r}, {a.actors}))
                res = simsim.run(scn, settings=RunSettings(replications={a.actor_runs}, seed=1, jobs=1,
                                                           memory={a.memory!r}))
                extra = {{"chunk": res.metadata["settings"]["chunk_size"], "runs": len(res.runs)}}
            """)
            print(f"{a.actors} actors, {a.actor_runs} runs, --memory {a.memory}: chunks of {r['chunk']}; "
                  f"{r['seconds']:.0f} s; peak memory {r['main_mb']:.0f} MB")


if __name__ == "__main__":
    main()
