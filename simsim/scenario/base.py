"""Base class for the frozen, strict models a scenario is validated into."""

from __future__ import annotations

import difflib
import math
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError


def did_you_mean(word: str, choices: Any) -> str:
    """Return `` (did you mean 'x'?)`` for the closest of ``choices``, or an empty string."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _number(value: Any) -> Any:
    """Accept an int or a finite float; refuse a bool (YAML ``true``), NaN and infinities."""
    if isinstance(value, bool):
        raise PydanticCustomError("bool_number", "expected a number, got a yes/no value ({value})",
                                  {"value": "true" if value else "false"})
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("finite_number", "expected a finite number, got {value}", {"value": str(value)})
    if not isinstance(value, (int, float)):
        raise PydanticCustomError("number_type", "expected a number, got {kind}", {"kind": type(value).__name__})
    return value


def _whole(value: Any) -> Any:
    """Accept an int (or a float with no fractional part); refuse a bool, text and fractions."""
    value = _number(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise PydanticCustomError("whole_number", "expected a whole number, got {value}", {"value": value})
        return int(value)
    return value


#: A finite number: not a bool, not NaN or infinite, not text that looks like a number.
Number = Annotated[float, BeforeValidator(_number), Field(allow_inf_nan=False)]
#: A whole number: not a bool, not a fraction, not text.
Whole = Annotated[int, BeforeValidator(_whole)]


class StrictModel(BaseModel):
    """Frozen pydantic model that rejects unknown keys with a did-you-mean hint."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="wrap")
    @classmethod
    def _unknown_keys(cls, data: Any, handler: Any) -> Any:
        """Reject unknown keys, reporting them together with the problems of the known ones."""
        if not isinstance(data, dict):
            return handler(data)
        known = set()
        for name, field in cls.model_fields.items():
            known.add(field.alias or name)
            known.add(name)
        unknown = [k for k in data if k not in known]
        if not unknown:
            return handler(data)
        allowed = sorted(field.alias or name for name, field in cls.model_fields.items())
        errors = [InitErrorDetails(
            type=PydanticCustomError("unknown_key", "unknown key '{key}'{hint}; allowed: {allowed}",
                                     {"key": str(k), "hint": did_you_mean(k, allowed), "allowed": ", ".join(allowed)}),
            loc=(k,), input=data[k]) for k in unknown]
        try:
            handler({k: v for k, v in data.items() if k not in unknown})
        except ValidationError as exc:
            for e in exc.errors():
                msg = e["msg"].replace("{", "{{").replace("}", "}}")
                errors.append(InitErrorDetails(type=PydanticCustomError(e["type"], msg), loc=e["loc"],
                                               input=e.get("input")))
        raise ValidationError.from_exception_data(cls.__name__, errors)
