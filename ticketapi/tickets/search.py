"""The agents' ticket search: an index in the database, kept in step by the ticket services.

One entry per ticket. SQLite keeps it in an FTS5 table (porter stemming), PostgreSQL in a
weighted `tsvector` (the `english` configuration) with a GIN index. Four kinds of text stay
apart, so a user's search can leave internal notes out:

    text                          SQLite column   PostgreSQL weight
    ref and subject               subject         A
    requester's name and email    requester       B
    public messages               public_text     C
    internal notes                note_text       D

The index subscribes to the ticket services' events (tickets/events.py: opened, changed,
message posted, messages moved by a merge, deleted) and to a requester's new name or address
(people/events.py), and is written inside their transaction, so it changes with the ticket
or not at all. No database triggers: opening
a ticket writes its entry from what is in memory, without a SELECT.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    event,
    func,
    select,
    text,
)

from ticketapi.core.transactions import commit
from ticketapi.extensions import db
from ticketapi.people.models import User
from ticketapi.tickets.events import Change
from ticketapi.tickets.models import Message, Ticket

INDEX_TABLE = "ticket_search"
# Messages past this many characters of a ticket are not indexed: it bounds each reply's
# index update, and keeps PostgreSQL's tsvector far below its 1 MB limit.
MAX_INDEXED_CHARS = 200_000
BATCH = 1_000
PROGRESS_EVERY = 10_000

SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS ticket_search USING fts5("
    "subject, requester, public_text, note_text, "
    "tokenize = 'porter unicode61 remove_diacritics 2', prefix = '3')",
)
POSTGRESQL_DDL = (
    "CREATE TABLE IF NOT EXISTS ticket_search ("
    "ticket_id INTEGER NOT NULL, document TSVECTOR NOT NULL, indexed_chars INTEGER NOT NULL, "
    "CONSTRAINT pk_ticket_search PRIMARY KEY (ticket_id), "
    "CONSTRAINT fk_ticket_search_ticket_id_tickets FOREIGN KEY (ticket_id) "
    "REFERENCES tickets (id) ON DELETE CASCADE)",
    "CREATE INDEX IF NOT EXISTS ix_ticket_search_document ON ticket_search USING gin (document)",
)

# SQLite column order; bm25 weighs a word in the subject four times one in a message.

NOT_A_WORD = re.compile(r"[\W_]+")


def is_index_table(name: str) -> bool:
    """Whether a table belongs to the search index (FTS5 keeps shadow tables beside it)."""
    return name == INDEX_TABLE or name.startswith(INDEX_TABLE + "_")


@event.listens_for(db.metadata, "after_create")
def _create_with_the_models(_metadata, connection, **_kw) -> None:
    # `db.create_all()` (benches, scratch databases) builds the index as the migration does.
    for statement in SQLITE_DDL if connection.dialect.name == "sqlite" else POSTGRESQL_DDL:
        connection.exec_driver_sql(statement)


@event.listens_for(db.metadata, "before_drop")
def _drop_with_the_models(_metadata, connection, **_kw) -> None:
    connection.exec_driver_sql("DROP TABLE IF EXISTS ticket_search")


def on_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


# Documents --------------------------------------------------------------------------------


def words_only(value: str) -> str:
    """The text with everything but letters and digits turned into single spaces.

    Both engines then see the same words: PostgreSQL's parser would otherwise keep
    `ann@example.com` or `example.com/x` as one token that no typed word matches.
    """
    return NOT_A_WORD.sub(" ", value).strip()


@dataclass
class Document:
    ticket_id: int
    head: str
    requester: str
    public_text: str = ""
    note_text: str = ""
    chars: int = 0  # message characters indexed, up to MAX_INDEXED_CHARS

    def add(self, body: str, *, note: bool) -> None:
        piece = (" " + words_only(body))[: MAX_INDEXED_CHARS - self.chars]
        if note:
            self.note_text += piece
        else:
            self.public_text += piece
        self.chars += len(piece)

    def params(self) -> dict:
        return {
            "ticket_id": self.ticket_id,
            "head": self.head,
            "requester": self.requester,
            "public_text": self.public_text,
            "note_text": self.note_text,
            "chars": self.chars,
        }


def _document(ticket_id: int, ref: str, subject: str, name: str, email: str) -> Document:
    return Document(ticket_id, words_only(f"{ref} {subject}"), words_only(f"{name} {email}"))


def _ticket_document(ticket: Ticket) -> Document:
    return _document(ticket.id, ticket.ref, ticket.subject, ticket.user.name, ticket.user.email)


SQLITE_UPSERT = text(
    "INSERT OR REPLACE INTO ticket_search (rowid, subject, requester, public_text, note_text) "
    "VALUES (:ticket_id, :head, :requester, :public_text, :note_text)"
)
POSTGRESQL_UPSERT = text(
    "INSERT INTO ticket_search (ticket_id, document, indexed_chars) VALUES (:ticket_id, "
    "setweight(to_tsvector('english', :head), 'A') "
    "|| setweight(to_tsvector('english', :requester), 'B') "
    "|| setweight(to_tsvector('english', :public_text), 'C') "
    "|| setweight(to_tsvector('english', :note_text), 'D'), :chars) "
    "ON CONFLICT (ticket_id) DO UPDATE "
    "SET document = excluded.document, indexed_chars = excluded.indexed_chars"
)


def _write(documents: list[Document]) -> None:
    if documents:
        upsert = SQLITE_UPSERT if on_sqlite() else POSTGRESQL_UPSERT
        db.session.execute(upsert, [d.params() for d in documents])


# Keeping it in step (the subscribers below, and the bench) ----------------------------------------


def ticket_opened(ticket: Ticket, message: Message) -> None:
    """Index a new ticket and its first message from memory: one INSERT, no SELECT."""
    document = _ticket_document(ticket)
    document.add(message.body, note=message.note)
    _write([document])


def _append(column: str, weight: str) -> tuple[str, str]:
    sqlite = (
        f"UPDATE ticket_search SET {column} = {column} || substr(:piece, 1, "
        ":cap - length(public_text) - length(note_text)) "
        "WHERE rowid = :ticket_id AND length(public_text) + length(note_text) < :cap"
    )
    postgresql = (
        "UPDATE ticket_search SET document = document || setweight(to_tsvector('english', "
        f"left(:piece, :cap - indexed_chars)), '{weight}'), "
        "indexed_chars = indexed_chars + length(left(:piece, :cap - indexed_chars)) "
        "WHERE ticket_id = :ticket_id AND indexed_chars < :cap"
    )
    return sqlite, postgresql


APPEND = {
    note: tuple(map(text, _append(column, weight)))
    for note, column, weight in ((False, "public_text", "C"), (True, "note_text", "D"))
}
SQLITE_HAS = text("SELECT 1 FROM ticket_search WHERE rowid = :ticket_id")
POSTGRESQL_HAS = text("SELECT 1 FROM ticket_search WHERE ticket_id = :ticket_id")


def message_added(ticket: Ticket, message: Message) -> None:
    """Append a new reply or note to the ticket's entry, without reading its other messages."""
    sqlite, postgresql = APPEND[message.note]
    params = {
        "ticket_id": ticket.id,
        "piece": " " + words_only(message.body),
        "cap": MAX_INDEXED_CHARS,
    }
    updated = db.session.execute(sqlite if on_sqlite() else postgresql, params).rowcount
    if not updated and not _has_entry(ticket.id):
        reindex(ticket)  # opened before the index existed: build its entry now


