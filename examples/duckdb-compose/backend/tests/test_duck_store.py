"""Run: cd examples/duckdb-compose/backend && python3 -m unittest discover -s tests"""

import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)

from duck_store import DuckStore, StoreLockedError  # noqa: E402

OPEN_IN_OTHER_PROCESS = """
import sys
sys.path.insert(0, sys.argv[1])
from duck_store import DuckStore, StoreLockedError
try:
    DuckStore(sys.argv[2])
except StoreLockedError as error:
    print(error)
    sys.exit(7)
"""


class DuckStoreTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.tmp.name, "data", "app.db")

    def tearDown(self):
        self.tmp.cleanup()

    def open_elsewhere(self):
        return subprocess.run(
            [sys.executable, "-c", OPEN_IN_OTHER_PROCESS, HERE, self.path], capture_output=True, text=True
        )

    def test_items_survive_reopen(self):
        store = DuckStore(self.path)
        first = store.add_item("duck")
        store.add_item("goose")
        self.assertTrue(store.delete_item(2))
        self.assertFalse(store.delete_item(2))
        store.close()
        reopened = DuckStore(self.path)
        self.assertEqual(reopened.list_items(), [first])
        self.assertEqual(reopened.add_item("swan")["id"], 3)
        reopened.close()

    def test_second_process_cannot_open_while_first_holds_it(self):
        store = DuckStore(self.path)
        result = self.open_elsewhere()
        self.assertEqual(result.returncode, 7, result.stderr)
        self.assertIn("one writer", result.stdout)
        store.close()
        self.assertEqual(self.open_elsewhere().returncode, 0)

    def test_torn_last_line_is_dropped(self):
        store = DuckStore(self.path)
        store.add_item("duck")
        store.close()
        with open(self.path, "ab") as handle:
            handle.write(b'{"op":"put","item":{"id":2,"na')
        store = DuckStore(self.path)
        self.assertEqual([item["name"] for item in store.list_items()], ["duck"])
        self.assertEqual(store.add_item("goose")["id"], 2)
        store.close()
        with open(self.path, "rb") as handle:
            self.assertEqual(len(handle.read().splitlines()), 2)


if __name__ == "__main__":
    unittest.main()
