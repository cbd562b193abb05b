"""What services raise when a request cannot go on: not signed in, not allowed, or no
such record. Plumbing (no feature imports it back); ``web/errors.py`` turns each into
the right page, so routes do not catch them."""

from __future__ import annotations


class NotSignedIn(Exception):
    """A route needs a signed-in person; answered with a redirect to /login."""


class Forbidden(Exception):
    """The person lacks a permission or the record is not theirs; answered with 403."""


class NotFound(Exception):
    """The record does not exist, or is in another council (we do not say which); 404."""
