"""Schemathesis hooks for `make fuzz`: what counts as a finding.

A 5xx, or a GraphQL answer carrying the INTERNAL error code (a bug the server
hid behind a clean status), is a finding; business errors (TOKEN_NEEDED,
NOT_FOUND, ...) are answers, not findings. A strategy for the LocalDate scalar, and every request is counted so the run can say
how many operations it sent (FUZZ_COUNT_FILE, one line per request).
"""
import os

import schemathesis
import schemathesis.graphql
from hypothesis import strategies as st

# LocalDate accepts yyyy-MM-dd or an ISO date-time; send both, and some nonsense.
schemathesis.graphql.scalar(
    "LocalDate",
    st.one_of(
        st.dates().map(lambda d: d.isoformat()),
        st.datetimes().map(lambda t: t.isoformat()),
        st.text(max_size=12),
    ).map(schemathesis.graphql.nodes.String),
)

COUNT_FILE = os.environ.get("FUZZ_COUNT_FILE")


@schemathesis.check
def no_internal_error(ctx, response, case):
    if COUNT_FILE:
        with open(COUNT_FILE, "a", encoding="utf-8") as counted:
            counted.write("1\n")
    if response.status_code >= 500:
        raise AssertionError(f"server error {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        return None
    answers = body if isinstance(body, list) else [body]
    for answer in answers:
        for error in (answer or {}).get("errors") or []:
            code = (error.get("extensions") or {}).get("code")
            if code == "INTERNAL":
                raise AssertionError(f"INTERNAL error: {error.get('message')}")
    return None
