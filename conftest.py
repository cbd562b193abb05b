"""Shared by tests/ and e2e/: silence third-party deprecation noise raised at import."""

import warnings

for _message in (r".*authlib\.jose module is deprecated", r".*httpx module is deprecated", r".*install `httpx2`"):
    warnings.filterwarnings("ignore", message=_message)
