"""The exceptions simsim raises.

Every error a user can cause derives from :class:`SimsimError`. The CLI turns a
:class:`SimsimError` into one message and exit code 2; anything else is an internal
error (exit code 1).
"""

from __future__ import annotations


class SimsimError(Exception):
    """Base class of all errors caused by user input."""


class ScenarioError(SimsimError):
    """A scenario file (or an override) is invalid.

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
        self.message = message
        self.file = file
        self.line = line
        self.key = key
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
            where += ": "
        key = f"{self.key}: " if self.key else ""
        return f"{where}{key}{self.message}"


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
