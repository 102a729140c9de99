"""Internal mode of seed 000: the browser talks only to the frontend, which relays /proxy/api/* to the backend."""

import os
import urllib.error
import urllib.request

# Hop-by-hop and length headers are recomputed by the WSGI server, never copied through.
_SKIPPED_RESPONSE_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


def backend_url():
    return (os.environ.get("BACKEND_URL") or "http://127.0.0.1:5001").rstrip("/")


def forward(method, path, query, body, content_type, timeout=30):
    """Returns (status, headers, body). A backend that cannot be reached becomes a 502."""
    url = f"{backend_url()}/{path.lstrip('/')}"
    if query:
        url = f"{url}?{query}"
    headers = {"Content-Type": content_type} if content_type else {}
    request = urllib.request.Request(url, data=body if body else None, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, _kept_headers(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _kept_headers(error.headers.items()), error.read()
    except (urllib.error.URLError, OSError) as error:
        message = f'{{"error": "backend unreachable at {backend_url()}: {type(error).__name__}"}}'
        return 502, [("Content-Type", "application/json")], message.encode()


def _kept_headers(items):
    return [(name, value) for name, value in items if name.lower() not in _SKIPPED_RESPONSE_HEADERS]
