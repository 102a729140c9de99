"""A tiny single-writer item store standing in for DuckDB (Debian 12 has no python3-duckdb package).

It keeps DuckDB's one rule that matters for deploys: one process at a time may open the data file. The file is
locked with an exclusive fcntl lock (flock) when the store opens and stays locked until the process ends, so a second
process (a green color started next to blue) fails at start-up with StoreLockedError, the way DuckDB raises
"Could not set lock on file". Blue-green cannot share it; `strategy: stop-first` can.

Format: an append-only log, one JSON object per line: {"op": "put", "item": {...}} or {"op": "delete", "id": N}.
Appends never rewrite earlier bytes (the locked inode stays the same), so copying the file gives a consistent backup up to
its last complete line; a torn last line is dropped when the store opens.
"""

import fcntl
import json
import os
import threading
import time


class StoreLockedError(RuntimeError):
    pass


class DuckStore:
    def __init__(self, path):
        self.path = path
        directory = os.path.dirname(path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        self._file = open(path, "a+b")  # noqa: SIM115 - held open for the process lifetime, it carries the lock
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            raise StoreLockedError(
                f"{path} is locked by another process: the store allows one writer at a time (like DuckDB)"
            ) from None
        self._mutex = threading.Lock()  # FastAPI runs sync endpoints in a thread pool
        self._items = {}
        self._next_id = 1
        self._replay()

    def _replay(self):
        self._file.seek(0)
        data = self._file.read()
        complete_length = 0
        for line in data.splitlines(keepends=True):
            if not line.endswith(b"\n"):
                break
            try:
                self._apply(json.loads(line))
            except (ValueError, KeyError, TypeError):
                break
            complete_length += len(line)
        if complete_length < len(data):
            # A crash mid-append left a partial record: drop it so the next append starts on a fresh line.
            self._file.truncate(complete_length)
            self._file.flush()
            os.fsync(self._file.fileno())

    def _apply(self, record):
        if record["op"] == "put":
            item = record["item"]
            self._items[item["id"]] = item
            self._next_id = max(self._next_id, item["id"] + 1)
        elif record["op"] == "delete":
            self._items.pop(record["id"], None)
        else:
            raise ValueError(f"unknown op {record['op']!r}")

    def _append(self, record):
        self._file.write(json.dumps(record, separators=(",", ":")).encode() + b"\n")
        self._file.flush()
        os.fsync(self._file.fileno())
        self._apply(record)

    def list_items(self):
        with self._mutex:
            return [dict(item) for _, item in sorted(self._items.items())]

    def get_item(self, item_id):
        with self._mutex:
            item = self._items.get(item_id)
            return dict(item) if item else None

    def add_item(self, name):
        with self._mutex:
            item = {"id": self._next_id, "name": name, "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
            self._append({"op": "put", "item": item})
            return dict(item)

    def delete_item(self, item_id):
        with self._mutex:
            if item_id not in self._items:
                return False
            self._append({"op": "delete", "id": item_id})
            return True

    def count(self):
        with self._mutex:
            return len(self._items)

    def close(self):
        # Closing the file releases the lock.
        self._file.close()