def _has_entry(ticket_id: int) -> bool:
    found = SQLITE_HAS if on_sqlite() else POSTGRESQL_HAS
    return db.session.execute(found, {"ticket_id": ticket_id}).first() is not None


SQLITE_HEAD = text("UPDATE ticket_search SET subject = :head WHERE rowid = :ticket_id")
POSTGRESQL_HEAD = text(
    "UPDATE ticket_search SET document = setweight(to_tsvector('english', :head), 'A') "
    "|| ts_filter(document, '{b,c,d}') WHERE ticket_id = :ticket_id"
)


def subject_changed(ticket: Ticket) -> None:
    """Replace the subject in the ticket's entry."""
    params = {"ticket_id": ticket.id, "head": words_only(f"{ticket.ref} {ticket.subject}")}
    updated = db.session.execute(SQLITE_HEAD if on_sqlite() else POSTGRESQL_HEAD, params)
    if not updated.rowcount:
        reindex(ticket)


SQLITE_REQUESTER = text(
    "UPDATE ticket_search SET requester = :requester "
    "WHERE rowid IN (SELECT id FROM tickets WHERE user_id = :user_id)"
)
POSTGRESQL_REQUESTER = text(
    "UPDATE ticket_search SET document = ts_filter(document, '{a,c,d}') "
    "|| setweight(to_tsvector('english', :requester), 'B') "
    "WHERE ticket_id IN (SELECT id FROM tickets WHERE user_id = :user_id)"
)


