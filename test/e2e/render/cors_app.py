"""An app that handles CORS itself, as Flask-CORS does in seed 001: it echoes the Origin with credentials and says
Vary: Origin, Cookie. nginx in front adds its own CORS headers; the browser must see each one once. Every other path
answers with the path it received (to tell the app from nginx's own pages)."""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"app": "cors_app", "path": self.path}).encode()
        self.send_response(200)
        origin = self.headers.get("Origin")
        if origin:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Access-Control-Allow-Credentials", "true")
        self.send_header("Vary", "Origin, Cookie")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
