"""What services raise when a request cannot go on: not signed in, not allowed, no
such record, or input the rules refuse. Plumbing: it imports nothing of Waymark's.
``web/errors.py`` turns the first three into the right page, so routes do not catch
them; routes catch ``InputError`` to put the form back with its messages."""

from __future__ import annotations

from collections.abc import Mapping


class NotSignedIn(Exception):
    """A route needs a signed-in person; answered with a redirect to /login."""


class Forbidden(Exception):
    """The person lacks a permission or the record is not theirs; answered with 403."""


class NotFound(Exception):
    """The record does not exist, or is in another council (we do not say which); 404."""


class InputError(Exception):
    """Input the rules refuse: a message for each field that is wrong (``form`` for the
    whole form), shown next to it, with ``params`` per field to fill a message in.

    ``InputError("answer", m.ANSWER_REQUIRED)`` for one field (``.field``, ``.message``);
    ``InputError.of({"title": ..., "closes_on": ...}, params)`` for several.
    """

    def __init__(self, field: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.errors: dict[str, str] = {field: message}
        self.params: dict[str, dict[str, object]] = {field: params} if params else {}

    @classmethod
    def of(cls, errors: Mapping[str, str], params: Mapping[str, Mapping[str, object]] | None = None) -> InputError:
        error = cls.__new__(cls)
        Exception.__init__(error, dict(errors))
        error.errors = dict(errors)
        error.params = {k: dict(v) for k, v in (params or {}).items()}
        return error

    @property
    def field(self) -> str:
        return next(iter(self.errors))

    @property
    def message(self) -> str:
        return self.errors[self.field]


def described(exc: BaseException) -> str:
    """What a log may say about an exception: each exception's type in the chain and
    where it was raised (the innermost 8 frames), never its message. Messages carry data: a failed statement's
    SQL parameters (a young person's words), PostgreSQL's "Key (username)=(ada)",
    an email address from a mail server."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        tb = current.__traceback__
        frames = []
        while tb is not None:
            code = tb.tb_frame.f_code
            frames.append(f"{code.co_filename.rsplit('/', 2)[-1]}:{tb.tb_lineno} {code.co_name}")
            tb = tb.tb_next
        innermost = " < ".join(list(reversed(frames))[:8])
        parts.append(f"{type(current).__module__}.{type(current).__qualname__} at {innermost}")
        current = current.__cause__ or current.__context__
    return "; caused by ".join(parts)
