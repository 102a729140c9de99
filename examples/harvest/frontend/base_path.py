"""WSGI middleware that mounts an app under a base path such as /harvest.

The prefix comes from the X-Script-Name request header (set by the reverse proxy) or else from env BASE_PATH.
It handles both proxy styles: nginx stripping the prefix (`proxy_pass http://up/;`) or passing it through.

Why not env SCRIPT_NAME: gunicorn itself reads SCRIPT_NAME and then fails every request whose path does not
contain it, including a health check sent straight to the port. BASE_PATH has no such side effect.
"""

import os


def normalize_prefix(raw):
    prefix = (raw or "").strip().rstrip("/")
    if prefix and not prefix.startswith("/"):
        prefix = "/" + prefix
    return prefix


class BasePathMiddleware:
    def __init__(self, wsgi_app, default_prefix=None):
        self.wsgi_app = wsgi_app
        self.default_prefix = normalize_prefix(os.environ.get("BASE_PATH") if default_prefix is None else default_prefix)

    def __call__(self, environ, start_response):
        prefix = normalize_prefix(environ.get("HTTP_X_SCRIPT_NAME")) or self.default_prefix
        if prefix:
            path = environ.get("PATH_INFO", "")
            if path == prefix or path.startswith(prefix + "/"):
                environ["PATH_INFO"] = path[len(prefix) :] or "/"
            environ["SCRIPT_NAME"] = prefix
        return self.wsgi_app(environ, start_response)
