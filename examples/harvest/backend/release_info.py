"""Which release is running, and whether it was built broken on purpose.

Every example service carries an identical copy of this file (each service
directory is its own Docker build context, so it cannot import a shared one).

Version: env APP_VERSION, else the first line of a VERSION file next to this
module, else "dev".

Broken mode: env BROKEN, else the first line of a BROKEN file next to this
module (written by `docker build --build-arg BROKEN=...`, or dropped into a
systemd release directory). Values:
  unhealthy     the health endpoint answers 503 forever
  after-switch  health answers 200, the public route answers 500
  crash         the process exits at start-up (nothing listens)
  hang          the health endpoint accepts the connection and never answers
                (the request sleeps for an hour)
"""

import json
import os
import time

BROKEN_MODES = ("unhealthy", "after-switch", "crash", "hang")
HANG_SECONDS = 3600
_HERE = os.path.dirname(os.path.abspath(__file__))


def _first_line(filename):
    try:
        with open(os.path.join(_HERE, filename), encoding="utf-8") as handle:
            return handle.readline().strip()
    except OSError:
        return ""


def app_version():
    return os.environ.get("APP_VERSION", "").strip() or _first_line("VERSION") or "dev"


def broken_mode():
    return os.environ.get("BROKEN", "").strip() or _first_line("BROKEN")


class BrokenBuildError(RuntimeError):
    pass


def startup_check(service):
    """Called at import time, so the server fails to boot the way an app with a bad import does.

    An exception, not sys.exit: gunicorn treats an exception while loading the app as a boot error and stops
    (exit 3, "Worker failed to boot"), while a SystemExit only makes it respawn the worker forever.
    """
    mode = broken_mode()
    if mode and mode not in BROKEN_MODES:
        # A typo must not silently ship a healthy app when a broken one was asked for.
        raise BrokenBuildError(f"{service}: unknown BROKEN mode {mode!r}; expected one of {', '.join(BROKEN_MODES)}")
    if mode == "crash":
        raise BrokenBuildError(f"{service}: built with BROKEN=crash, refusing to start")


def health_response():
    """(HTTP status, JSON body) for a health route: 200 {"status": "ok", "version": ...}, 503 when built unhealthy.

    The body uses json.dumps' default separators ("status": "ok", with a space), the form the example slipway.yml
    files' expected_body matches; Flask's and FastAPI's own encoders would write it compact ("status":"ok").
    """
    version = app_version()
    if broken_mode() == "hang":
        # A health check that hangs (a deadlocked worker, a stuck database call): only the caller's timeout ends it.
        time.sleep(HANG_SECONDS)
    if broken_mode() == "unhealthy":
        return 503, json.dumps({"status": "unhealthy", "version": version})
    return 200, json.dumps({"status": "ok", "version": version})
