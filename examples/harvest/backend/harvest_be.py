"""HARVEST backend stand-in (seed 000): Flask JSON API on :5001 backed by a SQLite file.

Run:  gunicorn harvest_be:app         (bind/workers from gunicorn.conf.py and env)
      python3 harvest_be.py           (Flask development server)
"""

import os
import socket
import time

from flask import Flask, g, jsonify, request

import harvest_db
import release_info

release_info.startup_check("harvest-backend")

MAX_SLOW_SECONDS = 120

app = Flask(__name__)


def _db():
    if "db" not in g:
        g.db = harvest_db.connect()
    return g.db


@app.teardown_appcontext
def _close_db(_error):
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


def _public_route_guard():
    """In BROKEN=after-switch builds every data route fails, while health stays green."""
    if release_info.broken_mode() == "after-switch":
        return jsonify(error="built with BROKEN=after-switch"), 500
    return None


@app.get("/api/health")
def health():
    status, body = release_info.health_response()
    return body, status, {"Content-Type": "application/json"}


@app.get("/api/info")
def info():
    """Which instance answered: lets tests tell blue from green and load-balanced instances apart."""
    return jsonify(
        service="harvest-backend",
        version=release_info.app_version(),
        hostname=socket.gethostname(),
        port=os.environ.get("PORT", ""),
        color=os.environ.get("SLIPWAY_COLOR", ""),
        pid=os.getpid(),
        database=harvest_db.database_path(),
    )


@app.get("/api/harvests")
def list_harvests():
    failure = _public_route_guard()
    if failure:
        return failure
    return jsonify(harvests=harvest_db.list_harvests(_db()))


@app.post("/api/harvests")
def add_harvest():
    failure = _public_route_guard()
    if failure:
        return failure
    body = request.get_json(silent=True) or {}
    crop = body.get("crop")
    kg = body.get("kg")
    if not isinstance(crop, str) or not crop.strip():
        return jsonify(error="crop must be a non-empty string"), 400
    if isinstance(kg, bool) or not isinstance(kg, (int, float)) or kg < 0:
        return jsonify(error="kg must be a non-negative number"), 400
    return jsonify(harvest_db.add_harvest(_db(), crop.strip(), float(kg))), 201


@app.get("/api/harvests/<int:harvest_id>")
def get_harvest(harvest_id):
    failure = _public_route_guard()
    if failure:
        return failure
    harvest = harvest_db.get_harvest(_db(), harvest_id)
    if harvest is None:
        return jsonify(error=f"no harvest with id {harvest_id}"), 404
    return jsonify(harvest)


@app.get("/api/stats")
def stats():
    failure = _public_route_guard()
    if failure:
        return failure
    return jsonify(count=harvest_db.count_harvests(_db()), version=release_info.app_version())


@app.route("/api/echo-headers", methods=["GET", "POST", "OPTIONS"])
def echo_headers():
    """Shows what the proxy forwarded (Upgrade, Connection, X-Forwarded-*, X-Script-Name)."""
    return jsonify(
        method=request.method,
        path=request.path,
        query=request.query_string.decode("latin-1"),
        headers={name: value for name, value in request.headers.items()},
    )


# Werkzeug answers 400 to a websocket handshake on a non-websocket rule, so the same view is also
# registered as a websocket rule: a proxy test sending Upgrade/Connection headers then gets the echo.
app.add_url_rule(
    "/api/echo-headers", endpoint="echo_headers_upgrade", view_func=echo_headers, methods=["GET"], websocket=True
)


@app.post("/api/upload")
def upload():
    """Counts the body so tests can check the proxy's client_max_body_size."""
    size = 0
    while True:
        chunk = request.stream.read(65536)
        if not chunk:
            break
        size += len(chunk)
    return jsonify(bytes=size)


@app.get("/api/slow")
def slow():
    """Answers after ?seconds=N (at most 120): for proxy timeouts and in-flight requests during a switch."""
    try:
        seconds = float(request.args.get("seconds", "1"))
    except ValueError:
        return jsonify(error="seconds must be a number"), 400
    seconds = max(0.0, min(seconds, MAX_SLOW_SECONDS))
    time.sleep(seconds)
    return jsonify(slept=seconds, version=release_info.app_version())


if __name__ == "__main__":
    port = int(os.environ.get("PORT") or os.environ.get("HARVEST_PORT") or "5001")
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=port)
