"""Typed path parameters. Ids are bounded so a huge number is a 400, not a database
error."""

from typing import Annotated

from fastapi import Path

RecordId = Annotated[int, Path(ge=1, le=2_147_483_647)]
