"""Form parsing with GOV.UK-style errors: one message per field, kept input.

A form is a Pydantic model whose validators raise ``FieldError(MESSAGE)`` with a
message constant; built-in checks (missing, too long) map through ``messages``.
``parse_form`` never raises: it returns the data or the errors plus what was typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from waymark import clock
from waymark.errors import InputError
from waymark.web.i18n import request_locale, translations
from waymark.web.messages import FIELD_INVALID, FIELD_TOO_LONG

M = TypeVar("M", bound=BaseModel)
MAX_FIELD_CHARS = 10_000


def FieldError(message: str) -> PydanticCustomError:
    """Raise from a validator to show ``message`` next to the field."""
    return PydanticCustomError("waymark", message)


def date_field(value: Any, invalid: str, *, empty: Any = None, blank: str | None = None) -> Any:
    """For a ``mode="before"`` validator: a date field's text (``<input type="date">``
    sends YYYY-MM-DD, read by ``clock.parse_iso_day``) as a date. Left blank it gives
    ``empty``, or the error ``blank`` when set; anything else not a date is ``invalid``."""
    if not isinstance(value, str):
        return value
    if not value.strip():
        if blank is not None:
            raise FieldError(blank)
        return empty
    day = clock.parse_iso_day(value)
    if day is None:
        raise FieldError(invalid)
    return day


@dataclass
class ParsedForm(Generic[M]):
    values: dict[str, str]
    data: M | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.data is not None and not self.errors

    def add_error(self, name: str, message: str) -> None:
        self.errors[name] = message
        self.data = None


def parse_form(
    model: type[M],
    raw: Mapping[str, Any],
    *,
    messages: Mapping[str, Mapping[str, str]] | None = None,
) -> ParsedForm[M]:
    """``messages`` maps field -> pydantic error type (or "default") -> message."""
    values = {k: v for k, v in raw.items() if isinstance(v, str) and k != "csrf_token"}
    result: ParsedForm[M] = ParsedForm(values=values)
    too_long = [k for k, v in values.items() if len(v) > MAX_FIELD_CHARS]
    for name in too_long:
        result.errors[name] = FIELD_TOO_LONG
    if too_long:
        return result
    try:
        result.data = model.model_validate(values)
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "form"
            if name in result.errors:
                continue
            if error["type"] == "waymark":
                result.errors[name] = error["msg"]
            else:
                per_field = (messages or {}).get(name, {})
                result.errors[name] = per_field.get(error["type"]) or per_field.get("default") or FIELD_INVALID
    return result


def input_error_messages(request: Request, exc: InputError) -> dict[str, str]:
    """A service's ``InputError`` as messages by field: those with numbers in them are
    translated and filled in here, the rest are translated by the template."""
    if not exc.params:
        return dict(exc.errors)
    gettext = translations(request_locale(request)).gettext
    return {k: gettext(v) % exc.params[k] if k in exc.params else v for k, v in exc.errors.items()}


async def _raw_form(request: Request) -> dict[str, Any]:
    form = await request.form(max_files=10, max_fields=200)
    return dict(form)


RawFormDep = Depends(_raw_form)
