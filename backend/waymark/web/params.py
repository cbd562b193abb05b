"""Typed path parameters. Ids are bounded so a huge number is a 400, not a database
error."""

from typing import Annotated

from fastapi import Path

MAX_ID = 2_147_483_647  # the largest id a database integer column holds
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
