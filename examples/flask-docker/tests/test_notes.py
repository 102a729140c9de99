"""Run: cd examples/flask-docker && python3 -m unittest discover -s tests"""

import os
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)

# The app is built at import time, so the instance directory is chosen before importing it.
_TMP = tempfile.TemporaryDirectory()
os.environ["INSTANCE_PATH"] = os.path.join(_TMP.name, "instance")
os.environ.pop("BROKEN", None)

import main  # noqa: E402


class NotesTest(unittest.TestCase):
    def setUp(self):
        self.env = mock.patch.dict(os.environ, {"APP_VERSION": "notes-test"})
        self.env.start()
        self.client = main.app.test_client()

    def tearDown(self):
        self.env.stop()

    def test_health_reports_version(self):
        self.assertEqual(self.client.get("/api/health").get_json(), {"status": "ok", "version": "notes-test"})

    def test_database_lives_in_instance_dir(self):
        self.client.get("/api/notes")
        self.assertTrue(os.path.exists(os.path.join(os.environ["INSTANCE_PATH"], "notes.db")))

    def test_crud(self):
        created = self.client.post("/api/notes", json={"title": "first", "body": "hello"})
        self.assertEqual(created.status_code, 201)
        note_id = created.get_json()["id"]
        updated = self.client.put(f"/api/notes/{note_id}", json={"body": "changed"})
        self.assertEqual(updated.get_json()["body"], "changed")
        self.assertEqual(updated.get_json()["title"], "first")
        self.assertIn(note_id, [note["id"] for note in self.client.get("/api/notes").get_json()["notes"]])
        self.assertEqual(self.client.delete(f"/api/notes/{note_id}").status_code, 204)
        self.assertEqual(self.client.get(f"/api/notes/{note_id}").status_code, 404)
        self.assertEqual(self.client.delete(f"/api/notes/{note_id}").status_code, 404)

    def test_rejects_bad_input(self):
        self.assertEqual(self.client.post("/api/notes", json={"title": " "}).status_code, 400)
        self.assertEqual(self.client.post("/api/notes", json={"title": 3}).status_code, 400)
        self.assertEqual(self.client.post("/api/notes", data="not json").status_code, 400)

    def test_info_says_whether_secret_is_set_without_showing_it(self):
        with mock.patch.dict(os.environ, {"SECRET_KEY": "s3cr3t-value"}):
            response = self.client.get("/api/info")
        self.assertTrue(response.get_json()["secret_key_set"])
        self.assertNotIn("s3cr3t-value", response.get_data(as_text=True))

    def test_broken_modes(self):
        with mock.patch.dict(os.environ, {"BROKEN": "unhealthy"}):
            self.assertEqual(self.client.get("/api/health").status_code, 503)
        with mock.patch.dict(os.environ, {"BROKEN": "after-switch"}):
            self.assertEqual(self.client.get("/api/health").status_code, 200)
            self.assertEqual(self.client.get("/api/notes").status_code, 500)

    def test_crash_mode_refuses_to_start(self):
        env = {**os.environ, "BROKEN": "crash"}
        result = subprocess.run([sys.executable, "-c", "import main"], cwd=HERE, env=env, capture_output=True, text=True)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("crash", result.stderr)


if __name__ == "__main__":
    unittest.main()
