"""schemathesis against both OpenAPI descriptions: the public HSDS API (/api/schema/) and the
staff referral API (/api/v1/staff/schema/, with a bearer token). Every operation, generated
inputs (valid and invalid), every default check: no server error, no response that breaks
the schema, no undocumented status or content type. Bounded so that it stays within minutes."""

import contextlib

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

APP = get_wsgi_application()
EXAMPLES = 20
# The API checks meaning as well as type (a NUL character, an unknown place or region, a
# version that is stale): a schema-valid request may rightly be a documented 400. And it is
# lenient where forms are (an empty flag means false), so some schema-invalid input is rightly
# accepted. Every other default check stays on: server errors, response schemas, status codes,
# content types, headers.
EXCLUDED = [positive_data_acceptance, negative_data_rejection]


@contextlib.contextmanager
def keeping_the_test_connection():
    """The real WSGI handler closes the database connection after each request, which would
    end the test's transaction; Django's own test client disconnects the same receivers (and
    reconnects them after each of its requests, so this wraps only the schemathesis part)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def operations(schema):
    found = []
    for result in schema.get_all_operations():
        found.append(result.ok())
    return found


def exercise(operation, mode, *, headers=None) -> bool:
    """Runs the operation's cases; False when the mode cannot make any (an operation with no
    input has no invalid input)."""
    strategy = operation.as_strategy(generation_mode=mode)

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
    )
    def run(case) -> None:
        cache.clear()  # the anonymous throttle counts per address; each case starts fresh
        case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)

    try:
        run()
    except Unsatisfiable:
        return False
    return True


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_the_public_api_keeps_its_schema(directory, mode):
    with keeping_the_test_connection():
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", APP)
        found = operations(schema)
        assert len(found) >= 10
        ran = [exercise(operation, schemathesis.GenerationMode(mode)) for operation in found]
    assert sum(ran) >= len(found) - 1


def test_a_service_id_that_spells_the_search_route_meets_the_schema(directory):
    # Hypothesis draws string constants from the code under test, so a generated id is
    # sometimes "search", which only some runs happen to draw: this pins that case.
    with keeping_the_test_connection():
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", APP)
        operation = schema["/api/v1/services/{id}"]["GET"]
        case = operation.Case(path_parameters={"id": "search"})
        cache.clear()
        response = case.call_and_validate(excluded_checks=EXCLUDED)
    assert response.status_code == 405


def pinned(operation, mode, pk, *, headers) -> bool:
    """The same operation with its {pk} set to a real referral the user may see, so that
    generated bodies reach the moves and the handoff rather than stopping at 404."""
    strategy = operation.as_strategy(generation_mode=mode)

    def with_pk(case):
        case.path_parameters = {**(case.path_parameters or {}), "pk": str(pk)}
        return case

    @given(case=strategy.map(with_pk))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
    )
    def run(case) -> None:
        cache.clear()
        case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)

    try:
        run()
    except Unsatisfiable:
        return False
    return True


@pytest.mark.parametrize(
    ("who", "mode"),
    [("caseworker-a", "positive"), ("caseworker-a", "negative"), ("intake-b", "positive")],
)
def test_the_staff_api_keeps_its_schema_with_a_token(world, who, mode):
    from tests.attack_tests.conftest import referral_between, token_for

    referral_between(world)
    accepted = referral_between(world, accepted=True)
    headers = {"Authorization": f"Bearer {token_for(world[who])}"}
    with keeping_the_test_connection():
        schema = schemathesis.openapi.from_wsgi(
            "/api/v1/staff/schema/?format=json", APP, headers=headers
        )
        found = operations(schema)
        assert len(found) == 5
        generation = schemathesis.GenerationMode(mode)
        for operation in found:
            exercise(operation, generation, headers=headers)
            if "{pk}" in operation.path:
                pinned(operation, generation, accepted.pk, headers=headers)
