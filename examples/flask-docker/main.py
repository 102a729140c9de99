"""flask-docker stand-in (seed 001): Flask + Flask-SQLAlchemy notes API, gunicorn on :8887 in Docker.

Run:  gunicorn main:app       (bind/workers from gunicorn.conf.py and env)
      python3 main.py
The SQLite database lives in the Flask instance/ directory (/app/instance in the image): mount a volume there.
"""

import os
import socket

from flask import Flask, jsonify, request

import release_info
from models import Note, create_tables, db

release_info.startup_check("flask-docker")


def create_app():
    # INSTANCE_PATH (absolute) moves instance/ for local runs; in the image it is /app/instance.
    flask_app = Flask(__name__, instance_path=os.environ.get("INSTANCE_PATH") or None)
    os.makedirs(flask_app.instance_path, exist_ok=True)
    # Relative sqlite URLs resolve inside instance/ with Flask-SQLAlchemy 3.
    flask_app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL") or "sqlite:///notes.db"
    flask_app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY") or "dev-only-not-secret"
    db.init_app(flask_app)
    create_tables(flask_app)
    return flask_app


app = create_app()


def _public_route_guard():
    if release_info.broken_mode() == "after-switch":
        return jsonify(error="built with BROKEN=after-switch"), 500
    return None


def _note_fields(body, partial):
    """Validated fields from a JSON body, or an error string."""
    fields = {}
    for name in ("title", "body"):
        if name in body:
            if not isinstance(body[name], str):
                return None, f"{name} must be a string"
            fields[name] = body[name]
    if not partial and not fields.get("title", "").strip():
        return None, "title must be a non-empty string"
    if "title" in fields and not fields["title"].strip():
        return None, "title must be a non-empty string"
    return fields, None


@app.get("/api/health")
def health():
    status, body = release_info.health_response()
    return body, status, {"Content-Type": "application/json"}


@app.get("/api/info")
def info():
    return jsonify(
        service="flask-docker",
        version=release_info.app_version(),
        hostname=socket.gethostname(),
        port=os.environ.get("PORT", ""),
        color=os.environ.get("SLIPWAY_COLOR", ""),
        pid=os.getpid(),
        instance_path=app.instance_path,
        # Whether the secret arrived (e.g. from the env file Slipway writes), never its value.
        secret_key_set=bool(os.environ.get("SECRET_KEY")),
    )


@app.get("/api/notes")
def list_notes():
    failure = _public_route_guard()
    if failure:
        return failure
    notes = db.session.execute(db.select(Note).order_by(Note.id)).scalars()
    return jsonify(notes=[note.to_dict() for note in notes])


@app.post("/api/notes")
def create_note():
    failure = _public_route_guard()
    if failure:
        return failure
    fields, error = _note_fields(request.get_json(silent=True) or {}, partial=False)
    if error:
        return jsonify(error=error), 400
    note = Note(**fields)
    db.session.add(note)
    db.session.commit()
    return jsonify(note.to_dict()), 201


@app.get("/api/notes/<int:note_id>")
def get_note(note_id):
    failure = _public_route_guard()
    if failure:
        return failure
    note = db.session.get(Note, note_id)
    if note is None:
        return jsonify(error=f"no note with id {note_id}"), 404
    return jsonify(note.to_dict())


@app.put("/api/notes/<int:note_id>")
def update_note(note_id):
    failure = _public_route_guard()
    if failure:
        return failure
    note = db.session.get(Note, note_id)
    if note is None:
        return jsonify(error=f"no note with id {note_id}"), 404
    fields, error = _note_fields(request.get_json(silent=True) or {}, partial=True)
    if error:
        return jsonify(error=error), 400
    for name, value in fields.items():
        setattr(note, name, value)
    db.session.commit()
    return jsonify(note.to_dict())


@app.delete("/api/notes/<int:note_id>")
def delete_note(note_id):
    failure = _public_route_guard()
    if failure:
        return failure
    note = db.session.get(Note, note_id)
    if note is None:
        return jsonify(error=f"no note with id {note_id}"), 404
    db.session.delete(note)
    db.session.commit()
    return "", 204


if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "8887")))
