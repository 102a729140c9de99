"""A tiny Flask app for the render e2e tests: answers every path with what it received, so a test can see which
path, headers and method reached the app through nginx. "/" serves an HTML page whose asset URL is built from
X-Script-Name, like Dash behind a subpath."""
import os

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"])
@app.route("/<path:path>", methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"])
def echo(path):
    script = request.headers.get("X-Script-Name", "")
    if path == "":
        return f'<html><script src="{script}/assets/app.js"></script></html>'
    if path == "env":
        return jsonify(tricky=os.environ.get("E2E_TRICKY"), port=os.environ.get("PORT"))
    if path == "assets/app.js":
        return "console.log('asset');", 200, {"Content-Type": "application/javascript"}
    return jsonify(
        path="/" + path,
        method=request.method,
        script_name=script,
        upgrade=request.headers.get("Upgrade"),
        connection=request.headers.get("Connection"),
    )
