"""The sandbox's memory: sessions, receives and packages in one SQLite file under the data dir.

Receives must survive a restart (a client that lost an answer reconciles against history after the
sandbox came back), so state lives on disk, in WAL mode. The server runs on one event-loop thread, but
the runner opens and closes the store from another; one connection behind a lock covers both.
Quantities are stored in thousandths as integers so sums are exact. Everything is in the canonical id
space (the course's ids); dialects map ids on the way in and out.

Every line a receive *sent* is kept (`receive_lines`), including lines the POS dropped silently: history's
`Products` counts what was sent, as the course says, while only kept lines with a room get a package.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from intake_gui.sandbox.catalog import LSP_ID, Catalog
from intake_gui.sandbox.seed import FIRST_RECEIVE_ID, SandboxRoom, history_plan

DB_NAME = "dutchie-sandbox.sqlite3"
SCHEMA_VERSION = "2"
"""Bumped when the seed or the schema changes: an older data dir is seeded afresh on its next start."""
LIVE_RECEIVE_ID_START = FIRST_RECEIVE_ID
"""The course's first ReceiveInventoryHistoryId."""
PACKAGE_ID_START = 5_200_001

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    session_id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    loc_id INTEGER NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS receives (
    receive_id INTEGER PRIMARY KEY,
    loc_id INTEGER NOT NULL,
    lsp_id INTEGER NOT NULL,
    vendor_id INTEGER NOT NULL,
    vendor_name TEXT NOT NULL,
    order_title TEXT NOT NULL,
    status TEXT NOT NULL,
    delivered_by TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    received_at REAL NOT NULL,
    line_count INTEGER NOT NULL,
    total_milli INTEGER NOT NULL,
    created_at REAL NOT NULL,
    user_id INTEGER,
    seeded INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS receives_by_time ON receives (loc_id, received_at);
CREATE TABLE IF NOT EXISTS packages (
    package_id INTEGER PRIMARY KEY,
    receive_id INTEGER,
    loc_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    sku TEXT NOT NULL,
    product_name TEXT NOT NULL,
    qty_milli INTEGER NOT NULL,
    unit_cost REAL,
    room_id INTEGER NOT NULL,
    room_name TEXT NOT NULL,
    label TEXT NOT NULL,
    batch_name TEXT,
    expiration_date TEXT,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS packages_by_receive ON packages (receive_id);
CREATE TABLE IF NOT EXISTS receive_lines (
    receive_id INTEGER NOT NULL,
    line_no INTEGER NOT NULL,
    product_id INTEGER,
    sku TEXT NOT NULL,
    qty_milli INTEGER NOT NULL,
    PRIMARY KEY (receive_id, line_no)
);
CREATE INDEX IF NOT EXISTS packages_by_room ON packages (loc_id, room_id);
"""


@dataclass(frozen=True)
class SessionRow:
    session_id: str
    user_id: int
    loc_id: int
    created_at: float


@dataclass(frozen=True)
class NewLine:
    """A receive line the API accepted. `room` None is the orphan: recorded, but no package."""

    product: dict[str, Any]
    qty_milli: int
    unit_cost: float | None
    room: SandboxRoom | None
    tag: str
    batch_name: str | None
    expiration_date: str | None


@dataclass(frozen=True)
class SentLine:
    """A line as the client sent it, kept or not: what history's `Products` is made of."""

    product_id: int | None
    sku: str
    qty_milli: int


@dataclass(frozen=True)
class NewReceive:
    loc_id: int
    vendor_id: int
    vendor_name: str
    order_title: str
    status: str
    delivered_by: str
    note: str
    received_at: float
    """Unix time of the receive (the store-local ReceivedDate converted, or now)."""
    user_id: int | None
    sent: Sequence[SentLine]
    lines: Sequence[NewLine]
    """The sent lines the POS kept (a known product); each with a room becomes a package."""
    make_packages: bool


def metrc_label(package_id: int) -> str:
    """A 24-character tag shaped like a state-tracking label, for lines that came without one."""
    return f"1A4060300005{package_id:012d}"


class SandboxStore:
    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / DB_NAME
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    # -- seeding ---------------------------------------------------------------------------------

    def is_seeded(self) -> bool:
        rows = self._query("SELECT value FROM meta WHERE key = 'schema'")
        return bool(rows) and rows[0]["value"] == SCHEMA_VERSION

    def seed(self, catalog: Catalog, now: float | None = None) -> None:
        """Wipe everything and lay down the seed history (and so the shelf stock) relative to `now`."""
        now = time.time() if now is None else now
        anchor = datetime.fromtimestamp(now, UTC)
        plan = history_plan(catalog, anchor)
        with self._tx() as db:
            for table in ("sessions", "receives", "receive_lines", "packages", "meta"):
                db.execute(f"DELETE FROM {table}")
            package_id = PACKAGE_ID_START
            for rec in plan:
                at = rec.received_at.timestamp()
                recorded = rec.lines
                db.execute(
                    "INSERT INTO receives VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)",
                    (
                        rec.receive_id,
                        rec.loc_id,
                        LSP_ID,
                        rec.vendor.vendor_id,
                        rec.vendor.name,
                        rec.title,
                        rec.status,
                        rec.delivered_by,
                        rec.note,
                        at,
                        len(recorded),
                        sum(ln.quantity for ln in recorded) * 1000,
                        at,
                        None,
                    ),
                )
                db.executemany(
                    "INSERT INTO receive_lines VALUES (?,?,?,?,?)",
                    [
                        (
                            rec.receive_id,
                            n,
                            ln.product["ProductId"],
                            ln.product["Sku"],
                            ln.quantity * 1000,
                        )
                        for n, ln in enumerate(recorded, 1)
                    ],
                )
                if rec.status != "Received":
                    continue
                for ln in recorded:
                    if ln.room is None:
                        continue
                    db.execute(
                        "INSERT INTO packages VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (
                            package_id,
                            rec.receive_id,
                            rec.loc_id,
                            ln.product["ProductId"],
                            ln.product["Sku"],
                            ln.product["ProductName"],
                            ln.quantity * 1000,
                            ln.product["UnitCost"],
                            ln.room.room_id,
                            ln.room.name,
                            metrc_label(package_id),
                            f"B{rec.receive_id % 100_000:05d}",
                            None,
                            at,
                        ),
                    )
                    package_id += 1
            db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            db.execute("INSERT INTO meta VALUES ('seeded_at', ?)", (repr(now),))

    # -- sessions --------------------------------------------------------------------------------

    def add_session(self, session_id: str, user_id: int, loc_id: int, now: float) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO sessions VALUES (?,?,?,?)", (session_id, user_id, loc_id, now))

    def get_session(self, session_id: str) -> SessionRow | None:
        rows = self._query("SELECT * FROM sessions WHERE session_id = ?", (session_id,))
        if not rows:
            return None
        r = rows[0]
        return SessionRow(r["session_id"], r["user_id"], r["loc_id"], r["created_at"])

    def drop_session(self, session_id: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM sessions WHERE session_id = ?", (session_id,))

    def drop_all_sessions(self) -> list[SessionRow]:
        """Drop every session; returns them (the runtime remembers whose expired)."""
        with self._tx() as db:
            rows = db.execute("SELECT * FROM sessions").fetchall()
            db.execute("DELETE FROM sessions")
        return [
            SessionRow(r["session_id"], r["user_id"], r["loc_id"], r["created_at"]) for r in rows
        ]

    def count_sessions(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM sessions")[0][0])

    # -- receives --------------------------------------------------------------------------------

    def add_receive(self, new: NewReceive, now: float) -> tuple[int, list[int]]:
        """Record a receive and, if `make_packages`, one package per line that has a room.

        Returns the ReceiveInventoryHistoryId and the new package ids.
        """
        with self._tx() as db:
            top = db.execute("SELECT MAX(receive_id) FROM receives").fetchone()[0] or 0
            receive_id = max(top + 1, LIVE_RECEIVE_ID_START)
            db.execute(
                "INSERT INTO receives VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,0)",
                (
                    receive_id,
                    new.loc_id,
                    LSP_ID,
                    new.vendor_id,
                    new.vendor_name,
                    new.order_title,
                    new.status,
                    new.delivered_by,
                    new.note,
                    new.received_at,
                    len(new.sent),
                    sum(ln.qty_milli for ln in new.sent),
                    now,
                    new.user_id,
                ),
            )
            db.executemany(
                "INSERT INTO receive_lines VALUES (?,?,?,?,?)",
                [
                    (receive_id, n, ln.product_id, ln.sku, ln.qty_milli)
                    for n, ln in enumerate(new.sent, 1)
                ],
            )
            package_ids: list[int] = []
            if new.make_packages:
                top = db.execute("SELECT MAX(package_id) FROM packages").fetchone()[0] or 0
                package_id = max(top + 1, PACKAGE_ID_START)
                for ln in new.lines:
                    if ln.room is None:
                        continue
                    db.execute(
                        "INSERT INTO packages VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (
                            package_id,
                            receive_id,
                            new.loc_id,
                            ln.product["ProductId"],
                            ln.product["Sku"],
                            ln.product["ProductName"],
                            ln.qty_milli,
                            ln.unit_cost,
                            ln.room.room_id,
                            ln.room.name,
                            ln.tag or metrc_label(package_id),
                            ln.batch_name,
                            ln.expiration_date,
                            now,
                        ),
                    )
                    package_ids.append(package_id)
                    package_id += 1
            return receive_id, package_ids

    def receives_between(self, loc_id: int, start: float, end: float) -> list[sqlite3.Row]:
        """Inclusive start, exclusive end, newest first."""
        return self._query(
            "SELECT * FROM receives WHERE loc_id = ? AND received_at >= ? AND received_at < ? "
            "ORDER BY received_at DESC, receive_id DESC",
            (loc_id, start, end),
        )

    def lines_of(self, receive_ids: Sequence[int]) -> dict[int, list[sqlite3.Row]]:
        """The sent lines of each receive, in the order they were sent."""
        out: dict[int, list[sqlite3.Row]] = {rid: [] for rid in receive_ids}
        for start in range(0, len(receive_ids), 500):
            chunk = receive_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._query(
                f"SELECT * FROM receive_lines WHERE receive_id IN ({marks}) "
                "ORDER BY receive_id, line_no",
                chunk,
            ):
                out[row["receive_id"]].append(row)
        return out

    def all_receives(self, include_seeded: bool) -> list[sqlite3.Row]:
        where = "" if include_seeded else "WHERE r.seeded = 0"
        return self._query(
            "SELECT r.*, (SELECT COUNT(*) FROM packages p WHERE p.receive_id = r.receive_id) AS packages "
            f"FROM receives r {where} ORDER BY r.receive_id"
        )

    def count_receives(self, include_seeded: bool) -> int:
        where = "" if include_seeded else "WHERE seeded = 0"
        return int(self._query(f"SELECT COUNT(*) FROM receives {where}")[0][0])

    def packages_of(self, loc_id: int, receive_id: int) -> list[sqlite3.Row]:
        return self._query(
            "SELECT * FROM packages WHERE loc_id = ? AND receive_id = ? ORDER BY package_id",
            (loc_id, receive_id),
        )

    def count_packages(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM packages")[0][0])

    def stock_in_rooms(
        self, loc_id: int, room_ids: Sequence[int], visible_before: float
    ) -> list[sqlite3.Row]:
        """Per product and room: the quantity of packages created no later than `visible_before`."""
        if not room_ids:
            return []
        marks = ",".join("?" * len(room_ids))
        return self._query(
            "SELECT product_id, sku, product_name, room_id, room_name, SUM(qty_milli) AS qty "
            f"FROM packages WHERE loc_id = ? AND room_id IN ({marks}) AND created_at <= ? "
            "GROUP BY product_id, room_id ORDER BY sku, room_id",
            (loc_id, *room_ids, visible_before),
        )
