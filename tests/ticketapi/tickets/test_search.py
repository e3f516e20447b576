"""The agents' ticket search (`q` on the ticket list), in the database."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, event, text

from tests.support.world import ANONYMOUS
from ticketapi.extensions import db
from ticketapi.people.models import User
from ticketapi.tickets import search
from ticketapi.tickets import services as tickets
from ticketapi.tickets.search_query import MAX_TERMS, parse


def open_ticket(world, who=ANONYMOUS, **values) -> dict:
    body = {
        "name": "Ann Lee",
        "email": "ann@users.example",
        "subject": "Something else",
        "message": "Nothing to see.",
        **values,
    }
    response = world.post("/api/v1/tickets", who, json=body)
    assert response.status_code == 201, response.json
    return response.json


def found(world, who, q: str, extra: str = "") -> list[int]:
    response = world.get(f"/api/v1/tickets?q={quote(q)}{extra}", who)
    assert response.status_code == 200, response.json
    return [t["id"] for t in response.json["items"]]


def post(world, who, ticket_id: int, body: str, *, note: bool = False) -> None:
    response = world.post(
        f"/api/v1/tickets/{ticket_id}/messages", who, json={"body": body, "note": note}
    )
    assert response.status_code == 201, response.json


def change(world, who, ticket_id: int, **changes) -> None:
    version = world.get(f"/api/v1/tickets/{ticket_id}", who).json["version"]
    response = world.patch(
        f"/api/v1/tickets/{ticket_id}", who, json={**changes, "version": version}
    )
    assert response.status_code == 200, response.json


@pytest.fixture
def desk(world):
    """Three tickets from two people, and an admin who sees them all."""
    admin = world.admin()
    backup = open_ticket(
        world,
        subject="Nightly backups fail",
        message="The backup job stops with error 0x80070005 since Tuesday.",
    )["id"]
    restore = open_ticket(
        world,
        name="Bo Quinn",
        email="bo.quinn@harbour.example",
        subject="Cannot restore a deleted folder",
        message="We deleted “Patient letters” by mistake; the restore wizard hangs.",
    )["id"]
    printer = open_ticket(world, subject="Printer offline", message="Paper jams in tray 2.")["id"]
    return admin, backup, restore, printer


def test_finds_words_of_the_subject_messages_and_requester(world, desk):
    admin, backup, restore, printer = desk
    assert found(world, admin, "backups fail") == [backup]
    assert found(world, admin, "wizard hangs") == [restore]
    assert found(world, admin, "tray") == [printer]
    assert found(world, admin, "bo.quinn@harbour.example") == [restore]
    assert found(world, admin, "Quinn") == [restore]
    assert found(world, admin, "harbour") == [restore]
    assert found(world, admin, "0x80070005") == [backup]
    # Every word must match, wherever it is: the subject, the message, the requester.
    assert found(world, admin, "folder wizard quinn") == [restore]
    assert found(world, admin, "backup wizard") == []


def test_stems_and_prefixes(world, desk):
    admin, backup, restore, _printer = desk
    assert found(world, admin, "backup") == [backup]  # "backups" in the subject
    assert found(world, admin, "stopping jobs") == [backup]  # "stops", "job"
    assert found(world, admin, "restoring") == [restore]
    assert found(world, admin, "resto") == [restore]  # typed so far: a prefix
    assert found(world, admin, "resto ") == []  # a finished word is a whole word
    assert found(world, admin, "resto* folder") == [restore]  # unless it says otherwise
    assert found(world, admin, "patient lett") == [restore]
    assert found(world, admin, '"letters patient"') == []  # a quoted phrase keeps its order
    assert found(world, admin, '"patient letters"') == [restore]


def test_an_exact_ref_comes_first(world, desk):
    admin, backup, restore, _printer = desk
    ref = world.get(f"/api/v1/tickets/{restore}", admin).json["ref"]
    post(world, admin, backup, f"Looks like the same cause as {ref}.")
    assert found(world, admin, ref) == [restore, backup]
    assert found(world, admin, ref.lower()) == [restore, backup]
    assert found(world, admin, f"[#{ref}]") == [restore, backup]
    # An explicit order wins over relevance.
    assert found(world, admin, ref, "&order=created_at") == [backup, restore]


def test_ranks_by_relevance_unless_an_order_is_asked(world):
    admin = world.admin()
    mention = open_ticket(world, subject="Question", message="Also, the kayak is scratched.")
    about = open_ticket(world, subject="Kayak leaks", message="The kayak leaks at the stern.")
    assert found(world, admin, "kayak") == [about["id"], mention["id"]]
    assert found(world, admin, "kayak", "&order=created_at") == [mention["id"], about["id"]]
    assert found(world, admin, "kayak", "&order=relevance") == [about["id"], mention["id"]]


def test_notes_are_found_by_agents_not_by_the_requester(world):
    admin = world.admin()
    ann = world.user("Ann Lee", email="ann@users.example")
    ticket = open_ticket(world, ann, subject="Refund please", message="I was charged twice.")["id"]
    post(world, admin, ticket, "Vendor escalation: ask Contoso billing.", note=True)
    post(world, admin, ticket, "We are looking into the charge.")
    assert found(world, admin, "contoso") == [ticket]
    assert found(world, ann, "contoso") == []
    assert found(world, ann, "escalat") == []  # not as a prefix either
    assert found(world, ann, "refund contoso") == []  # nor as one word among others
    assert found(world, ann, "looking charge") == [ticket]  # the public reply is hers to find
    assert found(world, ann, "twice") == [ticket]


def test_search_never_widens_what_an_actor_sees(world):
    ann = world.user("Ann Lee", email="ann@users.example")
    bo = world.user("Bo Quinn", email="bo@users.example")
    team = world.team("Billing")
    sam = world.agent("Sam", permissions=["tickets.reply"])
    anns = open_ticket(world, ann, subject="Invoice wrong", message="Invoice 42 is wrong.")["id"]
    bos = open_ticket(world, bo, subject="Invoice missing", message="No invoice this month.")["id"]
    admin = world.admin()
    change(world, admin, bos, team_id=team.id)
    assert found(world, ann, "invoice") == [anns]
    assert found(world, bo, "invoice") == [bos]
    assert found(world, ann, "missing") == []
    assert found(world, sam, "invoice") == [anns]  # Bo's is with a team Sam is not in
    assert sorted(found(world, admin, "invoice")) == sorted([anns, bos])
    bos_ref = world.get(f"/api/v1/tickets/{bos}", admin).json["ref"]
    assert found(world, ann, bos_ref) == []  # an exact ref is no way in either


def test_the_index_follows_replies_subject_changes_and_renames(world, desk):
    admin, backup, restore, _printer = desk
    post(world, admin, backup, "Please send the log from the NAS.")
    assert found(world, admin, "nas log") == [backup]
    change(world, admin, backup, subject="Tape drive")
    assert found(world, admin, "tape") == [backup]
    assert found(world, admin, "nightly") == []
    assert found(world, admin, "0x80070005 nas") == [backup]  # the messages stay
    bo = db.session.scalar(db.select(User).where(User.email == "bo.quinn@harbour.example"))
    response = world.patch(f"/api/v1/users/{bo.id}", admin, json={"name": "Bo Marsh"})
    assert response.status_code == 200, response.json
    assert found(world, admin, "marsh") == [restore]
    assert found(world, admin, "quinn") == [restore]  # still in the email address
    assert found(world, admin, "bo marsh wizard") == [restore]


def test_merge_moves_the_words_to_the_survivor(world, desk):
    admin, backup, restore, _printer = desk
    response = world.post(f"/api/v1/tickets/{restore}/merge", admin, json={"into_id": backup})
    assert response.status_code == 200, response.json
    assert found(world, admin, "wizard") == [backup]
    assert found(world, admin, "wizard", "&include_merged=true") == [backup]
    # The duplicate keeps its own subject and requester: found by them with include_merged.
    assert found(world, admin, "deleted folder", "&include_merged=true") == [restore]


def test_deleting_a_ticket_removes_its_entry(world, desk):
    admin, _backup, restore, _printer = desk
    assert world.delete(f"/api/v1/tickets/{restore}", admin).status_code == 204
    assert found(world, admin, "wizard") == []
    assert restore not in index_ids()


def index_ids() -> list[int]:
    key = "rowid" if db.engine.dialect.name == "sqlite" else "ticket_id"
    return sorted(db.session.scalars(text(f"SELECT {key} FROM ticket_search")))


# Each is a search; True: the restore ticket is among the results, since the operator is
# a plain character and the word still counts; None: whatever the words find (an operator
# word such as AND must be in the ticket on SQLite, and is too common to index on PostgreSQL).
BAD_INPUT = [
    ('"', False),
    ('"restore', True),
    ("restore\"'", True),
    ("*", False),
    ("resto*", True),
    ("AND", None),
    ("restore AND", None),
    ("OR NOT", None),
    ("NEAR(restore folder)", None),
    ("NEAR", False),
    (":", False),
    ("subject:restore", None),
    ("{subject}:restore", None),
    ("-restore", True),
    ("- -", False),
    ("(", False),
    ("restore)", True),
    ("((restore", True),
    ("^restore", True),
    ("restore & | ! <->", True),
    ("restore:*", True),
    ("\\", False),
    ("'; DROP TABLE tickets; --", False),
    ("%_", False),
    ("ß İ ﬁ 😀", False),
    ("x" * 1000, False),
    ("restore " * 125, True),
    ("wizard " + "y" * 990, True),
    (".,;:!?", False),
]


@pytest.mark.parametrize(("q", "finds_restore"), BAD_INPUT)
def test_any_input_is_a_search_not_an_error(world, desk, q, finds_restore):
    admin, _backup, restore, _printer = desk
    ids = found(world, admin, q)
    if finds_restore is not None:
        assert (restore in ids) is finds_restore


@pytest.mark.parametrize("q", ["*", ".,;:!?", "-", '""', "( )"])
def test_a_search_without_a_word_finds_nothing(world, desk, q):
    admin, *_ = desk
    assert found(world, admin, q) == []


def test_a_blank_search_is_no_filter(world, desk):
    admin, *ids = desk
    assert sorted(found(world, admin, "   ")) == sorted(ids)


def test_parse_turns_typing_into_terms():
    assert [(t.words, t.prefix) for t in parse('ann@example.com "reset pass')] == [
        (("ann", "example", "com"), False),
        (("reset", "pass"), True),
    ]
    assert [t.prefix for t in parse("restore fo")] == [False, False]  # too short to guess
    assert [t.prefix for t in parse("fold* restore ")] == [True, False]
    assert len(parse(" ".join(f"w{n}" for n in range(100)))) == MAX_TERMS


def test_opening_a_ticket_indexes_it_with_one_insert(world):
    ann = world.user("Ann Lee")
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    from ticketapi.people.services import user_actor
    from ticketapi.timeutil import utcnow

    actor = user_actor(db.session.get(User, ann.id))
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        tickets.open_ticket(actor, {"subject": "Kayak", "message": "Leaks"}, now=utcnow())
        db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    touching = [s.split()[0] for s in statements if "ticket_search" in s]
    assert touching == ["INSERT"]


def test_rebuild_restores_a_lost_index_and_drops_strays(world, desk):
    admin, backup, restore, printer = desk
    db.session.execute(text("DELETE FROM ticket_search"))
    db.session.commit()
    assert found(world, admin, "wizard") == []
    summary = search.rebuild()
    assert (summary.tickets, summary.messages, summary.removed) == (3, 3, 0)
    assert found(world, admin, "wizard") == [restore]
    assert index_ids() == sorted([backup, restore, printer])


def test_replying_to_a_ticket_missing_from_the_index_builds_its_entry(world, desk):
    admin, backup, *_ = desk
    key = "rowid" if db.engine.dialect.name == "sqlite" else "ticket_id"
    db.session.execute(text(f"DELETE FROM ticket_search WHERE {key} = {backup}"))
    db.session.commit()
    post(world, admin, backup, "Any news on the NAS?")
    assert found(world, admin, "0x80070005 nas") == [backup]


def test_upgrading_fills_an_empty_index(world, desk):
    admin, _backup, restore, _printer = desk
    from ticketapi.cli import upgrade_database

    db.session.execute(text("DELETE FROM ticket_search"))
    db.session.commit()
    upgrade_database()
    assert found(world, admin, "wizard") == [restore]


def test_create_all_builds_the_index_as_the_migration_does(app):
    # Benches and a few tests build the schema with db.create_all(): it must make the same
    # search table as the migration, on whichever database the suite runs.
    if db.engine.dialect.name == "sqlite":
        migrated, created = _sqlite_index_definitions()
    else:
        migrated, created = _postgresql_index_definitions()
    assert migrated == created


def _sqlite_index_definitions() -> tuple[str, str]:
    scratch = create_engine("sqlite://")
    db.metadata.create_all(scratch)
    statement = "SELECT sql FROM sqlite_master WHERE name = 'ticket_search'"
    with scratch.connect() as connection:
        created = connection.scalar(text(statement))
    db.metadata.drop_all(scratch)
    with scratch.connect() as connection:
        assert connection.scalar(text(statement)) is None
    scratch.dispose()
    return db.session.scalar(text(statement)), created.replace(" IF NOT EXISTS", "")


def _postgresql_index_definitions() -> tuple[list, list]:
    def describe(connection, schema: str) -> list:
        columns = connection.execute(
            text(
                "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                "WHERE table_schema = :schema AND table_name = 'ticket_search' "
                "ORDER BY ordinal_position"
            ),
            {"schema": schema},
        ).all()
        indexes = connection.execute(
            text(
                "SELECT replace(indexdef, :schema || '.', '') FROM pg_indexes "
                "WHERE schemaname = :schema AND tablename = 'ticket_search' ORDER BY indexname"
            ),
            {"schema": schema},
        ).all()
        return [*map(tuple, columns), *map(tuple, indexes)]

    db.session.commit()
    with db.engine.connect() as connection:
        migrated = describe(connection, "public")
        connection.execute(text("DROP SCHEMA IF EXISTS create_all_check CASCADE"))
        connection.execute(text("CREATE SCHEMA create_all_check"))
        connection.execute(text("SET search_path TO create_all_check"))
        db.metadata.create_all(connection)
        created = describe(connection, "create_all_check")
        connection.execute(text("SET search_path TO public"))
        connection.execute(text("DROP SCHEMA create_all_check CASCADE"))
        connection.commit()
    assert migrated, "the migrated database has no search table"
    return migrated, created
