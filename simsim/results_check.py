"""Checks on results: a results folder before it is loaded, and names asked of loaded results.

:func:`check_results_folder` is called by :meth:`simsim.results.Results.load`: it checks the
folder, its ``metadata.json`` (a UTF-8 JSON mapping with the keys and kinds that loading and
analysis need, outcome kinds from the allowed set, main outcomes that are declared) and its
tables (readable Parquet, the ``run`` and ``seed`` columns, every declared outcome present, as
many runs as recorded), and raises one :class:`~simsim.errors.ResultsError` naming the file and
what is wrong. A damaged folder therefore never surfaces as an Arrow, JSON or key error.

:func:`check_outcomes` and :func:`check_category` are called at the entry of every analysis
and plotting function that takes outcome or category names: an unknown name is an error with
a did-you-mean suggestion, never an empty result.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simsim.errors import ResultsError
from simsim.scenario.base import did_you_mean

if TYPE_CHECKING:
    from simsim.results import Results

OUTCOME_KINDS = ("number", "bool", "category")
#: Largest metadata.json read (bytes); a real one is a few hundred kB at most.
MAX_METADATA_BYTES = 50_000_000


def _metadata(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        if size > MAX_METADATA_BYTES:
            raise ResultsError(f"{path}: {size} bytes, larger than the limit of {MAX_METADATA_BYTES}")
        data = path.read_bytes()
    except OSError as exc:
        raise ResultsError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ResultsError(f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    try:
        meta = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{path}: invalid JSON ({exc})") from None
    except RecursionError:
        raise ResultsError(f"{path}: JSON nested too deeply") from None
    if not isinstance(meta, dict):
        raise ResultsError(f"{path}: must be a JSON object (a mapping), not {type(meta).__name__}")
    return meta


def _need(meta: Mapping[str, Any], key: str, kinds: type | tuple[type, ...], what: str, path: Path,
          optional: bool = False) -> Any:
    if key not in meta:
        if optional:
            return None
        raise ResultsError(f"{path}: key '{key}' is missing ({what})")
    value = meta[key]
    if optional and value is None:
        return None
    if not isinstance(value, kinds) or isinstance(value, bool) and bool not in (
            kinds if isinstance(kinds, tuple) else (kinds,)):
        raise ResultsError(f"{path}: '{key}' must be {what}, not {type(value).__name__} ({str(value)[:40]})")
    return value


def check_metadata(meta: dict[str, Any], path: Path) -> dict[str, Any]:
    """Check the keys and kinds of a results folder's metadata (``path`` names it in errors)."""
    from simsim.results import FORMAT_VERSION

    version = meta.get("format_version")
    if version != FORMAT_VERSION:
        raise ResultsError(f"{path}: results format {version!r} is not supported (this simsim reads "
                           f"format {FORMAT_VERSION})")
    scenario = _need(meta, "scenario", dict, "a mapping with the scenario's name", path)
    name = scenario.get("name")
    if not isinstance(name, str) or not name:
        raise ResultsError(f"{path}: 'scenario.name' must be a non-empty text")
    seed = _need(meta, "seed", int, "a whole number (the master seed)", path, optional=True)
    if seed is not None and seed < 0:
        raise ResultsError(f"{path}: 'seed' must be >= 0 (got {seed})")
    settings = _need(meta, "settings", dict, "a mapping of run settings", path, optional=True) or {}
    reps = settings.get("replications")
    if reps is not None and (isinstance(reps, bool) or not isinstance(reps, int) or reps < 1):
        raise ResultsError(f"{path}: 'settings.replications' must be a whole number >= 1 (got {reps!r})")
    outcomes = _need(meta, "outcomes", list, "a list of outcome declarations", path)
    names: list[str] = []
    for i, spec in enumerate(outcomes):
        if not isinstance(spec, dict):
            raise ResultsError(f"{path}: outcomes[{i}] must be a mapping (name, kind), not {type(spec).__name__}")
        oname, kind = spec.get("name"), spec.get("kind")
        if not isinstance(oname, str) or not oname:
            raise ResultsError(f"{path}: outcomes[{i}].name must be a non-empty text")
        if kind not in OUTCOME_KINDS:
            raise ResultsError(f"{path}: outcomes[{i}] ('{oname}'): kind {kind!r} is not one of "
                               f"{', '.join(OUTCOME_KINDS)}{did_you_mean(str(kind), OUTCOME_KINDS)}")
        cats = spec.get("categories", [])
        if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
            raise ResultsError(f"{path}: outcomes[{i}] ('{oname}'): categories must be a list of texts")
        if oname in names:
            raise ResultsError(f"{path}: outcome '{oname}' declared twice")
        names.append(oname)
    main = _need(meta, "main_outcomes", list, "a list of outcome names", path, optional=True) or []
    for m in main:
        if not isinstance(m, str) or m not in names:
            raise ResultsError(f"{path}: main outcome {m!r} is not a declared outcome{did_you_mean(str(m), names)}")
    reporters = _need(meta, "main_reporters", list, "a list of reporter names", path, optional=True) or []
    if not all(isinstance(r, str) for r in reporters):
        raise ResultsError(f"{path}: 'main_reporters' must be a list of texts")
    return meta


