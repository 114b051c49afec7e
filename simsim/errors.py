"""The exceptions simsim raises.

Every error a user can cause derives from :class:`SimsimError`. The CLI turns a
:class:`SimsimError` into one message and exit code 2; anything else is an internal
error (exit code 1).
"""

from __future__ import annotations

from collections.abc import Sequence


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters escaped, so a message stays one line."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)


class SimsimError(Exception):
    """Base class of all errors caused by user input."""


class ScenarioError(SimsimError):
    """A scenario file (or an override) is invalid.

    One error may carry several problems of the same file (see :meth:`collect`): ``problems``
    lists them all, each located, and ``str()`` shows every one, one per line.

    Parameters
    ----------
    message
        What is wrong, in one sentence.
    file
        The file the offending value came from (``"--set"`` for a command-line override).
    line
        1-based line number in ``file``, when known.
    key
        Dotted key path of the offending value, e.g. ``actors[2].attributes.power``.
    """

    def __init__(
        self, message: str, file: str | None = None, line: int | None = None, key: str | None = None
    ) -> None:
        self.message = one_line(message)
        self.file = None if file is None else one_line(file)
        self.line = line
        self.key = None if key is None else one_line(key)
        self.problems: list[ScenarioError] = [self]
        super().__init__(str(self))

    @classmethod
    def collect(cls, problems: Sequence[ScenarioError]) -> ScenarioError:
        """One error for ``problems`` (in order, duplicates dropped): itself if there is only one."""
        unique: dict[str, ScenarioError] = {}
        for p in problems:
            for q in p.problems:
                unique.setdefault(q.located(), q)
        items = list(unique.values())
        if len(items) == 1:
            return items[0]
        first = items[0]
        err = cls(f"{len(items)} problems", first.file, first.line, first.key)
        err.problems = items
        err.args = (str(err),)
        return err

    def located(self) -> str:
        """``file:line: key: message`` for this one problem."""
        where = ""
        if self.file:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
            where += ": "
        key = f"{self.key}: " if self.key else ""
        return f"{where}{key}{self.message}"

    def __str__(self) -> str:
        if len(self.problems) <= 1:
            return self.located()
        files = {p.file for p in self.problems}
        head = f"{self.file}: " if len(files) == 1 and self.file else ""
        return f"{head}{len(self.problems)} problems:\n" + "\n".join(f"  {p.located()}" for p in self.problems)


class ResultsError(SimsimError):
    """A results directory is missing, incomplete or of an unknown format."""


class RunFailedError(SimsimError):
    """A run raised inside a mechanism (not a problem with the input files).

    The CLI reports it with exit code 1. Completed chunks of a streamed experiment stay on disk,
    so ``simsim run ... --resume DIR`` can finish the rest once the cause is fixed.

    Parameters
    ----------
    message
        What failed.
    run_id, seed
        The failing run's id and run seed (enough for ``simsim rerun``).
    inputs
        The run's sampled inputs.
    details
        The mechanism's traceback, as text.
    """

    def __init__(self, message: str, run_id: int | None = None, seed: int | None = None,
                 inputs: dict[str, float] | None = None, details: str = "") -> None:
        self.run_id = run_id
        self.seed = seed
        self.inputs = dict(inputs or {})
        self.details = details
        super().__init__(message)
