"""Property-based API testing driven by our own OpenAPI document: no 5xx and
no response that breaks its schema, for any parameters Schemathesis makes up.
Run against the real gunicorn server (live_server) over HTTP."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)


@pytest.fixture(scope="module")
def api_schema(live_server):
    return schemathesis.openapi.from_url(live_server + "/api/v1/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


# Derandomized: the same examples every run, so that CI cannot turn red on a
# draw. A random run once drew `unit=null` as "negative" data (a null where an
# array is due), but a query string can only say the string "null", which is
# a valid unit name: the request is rightly accepted.
@schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_keeps_its_contract(case):
    case.call_and_validate(
        checks=[
            not_a_server_error,
            response_schema_conformance,
            status_code_conformance,
            content_type_conformance,
            negative_data_rejection,
        ],
        timeout=30,
    )


def test_openapi_document_is_valid_openapi_3(client):
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/search", "/api/v1/reports/{report_id}", "/api/v1/stats", "/healthz"} <= set(document["paths"])