def _table(path: Path, columns: Iterable[str] | None) -> Any:
    """Open ``path`` (a Parquet file, or a folder of Parquet parts) as a dataset, reading ``columns``."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    try:
        dataset = ds.dataset(str(path), format="parquet")
        # columns=None: only the schema and the number of rows (a million runs are not read to check them)
        table = dataset.count_rows() if columns is None else dataset.to_table(columns=list(columns)).num_rows
    except (pa.ArrowException, OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ResultsError(f"{path}: not a readable Parquet table ({first[:200]})") from None
    return dataset.schema, table


def check_results_folder(directory: str | Path) -> dict[str, Any]:
    """Check a results folder before it is loaded; return its metadata.

    Raises
    ------
    ResultsError
        Naming the file and what is wrong: a missing or special path, missing files,
        ``metadata.json`` not UTF-8, not JSON, not a mapping or lacking keys, outcome kinds
        outside ``number``/``bool``/``category``, main outcomes that are not declared, a table
        that is not readable Parquet, lacks the ``run``/``seed`` columns or a declared outcome,
        or holds a different number of runs than recorded.
    """
    d = Path(directory)
    if not d.exists():
        raise ResultsError(f"{d}: not a simsim results folder (no such folder)")
    if not d.is_dir():
        raise ResultsError(f"{d}: not a folder (a results folder holds runs.parquet, timeseries.parquet, "
                           f"metadata.json)")
    needed = ["runs.parquet", "timeseries.parquet", "metadata.json"]
    missing = [f for f in needed if not (d / f).exists()]
    if missing:
        hint = ""
        if (d / "plan.json").is_file():  # streamed by simsim.run(out=...) and interrupted
            hint = "; the experiment was interrupted: finish it with `simsim run SCENARIO --resume DIR`"
        raise ResultsError(f"{d}: not a simsim results folder (missing {', '.join(missing)}){hint}")
    if not (d / "metadata.json").is_file():
        raise ResultsError(f"{d / 'metadata.json'}: not a regular file")
    meta = check_metadata(_metadata(d / "metadata.json"), d / "metadata.json")
    names = [s["name"] for s in meta["outcomes"]]
    schema, table = _table(d / "runs.parquet", None)
    cols = list(schema.names)
    for col in ("run", "seed"):
        if col not in cols:
            raise ResultsError(f"{d / 'runs.parquet'}: column '{col}' is missing")
    absent = [n for n in names if n not in cols]
    if absent:
        raise ResultsError(f"{d / 'runs.parquet'}: outcome(s) declared in metadata.json are missing: "
                           f"{', '.join(absent[:5])}{' ...' if len(absent) > 5 else ''} "
                           f"(runs of another scenario?)")
    import pyarrow as pa

    for col in ("run", "seed"):
        if not pa.types.is_integer(schema.field(col).type):
            raise ResultsError(f"{d / 'runs.parquet'}: column '{col}' must hold whole numbers, "
                               f"not {schema.field(col).type}")
    reps = (meta.get("settings") or {}).get("replications")
    if reps is not None and table != reps:
        raise ResultsError(f"{d / 'runs.parquet'}: {table} runs, but metadata.json records {reps} "
                           f"(truncated or mixed results?)")
    ts_schema, _ = _table(d / "timeseries.parquet", [])
    if len(ts_schema.names) and not {"run", "step"} <= set(ts_schema.names):
        raise ResultsError(f"{d / 'timeseries.parquet'}: columns 'run' and 'step' are missing")
    return meta


# ------------------------------------------------------------------ names asked of results
def check_outcomes(results: Results, names: Iterable[str] | str | None) -> list[str]:
    """Return ``names`` as a list after checking each is an outcome of ``results``.

    Raises
    ------
    ResultsError
        For the first unknown name, with a did-you-mean suggestion and the known outcomes.
    """
    if names is None:
        return []
    if isinstance(names, str):
        names = [names]
    names = list(names)
    known = [s["name"] for s in results.outcome_specs]
    for n in names:
        if not isinstance(n, str):
            raise ResultsError(f"an outcome name must be a text, not {type(n).__name__} ({n!r})")
        if n not in known or n not in results.runs.columns:
            shown = ", ".join(known[:12]) + (" ..." if len(known) > 12 else "")
            raise ResultsError(f"unknown outcome '{n}'{did_you_mean(n, known)}; outcomes of "
                               f"'{results.metadata.get('scenario', {}).get('name')}': {shown}")
    return names


def categories_of(results: Results, outcome: str) -> list[str]:
    """The categories of a categorical ``outcome``: declared ones, else those seen in the runs."""
    spec = next(s for s in results.outcome_specs if s["name"] == outcome)
    declared = list(spec.get("categories") or [])
    seen = [str(v) for v in results.runs[outcome].dropna().astype(str).unique()]
    return list(dict.fromkeys(declared + seen))


def check_category(results: Results, outcome: str, category: str | None) -> None:
    """Check ``outcome`` exists and ``category`` is one of its categories (or ``None``).

    Raises
    ------
    ResultsError
        An unknown outcome or category (with a did-you-mean suggestion), or a category given
        for an outcome that is not categorical.
    """
    check_outcomes(results, [outcome])
    if category is None:
        return
    kind = next(s["kind"] for s in results.outcome_specs if s["name"] == outcome)
    if kind != "category":
        raise ResultsError(f"outcome '{outcome}' is {kind}, not categorical: give no category")
    cats = categories_of(results, outcome)
    if not isinstance(category, str) or category not in cats:
        raise ResultsError(f"unknown category '{category}' of outcome '{outcome}'"
                           f"{did_you_mean(str(category), cats)}; categories: {', '.join(cats)}")

