"""Run: cd examples/duckdb-compose/frontend && python3 -m unittest discover -s tests"""

import os
import sys
import unittest
from unittest import mock

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)

import app as frontend  # noqa: E402
import backend_client  # noqa: E402


def fake_backend(method, path, payload=None):
    if path == "/api/items" and method == "GET":
        return {"items": [{"id": 1, "name": "duck"}]}
    if path == "/api/health":
        return {"status": "ok", "version": "be-test"}
    if path == "/api/items" and method == "POST":
        return {"id": 2, "name": payload["name"]}
    raise AssertionError(f"unexpected call {method} {path}")


class FrontendTest(unittest.TestCase):
    def setUp(self):
        self.env = mock.patch.dict(os.environ, {"APP_VERSION": "fe-test"})
        self.env.start()
        os.environ.pop("BROKEN", None)
        self.client = frontend.app.test_client()

    def tearDown(self):
        self.env.stop()

    def test_health_reports_version(self):
        self.assertEqual(self.client.get("/health").get_json(), {"status": "ok", "version": "fe-test"})

    def test_page_lists_backend_items(self):
        with mock.patch.object(backend_client, "call", side_effect=fake_backend):
            page = self.client.get("/").get_data(as_text=True)
        self.assertIn("<li>duck</li>", page)
        self.assertIn("backend be-test", page)

    def test_form_posts_to_backend_and_redirects(self):
        with mock.patch.object(backend_client, "call", side_effect=fake_backend) as call:
            response = self.client.post("/items", data={"name": "goose"})
        self.assertEqual(response.status_code, 303)
        call.assert_called_with("POST", "/api/items", {"name": "goose"})

    def test_unreachable_backend_is_502(self):
        with mock.patch.dict(os.environ, {"BACKEND_URL": "http://127.0.0.1:9"}):
            self.assertEqual(self.client.get("/").status_code, 502)

    def test_broken_modes(self):
        with mock.patch.dict(os.environ, {"BROKEN": "unhealthy"}):
            self.assertEqual(self.client.get("/health").status_code, 503)
        with mock.patch.dict(os.environ, {"BROKEN": "after-switch"}):
            self.assertEqual(self.client.get("/health").status_code, 200)
            self.assertEqual(self.client.get("/").status_code, 500)


if __name__ == "__main__":
    unittest.main()
