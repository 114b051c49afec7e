"""Base class for the frozen, strict models a scenario is validated into."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError


def did_you_mean(word: str, choices: Any) -> str:
    """Return `` (did you mean 'x'?)`` for the closest of ``choices``, or an empty string."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class StrictModel(BaseModel):
    """Frozen pydantic model that rejects unknown keys with a did-you-mean hint."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _unknown_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            known = set()
            for name, field in cls.model_fields.items():
                known.add(field.alias or name)
                known.add(name)
            for key in data:
                if key not in known:
                    allowed = sorted(field.alias or name for name, field in cls.model_fields.items())
                    raise PydanticCustomError(
                        "unknown_key",
                        "unknown key '{key}'{hint}; allowed: {allowed}",
                        {"key": key, "hint": did_you_mean(key, allowed), "allowed": ", ".join(allowed)},
                    )
        return data
