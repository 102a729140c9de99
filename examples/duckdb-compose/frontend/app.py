"""duckdb-compose frontend stand-in (seed 003): Flask on :12016 rendering the backend's items.

Run:  gunicorn app:app        (bind/workers from gunicorn.conf.py and env)
      python3 app.py
"""

import os

from flask import Flask, redirect, render_template, request

import backend_client
import release_info

release_info.startup_check("duckdb-frontend")

app = Flask(__name__)


@app.get("/health")
def health():
    status, body = release_info.health_response()
    return body, status, {"Content-Type": "application/json"}


@app.get("/")
def index():
    if release_info.broken_mode() == "after-switch":
        return "built with BROKEN=after-switch\n", 500, {"Content-Type": "text/plain"}
    try:
        items = backend_client.call("GET", "/api/items")["items"]
        backend_version = backend_client.call("GET", "/api/health")["version"]
    except backend_client.BackendError as error:
        return render_template("index.html", version=release_info.app_version(), error=str(error), items=[]), error.status
    return render_template(
        "index.html", version=release_info.app_version(), backend_version=backend_version, items=items, error=None
    )


@app.post("/items")
def add_item():
    name = request.form.get("name", "").strip()
    if not name:
        return "name is required\n", 400, {"Content-Type": "text/plain"}
    try:
        backend_client.call("POST", "/api/items", {"name": name})
    except backend_client.BackendError as error:
        return f"{error}\n", error.status, {"Content-Type": "text/plain"}
    # Relative redirect, so it also works behind a proxy that mounts the app elsewhere.
    return redirect("./", code=303)


if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "12016")))
