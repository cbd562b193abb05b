"""Shared by tests/ and e2e/: keep third-party deprecation noise out of the output.

Authlib switches its own deprecation warnings to "always" when first imported, ahead
of pytest's filters; importing it here inside catch_warnings keeps that local.
"""

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import authlib.deprecate  # noqa: F401
    import oidc_provider_mock  # noqa: F401

for _message in (r".*authlib\.jose module is deprecated", r".*httpx module is deprecated", r".*install `httpx2`"):
    warnings.filterwarnings("ignore", message=_message)
