"""Progress bars for long experiments, in terminals and notebooks (``tqdm.auto``).

In a Jupyter kernel with ipywidgets the bar is a widget; elsewhere it is a text bar on
stderr. A bar appears only where someone watches (a terminal, or a notebook) and only after
:data:`DELAY` seconds, so quick runs and scripts whose output goes to a file stay silent.
``quiet=True`` (``--quiet``) or ``RunSettings(progress=False)`` turn it off; ``progress=True``
forces it.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

#: seconds before a bar appears (tqdm's ``delay``): a run that ends sooner shows none
DELAY = 0.5


def in_notebook() -> bool:
    """Whether this process is a Jupyter kernel (where ``tqdm.auto`` draws a widget)."""
    return "ipykernel.zmqshell" in sys.modules


def wanted(setting: bool | None) -> bool:
    """Whether to show a bar: ``setting`` if given, else when stderr is a terminal or in a notebook."""
    if setting is not None:
        return bool(setting)
    try:
        tty = sys.stderr.isatty()
    except (AttributeError, ValueError):  # stderr replaced or closed
        tty = False
    return tty or in_notebook()


def _tqdm() -> Any:
    with warnings.catch_warnings():  # a kernel without ipywidgets: tqdm falls back to text and warns
        warnings.filterwarnings("ignore", message="IProgress not found", module="tqdm")
        from tqdm.auto import tqdm
    return tqdm


def bar(total: int, setting: bool | None, desc: str = "runs", unit: str = "run") -> Any | None:
    """A progress bar over ``total`` items, or ``None`` when not :func:`wanted`.

    The caller calls ``update(k)`` and ``close()`` (or uses :func:`stages`).
    """
    if not wanted(setting):
        return None
    delay = 0.0 if setting else DELAY
    return _tqdm()(total=total, desc=desc, unit=unit, leave=False, dynamic_ncols=True, delay=delay)


class _Stages:
    def __init__(self, pbar: Any | None) -> None:
        self._bar = pbar
        self._started = False

    def next(self, description: str) -> None:
        """Mark the previous stage done and start ``description``."""
        if self._bar is None:
            return
        if self._started:
            self._bar.update(1)
        self._started = True
        self._bar.set_description_str(description)


@contextmanager
def stages(names: Sequence[str], setting: bool | None, desc: str = "writing") -> Iterator[_Stages]:
    """A bar over named stages (e.g. writing tables, drawing figures): call ``.next(name)`` at each.

    >>> with stages(["tables", "figure"], setting=False) as st:
    ...     st.next("tables")
    ...     st.next("figure")
    """
    pbar = bar(len(names), setting, desc=desc, unit="step")
    st = _Stages(pbar)
    try:
        yield st
        if pbar is not None and st._started:
            pbar.update(1)
    finally:
        if pbar is not None:
            pbar.close()
