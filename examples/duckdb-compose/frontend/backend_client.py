"""Calls the FastAPI backend (BACKEND_URL: http://127.0.0.1:12015 on one host, http://backend:12015 in compose)."""

import json
import os
import urllib.error
import urllib.request


class BackendError(RuntimeError):
    def __init__(self, message, status=502):
        super().__init__(message)
        self.status = status


def backend_url():
    return (os.environ.get("BACKEND_URL") or "http://127.0.0.1:12015").rstrip("/")


def call(method, path, payload=None, timeout=10):
    body = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(
        f"{backend_url()}{path}", data=body, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raise BackendError(f"backend answered {error.code} to {method} {path}", status=502) from error
    except (urllib.error.URLError, OSError) as error:
        raise BackendError(f"backend unreachable at {backend_url()}: {type(error).__name__}") from error
