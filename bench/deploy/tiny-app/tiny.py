"""A web app that boots in ~0 CPU: /health answers {"status": "ok", "version": APP_VERSION} (503 when BROKEN=unhealthy),
/ answers a page (500 when BROKEN=after-switch). SIGTERM exits at once, as a well-behaved app does."""
import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERSION = os.environ.get("APP_VERSION", "").strip() or "dev"
BROKEN = os.environ.get("BROKEN", "").strip()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path.split("?")[0] == "/health":
            status = 503 if BROKEN == "unhealthy" else 200
            body = json.dumps({"status": "ok" if status == 200 else "unhealthy", "version": VERSION})
            kind = "application/json"
        elif BROKEN == "after-switch":
            status, body, kind = 500, "built with BROKEN=after-switch\n", "text/plain"
        else:
            status, body, kind = 200, f"<html><body>tiny app {VERSION}</body></html>\n", "text/html"
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8050"))), Handler).serve_forever()
