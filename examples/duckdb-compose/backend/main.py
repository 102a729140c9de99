"""duckdb-compose backend stand-in (seed 003): FastAPI on :12015 with one data file in /app/data.

Run:  python3 main.py                                   (uvicorn on $HOST:$PORT, default 127.0.0.1:12015)
      uvicorn main:app --host 127.0.0.1 --port 12015
Run one process only: the data file admits one writer, a second process fails at start-up.
"""

import os
import socket

import uvicorn
from fastapi import FastAPI, HTTPException
from fastapi.responses import Response
from pydantic import BaseModel

import release_info
from duck_store import DuckStore

release_info.startup_check("duckdb-backend")

_HERE = os.path.dirname(os.path.abspath(__file__))

app = FastAPI(title="duckdb-compose backend")
store = None


def database_path():
    return os.environ.get("DATABASE_PATH") or os.path.join(os.environ.get("DATA_DIR") or os.path.join(_HERE, "data"), "app.db")


@app.on_event("startup")
def open_store():
    # Opening at start-up (not on first request) makes a locked file fail the boot, as DuckDB's connect() does.
    global store
    store = DuckStore(database_path())


@app.on_event("shutdown")
def close_store():
    if store is not None:
        store.close()


class NewItem(BaseModel):
    name: str


def _public_route_guard():
    if release_info.broken_mode() == "after-switch":
        raise HTTPException(status_code=500, detail="built with BROKEN=after-switch")


@app.get("/api/health")
def health():
    status, body = release_info.health_response()
    return Response(content=body, status_code=status, media_type="application/json")


@app.get("/api/info")
def info():
    return {
        "service": "duckdb-backend",
        "version": release_info.app_version(),
        "hostname": socket.gethostname(),
        "port": os.environ.get("PORT", ""),
        "color": os.environ.get("SLIPWAY_COLOR", ""),
        "pid": os.getpid(),
        "database": database_path(),
    }


@app.get("/api/items")
def list_items():
    _public_route_guard()
    return {"items": store.list_items()}


@app.post("/api/items", status_code=201)
def add_item(new_item: NewItem):
    _public_route_guard()
    name = new_item.name.strip()
    if not name:
        raise HTTPException(status_code=400, detail="name must be a non-empty string")
    return store.add_item(name)


@app.get("/api/items/{item_id}")
def get_item(item_id: int):
    _public_route_guard()
    item = store.get_item(item_id)
    if item is None:
        raise HTTPException(status_code=404, detail=f"no item with id {item_id}")
    return item


@app.delete("/api/items/{item_id}", status_code=204)
def delete_item(item_id: int):
    _public_route_guard()
    if not store.delete_item(item_id):
        raise HTTPException(status_code=404, detail=f"no item with id {item_id}")


if __name__ == "__main__":
    uvicorn.run(app, host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "12015")))
