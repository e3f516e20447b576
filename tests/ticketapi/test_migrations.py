"""The migrations build exactly the schema the models describe, and run both ways."""

from __future__ import annotations

import flask_migrate
from sqlalchemy import inspect, text

from ticketapi.cli import MIGRATIONS, database_is_current, upgrade_database
from ticketapi.extensions import db
from ticketapi.tickets.search import INDEX_TABLE, is_index_table


def all_table_names() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def table_names() -> set[str]:
    """The tables of the models: the search index is made by hand, outside them."""
    return {name for name in all_table_names() if not is_index_table(name)}


def test_models_and_migrations_agree(app):
    # `flask db check` exits non-zero when autogenerate would write a new migration.
    flask_migrate.check(directory=str(MIGRATIONS))


def test_every_model_table_is_created_by_the_migrations():
    assert table_names() == set(db.metadata.tables)


def test_downgrade_to_nothing_and_up_again():
    db.session.commit()
    db.session.remove()
    assert database_is_current()
    flask_migrate.downgrade(directory=str(MIGRATIONS), revision="base")
    assert all_table_names() == set()
    # `helpdesk serve` on a shared database refuses to start on this (it would race).
    assert not database_is_current()
    upgrade_database()
    assert table_names() == set(db.metadata.tables)
    assert INDEX_TABLE in all_table_names()
    assert database_is_current()


def test_stored_attachment_types_are_cut_to_the_allow_list(world):
    """Rows stored under the old blocklist say octet-stream after the upgrade (issue #12)."""
    ann = world.user("Ann")
    db.session.commit()
    db.session.remove()
    flask_migrate.downgrade(directory=str(MIGRATIONS), revision="9c4e7a2b5d18")
    with db.engine.begin() as connection:
        for n, content_type in enumerate(["text/ecmascript", "image/png", "text/xsl"]):
            connection.execute(
                text(
                    "INSERT INTO attachments (uploader_type, uploader_id, filename, "
                    "content_type, size, sha256, created_at) VALUES ('user', :user, :name, "
                    ":type, 1, :sha, CURRENT_TIMESTAMP)"
                ),
                {"user": ann.id, "name": f"f{n}", "type": content_type, "sha": f"{n:064x}"},
            )
    upgrade_database()
    with db.engine.connect() as connection:
        stored = connection.scalars(
            text("SELECT content_type FROM attachments ORDER BY filename")
        ).all()
    assert stored == ["application/octet-stream", "image/png", "application/octet-stream"]
