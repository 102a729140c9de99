"""HARVEST frontend stand-in (seed 000 runs a Dash app on :8050; this plain Flask app plays it).

Run:  gunicorn harvest_fe:server      (bind/workers from gunicorn.conf.py and env)
      python3 harvest_fe.py
Serves / (HTML page + static/ assets, prefix-aware for /harvest/), /health and, in internal mode, /proxy/api/*.
"""

import os

from flask import Flask, jsonify, render_template, request

import backend_proxy
import release_info
from base_path import BasePathMiddleware

release_info.startup_check("harvest-frontend")

server = Flask(__name__)
server.wsgi_app = BasePathMiddleware(server.wsgi_app)
app = server  # gunicorn harvest_fe:app works too


def deployment_mode():
    mode = os.environ.get("DEPLOYMENT_MODE") or os.environ.get("HARVEST_DEPLOYMENT_MODE") or "internal"
    return mode if mode in ("internal", "nginx") else "internal"


def api_base_url():
    """Where the browser sends API calls: through this frontend (internal) or to the proxied backend (nginx)."""
    if deployment_mode() == "nginx":
        public = os.environ.get("BACKEND_PUBLIC_URL") or os.environ.get("HARVEST_BACKEND_PUBLIC_URL")
        return public.rstrip("/") if public else f"{request.script_root}/api"
    return f"{request.script_root}/proxy/api"


@server.get("/health")
def health():
    status, body = release_info.health_response()
    return body, status, {"Content-Type": "application/json"}


@server.get("/")
def index():
    if release_info.broken_mode() == "after-switch":
        return "built with BROKEN=after-switch\n", 500, {"Content-Type": "text/plain"}
    return render_template(
        "index.html",
        version=release_info.app_version(),
        api_base=api_base_url(),
        mode=deployment_mode(),
    )


@server.route("/proxy/api/<path:path>", methods=["GET", "POST"])
def proxy_api(path):
    if deployment_mode() != "internal":
        return jsonify(error="the /proxy/ routes exist only in internal mode"), 404
    status, headers, body = backend_proxy.forward(
        request.method,
        f"api/{path}",
        request.query_string.decode("latin-1"),
        request.get_data(),
        request.headers.get("Content-Type"),
    )
    return body, status, headers


@server.route("/echo-headers", methods=["GET", "POST"])
def echo_headers():
    """What the proxy forwarded to the frontend, and the base path the app derived from it."""
    return jsonify(
        method=request.method,
        path=request.path,
        script_root=request.script_root,
        headers={name: value for name, value in request.headers.items()},
    )


# Werkzeug answers 400 to a websocket handshake on a non-websocket rule; this rule accepts it.
server.add_url_rule("/echo-headers", endpoint="echo_headers_upgrade", view_func=echo_headers, methods=["GET"], websocket=True)


if __name__ == "__main__":
    server.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "8050")))
