"""A tiny WSGI app for the render e2e tests: answers every path with what it received, so a test can see which path,
headers and method reached the app through nginx. "/" serves an HTML page whose asset URL is built from
X-Script-Name, like Dash behind a subpath. Plain WSGI rather than Flask: Flask reserves /static/ and routes requests
carrying `Upgrade: websocket` only to websocket rules, and this app must echo both."""
import json
import os


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    script = environ.get("HTTP_X_SCRIPT_NAME", "")
    if path == "/":
        return reply(start_response, "text/html", f'<html><script src="{script}/assets/app.js"></script></html>')
    if path == "/assets/app.js":
        return reply(start_response, "application/javascript", "console.log('asset');")
    if path == "/env":
        body = {
            "tricky": os.environ.get("E2E_TRICKY"),
            "tricky_file": os.environ.get("E2E_TRICKY_FILE"),
            "port": os.environ.get("PORT"),
        }
    else:
        body = {
            "path": path,
            "method": environ.get("REQUEST_METHOD"),
            "script_name": script,
            "upgrade": environ.get("HTTP_UPGRADE"),
            "connection": environ.get("HTTP_CONNECTION"),
        }
    return reply(start_response, "application/json", json.dumps(body))


def reply(start_response, content_type, text):
    data = text.encode()
    start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(data)))])
    return [data]
