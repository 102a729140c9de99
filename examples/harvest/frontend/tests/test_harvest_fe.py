"""Run: cd examples/harvest/frontend && python3 -m unittest discover -s tests"""

import os
import sys
import unittest
from unittest import mock

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)

import harvest_fe  # noqa: E402
from base_path import BasePathMiddleware, normalize_prefix  # noqa: E402


class HarvestFrontendTest(unittest.TestCase):
    def setUp(self):
        self.env = mock.patch.dict(os.environ, {"APP_VERSION": "fe-test"})
        self.env.start()
        for name in ("BROKEN", "BASE_PATH", "DEPLOYMENT_MODE", "HARVEST_DEPLOYMENT_MODE", "BACKEND_PUBLIC_URL"):
            os.environ.pop(name, None)
        self.client = harvest_fe.server.test_client()

    def tearDown(self):
        self.env.stop()

    def test_health_reports_version(self):
        self.assertEqual(self.client.get("/health").get_json(), {"status": "ok", "version": "fe-test"})

    def test_page_assets_at_root(self):
        page = self.client.get("/").get_data(as_text=True)
        self.assertIn('href="/static/app.css"', page)
        self.assertIn('src="/static/app.js"', page)
        self.assertIn('data-api-base="/proxy/api"', page)

    def test_page_under_x_script_name_with_prefix_stripped_by_proxy(self):
        page = self.client.get("/", headers={"X-Script-Name": "/harvest"}).get_data(as_text=True)
        self.assertIn('href="/harvest/static/app.css"', page)
        self.assertIn('data-api-base="/harvest/proxy/api"', page)

    def test_page_under_x_script_name_with_prefix_passed_through(self):
        response = self.client.get("/harvest/static/app.js", headers={"X-Script-Name": "/harvest/"})
        self.assertEqual(response.status_code, 200)

    def test_nginx_mode_api_base(self):
        with mock.patch.dict(os.environ, {"DEPLOYMENT_MODE": "nginx"}):
            page = self.client.get("/", headers={"X-Script-Name": "/harvest"}).get_data(as_text=True)
            self.assertIn('data-api-base="/harvest/api"', page)
            self.assertEqual(self.client.get("/proxy/api/health").status_code, 404)

    def test_base_path_env(self):
        seen = {}

        def inner(environ, start_response):
            seen.update(script=environ["SCRIPT_NAME"], path=environ["PATH_INFO"])
            start_response("200 OK", [])
            return [b""]

        middleware = BasePathMiddleware(inner, default_prefix="harvest/")
        middleware({"PATH_INFO": "/harvest/static/app.css", "SCRIPT_NAME": ""}, lambda *_: None)
        self.assertEqual(seen, {"script": "/harvest", "path": "/static/app.css"})
        middleware({"PATH_INFO": "/harvest", "SCRIPT_NAME": ""}, lambda *_: None)
        self.assertEqual(seen, {"script": "/harvest", "path": "/"})
        self.assertEqual(normalize_prefix(" / "), "")

    def test_proxy_reports_unreachable_backend_as_502(self):
        with mock.patch.dict(os.environ, {"BACKEND_URL": "http://127.0.0.1:9"}):
            response = self.client.get("/proxy/api/health")
            self.assertEqual(response.status_code, 502)

    def test_echo_headers_accepts_websocket_handshake(self):
        response = self.client.get(
            "/echo-headers", headers={"Upgrade": "websocket", "Connection": "Upgrade", "X-Script-Name": "/harvest"}
        )
        self.assertEqual(response.get_json()["script_root"], "/harvest")

    def test_broken_modes(self):
        with mock.patch.dict(os.environ, {"BROKEN": "unhealthy"}):
            self.assertEqual(self.client.get("/health").status_code, 503)
        with mock.patch.dict(os.environ, {"BROKEN": "after-switch"}):
            self.assertEqual(self.client.get("/health").status_code, 200)
            self.assertEqual(self.client.get("/").status_code, 500)


if __name__ == "__main__":
    unittest.main()
