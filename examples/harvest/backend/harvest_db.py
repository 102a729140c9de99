"""SQLite storage for the harvest backend: one file, WAL mode, created on first use."""

import os
import sqlite3

_HERE = os.path.dirname(os.path.abspath(__file__))

SCHEMA = """
CREATE TABLE IF NOT EXISTS harvests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    crop TEXT NOT NULL,
    kg REAL NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
)
"""


def database_path():
    # HARVEST_DB is the variable the original guide uses; DATABASE_PATH is the one Slipway examples document.
    configured = os.environ.get("DATABASE_PATH") or os.environ.get("HARVEST_DB")
    return configured or os.path.join(_HERE, "data", "harvest.db")


def connect():
    path = database_path()
    directory = os.path.dirname(path)
    if directory:
        # The guide promises the database directory is created when missing.
        os.makedirs(directory, exist_ok=True)
    connection = sqlite3.connect(path, timeout=10)
    connection.row_factory = sqlite3.Row
    # WAL lets readers (and Slipway's online backup) run while a writer commits.
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA busy_timeout=10000")
    connection.execute(SCHEMA)
    return connection


def _as_dict(row):
    return {"id": row["id"], "crop": row["crop"], "kg": row["kg"], "created_at": row["created_at"]}


def list_harvests(connection):
    rows = connection.execute("SELECT * FROM harvests ORDER BY id").fetchall()
    return [_as_dict(row) for row in rows]


def get_harvest(connection, harvest_id):
    row = connection.execute("SELECT * FROM harvests WHERE id = ?", (harvest_id,)).fetchone()
    return _as_dict(row) if row else None


def add_harvest(connection, crop, kg):
    with connection:
        cursor = connection.execute("INSERT INTO harvests (crop, kg) VALUES (?, ?)", (crop, kg))
    return get_harvest(connection, cursor.lastrowid)


def count_harvests(connection):
    return connection.execute("SELECT COUNT(*) FROM harvests").fetchone()[0]
