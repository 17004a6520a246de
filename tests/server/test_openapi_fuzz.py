"""schemathesis against /openapi.json of a live server: no 5xx on any operation, and every
answer's status code, content type and body as the document says.

Deliveries may only go to the server's own sinks, sinks may be told to take at most 50 ms,
and a handful of runs may be in flight (else 429, which the document declares)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from capmock.server.hub import ServeConfig
from capmock.server.openapi import document
from capmock.server.serve import ServerThread

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[ServerThread]:
    config = ServeConfig(port=0, max_sink_latency=0.05, max_active_runs=8)
    with ServerThread(config) as server:
        server.hub.config.allow_targets = (f"{server.url}/sink/",)
        yield server


# The document the server serves (its servers entry is filled in by the live server).
schema = schemathesis.openapi.from_dict(document())


def test_the_served_document_is_this_one(fuzzed: ServerThread) -> None:
    served = requests.get(f"{fuzzed.url}/openapi.json", timeout=5).json()
    assert served == document(fuzzed.url)


@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_answers_match_the_document(case: schemathesis.Case,
                                                         fuzzed: ServerThread) -> None:
    case.call_and_validate(base_url=fuzzed.url, checks=CHECKS, timeout=10)
