"""Reading a JSON request body safely: JSON nested 100,000 deep made ``json.loads``
raise RecursionError (a 500), and a lone surrogate (``"\\ud800"``) decoded fine but
failed later when stored. ``read_json`` refuses both, and anything that is not JSON,
with ``BadJson`` (the route answers 400)."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

MAX_DEPTH = 32


class BadJson(ValueError):
    pass


def _too_deep(raw: bytes, limit: int) -> bool:
    depth, in_string, escaped = 0, False, False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def parse_json(raw: bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    if _too_deep(raw, max_depth):
        raise BadJson("nested too deep")
    try:
        value = json.loads(raw or b"null")
    except (ValueError, RecursionError):
        raise BadJson("not JSON") from None
    if _has_lone_surrogate(value):
        raise BadJson("text that is not Unicode")
    return value


async def read_json(request: Request, *, max_depth: int = MAX_DEPTH) -> Any:
    return parse_json(await request.body(), max_depth=max_depth)
