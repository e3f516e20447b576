"""The baseline for bench/api.py's creation figures: a minimal Flask + Flask-SQLAlchemy app.

One model, one route: `POST /api/v1/tickets` reads the same JSON body the helpdesk's route
gets, inserts one row and commits, and answers 201 with the row's id. No validation, no
authentication, no history, no search index, no SLA: what any Flask app that stores a POST
pays. SQLite is set up as the helpdesk sets it up (WAL, synchronous=NORMAL, a 30 s busy
timeout), so the difference between the two is the helpdesk's own work, not the journal.

bench/api.py serves it with the same gunicorn settings and loads it with the same client in
the same run as the helpdesk, and prints the helpdesk's rate as a share of this one's.

    gunicorn "bench.api_minimal:create_app()"   # BENCH_MINIMAL_DATABASE=/path/to/file.db
"""

from __future__ import annotations

import os
from datetime import datetime

from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, Text, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Ticket(db.Model):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


def create_app() -> Flask:
    app = Flask(__name__)
    path = os.environ.get("BENCH_MINIMAL_DATABASE", "minimal.db")
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{os.path.abspath(path)}"
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    db.init_app(app)
    with app.app_context():

        @event.listens_for(db.engine, "connect")
        def tune(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        db.create_all()

    @app.post("/api/v1/tickets")
    def open_ticket():
        body = request.get_json()
        ticket = Ticket(
            subject=body["subject"],
            message=body["message"],
            email=body["email"],
            name=body["name"],
            created_at=datetime.now(),
        )
        db.session.add(ticket)
        db.session.commit()
        return {"id": ticket.id, "status": "awaiting_agent"}, 201

    @app.get("/api/v1/tickets")
    def ready():
        return {"items": [], "total": db.session.query(Ticket).count()}

    return app
