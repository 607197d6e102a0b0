"""Schemathesis hooks for `make fuzz`: what counts as a finding.

A 5xx, or an answer carrying the INTERNAL error code (a bug the server hid
behind a clean status: GraphQL `extensions.code`, or the REST envelope's
`error.code`), is a finding; business errors (TOKEN_NEEDED, NOT_FOUND, ...)
are answers, not findings. A strategy for the LocalDate scalar, and every
request is counted so the run can say how many operations it sent
(FUZZ_COUNT_FILE, one line per request: its status).

For the REST services, FUZZ_KNOWN_PARAMS (JSON: path parameter name -> ids
that exist, e.g. {"order_sheet_id": [3]}) makes about half of the generated
path parameters name a real row, so the fuzzer reaches the handlers' work
instead of their 404s.
"""
import json
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
KNOWN_PARAMS = json.loads(os.environ.get("FUZZ_KNOWN_PARAMS") or "{}")


@schemathesis.check
def no_internal_error(ctx, response, case):
    if COUNT_FILE:
        with open(COUNT_FILE, "a", encoding="utf-8") as counted:
            counted.write(f"{response.status_code}\n")
    if response.status_code >= 500:
        raise AssertionError(f"server error {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        if body["error"].get("code") == "INTERNAL":
            raise AssertionError(f"INTERNAL error: {body['error'].get('message')}")
        return None
    answers = body if isinstance(body, list) else [body]
    for answer in answers:
        if not isinstance(answer, dict):
            continue
        for error in answer.get("errors") or []:
            code = (error.get("extensions") or {}).get("code")
            if code == "INTERNAL":
                raise AssertionError(f"INTERNAL error: {error.get('message')}")
    return None


@schemathesis.hook
def flatmap_path_parameters(ctx, path_parameters):
    known = {
        name: st.sampled_from(KNOWN_PARAMS[name])
        for name in (path_parameters or {})
        if KNOWN_PARAMS.get(name)
    }
    if not known:
        return st.just(path_parameters)
    real = st.fixed_dictionaries(known).map(lambda ids: {**path_parameters, **ids})
    return st.one_of(st.just(path_parameters), real)