def requester_changed(user: User) -> None:
    """A user's new name or email: the entries of the tickets they opened follow."""
    params = {"user_id": user.id, "requester": words_only(f"{user.name} {user.email}")}
    db.session.execute(SQLITE_REQUESTER if on_sqlite() else POSTGRESQL_REQUESTER, params)


def reindex(ticket: Ticket) -> None:
    """Build the ticket's entry again from all of its messages (after a merge moved them)."""
    document = _ticket_document(ticket)
    bodies = db.session.execute(
        select(Message.body, Message.note)
        .where(Message.ticket_id == ticket.id)
        .order_by(Message.created_at, Message.id)
    )
    for body, note in bodies:
        document.add(body, note=note)
    _write([document])


def forget(ticket_id: int) -> None:
    """Remove a deleted ticket's entry."""
    key = "rowid" if on_sqlite() else "ticket_id"
    db.session.execute(text(f"DELETE FROM ticket_search WHERE {key} = :id"), {"id": ticket_id})


# Rebuilding the whole index ---------------------------------------------------------------


@dataclass
class Rebuilt:
    tickets: int = 0
    messages: int = 0
    removed: int = 0  # entries whose ticket is gone
    seconds: float = 0.0


def rebuild(progress: Callable[[int, int], None] | None = None) -> Rebuilt:
    """Rebuild every ticket's entry, a batch per transaction, and drop entries of no ticket.

    Searches keep working meanwhile (each batch replaces entries in place); each batch
    holds its tickets with FOR SHARE on PostgreSQL, so a reply waits instead of being lost.
    """
    started, summary = time.perf_counter(), Rebuilt()
    total = db.session.scalar(select(func.count(Ticket.id))) or 0
    last_id = 0
    while True:
        heads = db.session.execute(
            select(Ticket.id, Ticket.ref, Ticket.subject, User.name, User.email)
            .join(User, User.id == Ticket.user_id)
            .where(Ticket.id > last_id)
            .order_by(Ticket.id)
            .limit(BATCH)
            .with_for_update(read=True, of=Ticket)
        ).all()
        if not heads:
            break
        documents = {row[0]: _document(*row) for row in heads}
        last_id = heads[-1][0]
        bodies = db.session.execute(
            select(Message.ticket_id, Message.body, Message.note)
            .where(Message.ticket_id.between(heads[0][0], last_id))
            .order_by(Message.ticket_id, Message.created_at, Message.id)
        )
        for ticket_id, body, note in bodies:
            if (document := documents.get(ticket_id)) is not None:
                document.add(body, note=note)
                summary.messages += 1
        _write(list(documents.values()))
        commit()
        before, summary.tickets = summary.tickets, summary.tickets + len(heads)
        if progress and (summary.tickets // PROGRESS_EVERY > before // PROGRESS_EVERY):
            progress(summary.tickets, total)
    key = "rowid" if on_sqlite() else "ticket_id"
    summary.removed = db.session.execute(
        text(f"DELETE FROM ticket_search WHERE {key} NOT IN (SELECT id FROM tickets)")
    ).rowcount
    commit()
    if progress and summary.tickets % PROGRESS_EVERY:
        progress(summary.tickets, total)
    summary.seconds = time.perf_counter() - started
    return summary


def fill_if_empty() -> Rebuilt | None:
    """Build the index when tickets exist but it has no entry (the upgrade that adds it)."""
    has_tickets = db.session.scalar(select(Ticket.id).limit(1)) is not None
    if not has_tickets or db.session.execute(text("SELECT 1 FROM ticket_search LIMIT 1")).first():
        return None
    return rebuild()


# Subscribers (ticketapi/subscriptions.py): the entry follows each change, in its transaction.


def on_opened(change: Change) -> None:
    ticket_opened(change.ticket, change.message)


def on_changed(change: Change) -> None:
    if change.before is not None and change.ticket.subject != change.before.subject:
        subject_changed(change.ticket)


def on_message_posted(change: Change) -> None:
    message_added(change.ticket, change.message)
