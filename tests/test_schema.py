"""The OpenAPI schema: valid, warning-free, fully described, and true to the running API."""

import io
import threading
import time
from unittest import mock

import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client, TestCase
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from briefings.api.schema_cache import SchemaView, warm_schema_cache
from tests import factories

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
EXAMPLES_PER_OPERATION = 12
TIME_BUDGET_SECONDS = 100


class SchemaTests(TestCase):
    def schema(self):
        return self.client.get("/api/schema/", {"format": "json"}).json()

    def test_generation_is_valid_and_warning_free(self):
        out, err = io.StringIO(), io.StringIO()
        # --fail-on-warn turns any warning (or error) into a CommandError.
        call_command(
            "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json",
            stdout=out, stderr=err,
        )  # fmt: skip
        self.assertEqual(err.getvalue(), "")
        self.assertIn('"openapi": "3.0.3"', out.getvalue())

    def test_every_field_and_parameter_is_described(self):
        schema = self.schema()
        for name, component in schema["components"]["schemas"].items():
            for field, spec in component.get("properties", {}).items():
                with self.subTest(component=name, field=field):
                    self.assertTrue(spec.get("description"))
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                for parameter in operation.get("parameters", []):
                    with self.subTest(path=path, method=method, parameter=parameter["name"]):
                        self.assertTrue(parameter.get("description"))

    def test_every_filter_is_documented(self):
        parameters = {
            p["name"] for p in self.schema()["paths"]["/api/v1/claims/"]["get"]["parameters"]
        }
        for name in ("speaker", "about", "article", "briefing", "event", "quote_type",
                     "claim_type", "verdict", "said_after", "said_before", "published_after",
                     "published_before", "q", "ordering", "page", "page_size"):  # fmt: skip
            self.assertIn(name, parameters)

    def test_related_objects_are_keys_in_requests_and_objects_in_responses(self):
        components = self.schema()["components"]["schemas"]
        self.assertEqual(components["ClaimRequest"]["properties"]["speaker"]["type"], "string")
        self.assertEqual(
            components["Claim"]["properties"]["speaker"]["allOf"][0]["$ref"],
            "#/components/schemas/ActorRef",
        )


class SchemathesisTests(TestCase):
    """
    Generated requests for every operation, as a reader and as a reviewer who
    may write: no 5xx, and every response matches the schema.
    """

    @classmethod
    def setUpTestData(cls):
        claim = factories.ClaimFactory()
        factories.BriefingFactory(published=True, claims=[claim])
        factories.BriefingFactory(claims=[factories.ClaimFactory(article=claim.article)])
        factories.MembershipFactory()
        cls.token = Token.objects.create(user=factories.reviewer())

    def setUp(self):
        # The WSGI handler would close the test's connection after each request,
        # ending the transaction the test runs in (Django's test client does the same).
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        self.addCleanup(request_started.connect, close_old_connections)
        self.addCleanup(request_finished.connect, close_old_connections)
        self.app = get_wsgi_application()
        self.api = schemathesis.openapi.from_wsgi("/api/schema/?format=json", self.app)

    def run_operations(self, headers, methods):
        started = time.monotonic()
        operations = [
            result.ok()
            for result in self.api.get_all_operations()
            if result.ok().method.upper() in methods
        ]
        self.assertGreater(len(operations), 20)
        for operation in operations:
            if time.monotonic() - started > TIME_BUDGET_SECONDS:
                self.fail("The schemathesis run went over its time budget.")

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def check(case):
                # The WSGI transport does not undo gzip, as an HTTP client would.
                case.call_and_validate(
                    headers={**headers, "Accept-Encoding": "identity"}, checks=CHECKS
                )

            with self.subTest(operation=operation.label):
                check()

    def test_reader_requests(self):
        self.run_operations(headers={}, methods={"GET"})

    def test_reviewer_requests(self):
        headers = {"Authorization": f"Token {self.token.key}"}
        self.run_operations(headers=headers, methods={"GET", "POST", "PUT", "PATCH"})


class PathParameterTests(TestCase):
    def test_path_parameters_appear_only_in_paths_that_name_them(self):
        schema = SchemaGenerator().get_schema(request=None, public=True)
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                for parameter in operation.get("parameters", []):
                    if parameter["in"] == "path":
                        with self.subTest(method=method, path=path):
                            self.assertIn("{" + parameter["name"] + "}", path)

    def test_operations_are_tagged_by_resource(self):
        schema = SchemaGenerator().get_schema(request=None, public=True)
        tags = {
            tag for ops in schema["paths"].values() for op in ops.values() for tag in op["tags"]
        }
        self.assertTrue({"briefings", "claims", "actors", "sco"} <= tags, tags)


class SchemaCacheTests(TestCase):
    """The schema is generated once per process, then served from memory."""

    def setUp(self):
        SchemaView.schemas.clear()
        SchemaView.rendered.clear()
        generate = mock.patch.object(
            SchemaGenerator, "get_schema", autospec=True, side_effect=SchemaGenerator.get_schema
        )
        self.generate = generate.start()
        self.addCleanup(generate.stop)

    def test_generated_once_for_both_formats(self):
        first = self.client.get("/api/schema/", {"format": "json"})
        yaml = self.client.get("/api/schema/")
        again = self.client.get("/api/schema/", {"format": "json"})
        self.assertEqual(self.generate.call_count, 1)
        self.assertEqual(first["Content-Type"], "application/vnd.oai.openapi+json")
        self.assertEqual(yaml["Content-Type"], "application/vnd.oai.openapi; charset=utf-8")
        self.assertEqual(first["Content-Disposition"], 'inline; filename="Briefings API.json"')
        self.assertEqual(again.content, first.content)
        self.assertEqual(first.json()["openapi"], "3.0.3")
        self.assertTrue(yaml.content.startswith(b"openapi: 3.0.3"))

    def test_staff_get_their_own_schema(self):
        reader = self.client.get("/api/schema/", {"format": "json"}).json()
        self.client.force_login(factories.reviewer())
        staff = self.client.get("/api/schema/", {"format": "json"}).json()
        self.assertEqual(self.generate.call_count, 2)
        self.assertNotIn("pending_change", reader["components"]["schemas"]["Claim"]["properties"])
        self.assertIn("pending_change", staff["components"]["schemas"]["Claim"]["properties"])

    def test_unknown_language_and_version_reuse_the_default(self):
        default = self.client.get("/api/schema/", {"format": "json"})
        odd = self.client.get("/api/schema/", {"format": "json", "lang": "zz", "version": "9"})
        self.assertEqual(odd.content, default.content)
        indented = self.client.get(
            "/api/schema/", headers={"accept": "application/vnd.oai.openapi+json; indent=1"}
        )
        self.assertEqual(indented.content, default.content)
        self.assertEqual(len(SchemaView.rendered), 1)

    def test_concurrent_first_requests_generate_once(self):
        results = []

        def fetch():
            results.append(Client().get("/api/schema/", {"format": "json"}).status_code)

        threads = [threading.Thread(target=fetch) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(results, [200] * 4)
        self.assertEqual(self.generate.call_count, 1)

    def test_warming_fills_the_readers_cache(self):
        warm_schema_cache()
        self.client.get("/api/schema/")
        self.client.get("/api/schema/", {"format": "json"})
        self.assertEqual(self.generate.call_count, 1)
        self.assertEqual(len(SchemaView.rendered), 2)
