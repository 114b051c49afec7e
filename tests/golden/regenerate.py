"""Regenerate the pinned golden results. Run only after a deliberate change of a model's
behaviour, and say so in the commit message:  python tests/golden/regenerate.py
"""

from __future__ import annotations

import json
from pathlib import Path

import simsim

HERE = Path(__file__).resolve().parent
CASES = {"mongolia_icc_2024": (200, 7), "icc_visits_network": (100, 11)}
COLUMNS = {"mongolia_icc_2024": ["seed", "decision.MNG", "finding.MNG", "final_credibility", "param.rationality"],
           "icc_visits_network": ["seed", "non_compliances", "arrests", "final_credibility", "decision.ZAF"]}


def golden(name: str) -> dict:
    n, seed = CASES[name]
    res = simsim.run(simsim.load_scenario(name), replications=n, seed=seed, jobs=1)
    runs = res.runs[COLUMNS[name]].head(10)
    return {"scenario": name, "replications": n, "seed": seed,
            "first_runs": json.loads(runs.to_json(orient="records", double_precision=15)),
            "summary": json.loads(res.summary().to_json(orient="records", double_precision=15))}


if __name__ == "__main__":
    for case in CASES:
        (HERE / f"{case}.json").write_text(json.dumps(golden(case), indent=1) + "\n")
        print("wrote", case)
