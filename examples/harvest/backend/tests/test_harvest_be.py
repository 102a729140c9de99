"""Run: cd examples/harvest/backend && python3 -m unittest discover -s tests"""

import os
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)

import harvest_be  # noqa: E402


class HarvestBackendTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        # A directory that does not exist yet: the app must create it.
        db_path = os.path.join(self.tmp.name, "nested", "dir", "harvest.db")
        self.env = mock.patch.dict(os.environ, {"DATABASE_PATH": db_path, "APP_VERSION": "v-test"}, clear=False)
        self.env.start()
        os.environ.pop("BROKEN", None)
        self.client = harvest_be.app.test_client()
        self.db_path = db_path

    def tearDown(self):
        self.env.stop()
        self.tmp.cleanup()

    def test_health_reports_version(self):
        response = self.client.get("/api/health")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.get_json(), {"status": "ok", "version": "v-test"})

    def test_writes_then_reads_in_wal_mode(self):
        created = self.client.post("/api/harvests", json={"crop": "wheat", "kg": 12.5})
        self.assertEqual(created.status_code, 201)
        harvest_id = created.get_json()["id"]
        self.assertEqual(self.client.get(f"/api/harvests/{harvest_id}").get_json()["crop"], "wheat")
        self.assertEqual(len(self.client.get("/api/harvests").get_json()["harvests"]), 1)
        self.assertEqual(self.client.get("/api/stats").get_json()["count"], 1)
        import sqlite3

        self.assertEqual(sqlite3.connect(self.db_path).execute("PRAGMA journal_mode").fetchone()[0], "wal")

    def test_rejects_bad_input_and_unknown_ids(self):
        self.assertEqual(self.client.post("/api/harvests", json={"crop": "", "kg": 1}).status_code, 400)
        self.assertEqual(self.client.post("/api/harvests", json={"crop": "rye", "kg": "x"}).status_code, 400)
        self.assertEqual(self.client.get("/api/harvests/999").status_code, 404)

    def test_echo_headers_accepts_websocket_handshake(self):
        response = self.client.get(
            "/api/echo-headers",
            headers={"Upgrade": "websocket", "Connection": "Upgrade", "X-Forwarded-Proto": "https"},
        )
        self.assertEqual(response.status_code, 200)
        headers = response.get_json()["headers"]
        self.assertEqual(headers["Upgrade"], "websocket")
        self.assertEqual(headers["X-Forwarded-Proto"], "https")

    def test_upload_counts_bytes(self):
        self.assertEqual(self.client.post("/api/upload", data=b"x" * 1000).get_json(), {"bytes": 1000})

    def test_broken_unhealthy(self):
        with mock.patch.dict(os.environ, {"BROKEN": "unhealthy"}):
            self.assertEqual(self.client.get("/api/health").status_code, 503)

    def test_broken_after_switch_keeps_health_green(self):
        with mock.patch.dict(os.environ, {"BROKEN": "after-switch"}):
            self.assertEqual(self.client.get("/api/health").status_code, 200)
            self.assertEqual(self.client.get("/api/harvests").status_code, 500)

    def test_broken_hang_never_answers_health(self):
        with mock.patch.dict(os.environ, {"BROKEN": "hang"}), mock.patch("release_info.time.sleep") as sleep:
            self.client.get("/api/health")
        sleep.assert_called_once_with(3600)

    def test_broken_crash_and_unknown_mode_refuse_to_start(self):
        for mode in ("crash", "no-such-mode"):
            env = {**os.environ, "BROKEN": mode}
            result = subprocess.run(
                [sys.executable, "-c", "import harvest_be"], cwd=HERE, env=env, capture_output=True, text=True
            )
            self.assertNotEqual(result.returncode, 0, mode)
            self.assertIn(mode, result.stderr)


if __name__ == "__main__":
    unittest.main()
