# Read by gunicorn from the working directory. Command-line flags still win (e.g. a unit's --bind).
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8887')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Long enough for /api/slow and for the guide's 120 s proxy timeouts.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "130"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
accesslog = "-"
errorlog = "-"
