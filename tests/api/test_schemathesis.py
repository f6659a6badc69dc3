"""Bad input at scale: schemathesis drives every operation of /api/openapi.json, signed in as admin.

It runs in-process (WSGI), with valid (positive) and invalid (negative) generated input, and fails
on any 500 and on any response (status, content type, body, headers) the document does not describe.
schemathesis' own pytest plugin does not run under pytest 9 (it sets Node._nodeid), so the test
drives each operation's hypothesis strategy itself.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

# Examples per operation and mode (25 each until issue 18): about a minute for 97 operations on a
# quiet machine, most of it hypothesis generating input; invalid input costs twice as much per
# example (bench/README.md "Fuzz suite"), and tests/api/test_hostile_fuzz.py sends hostile values.
MAX_EXAMPLES = {GenerationMode.POSITIVE: 50, GenerationMode.NEGATIVE: 30}
# Operations whose input has rules a JSON Schema cannot state (a cron expression that must fire,
# an RRULE, a time zone, "until" after now): schema-valid input may rightly get 422 there. Every
# other check (no 500, answers as documented) still applies to them. Incidents take lists of
# server and status-page ids that must be the caller's.
SEMANTIC_RULES = ("/api/maintenance-windows/", "/api/incidents/")


def failures_of(operation, mode, token):
    """Run one operation's generated cases; return a description of the first failure, or None."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES[mode],
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
    )
    def run(case):
        excluded = [positive_data_acceptance] if operation.path.startswith(SEMANTIC_RULES) else []
        headers = {"Authorization": f"Bearer {token}"}
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    try:
        run()
    except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collect all, then report
        return f"{mode.value} {operation.label}: {error}\n{getattr(error, 'exceptions', '')}"
    return None


@pytest.mark.once
@pytest.mark.timeout(900)  # about a minute on a quiet machine; several on a loaded one
def test_the_api_survives_generated_input(app, as_admin, make_server):
    make_server()  # alice's server, so that some generated ids exist and belong to someone else
    make_server(api=as_admin, name="admin-web")
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    # Valid input holds no NUL: the API refuses it in every string (see the document's description).
    schema.config.generation.update(allow_x00=False)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    failures = [
        failure
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (failure := failures_of(operation, mode, as_admin.token))
    ]
    assert not failures, "\n\n".join(failures)
