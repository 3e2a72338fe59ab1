"""The shared record as a running Intake uses it: opened with the context, sending in the background, asked by the
History window and by the duplicate-delivery guard.

`attach_shared_record(ctx)` is called once by `open_context`. It always stamps the journal with the context's tenant
(so a station's events can never be delivered to another POS account's record), and when a shared record is
configured — and this is not the embedded training sandbox, whose data must never mix with a store's — it opens the
database and starts the outbox sender. Nothing here blocks the caller on the network: the engine connects lazily,
the sender runs on its own thread, and the guard's question is bounded by a short connect timeout.

The faces take the record's status type, its words and its error from here (re-exported), never from
`store.shared_record`: they reach past services only for types and errors of `pos.errors` and the settings.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from intake_gui.domain.delivery import (
    Candidate,
    DuplicateCheck,
    PriorReceive,
    delivery_key,
    matching_priors,
)
from intake_gui.domain.models import ReceiveDraft
from intake_gui.store import journal_payload
from intake_gui.store.shared_record.config import SharedRecordConfigError, parse
from intake_gui.store.shared_record.db import (
    SharedRecordDB,
    resolve_password,
)
from intake_gui.store.shared_record.db import (
    SharedRecordUnavailable as SharedRecordUnavailable,
)
from intake_gui.store.shared_record.sender import OFF as OFF
from intake_gui.store.shared_record.sender import OutboxSender
from intake_gui.store.shared_record.sender import SharedRecordStatus as SharedRecordStatus
from intake_gui.store.shared_record.sender import status_words as status_words

if TYPE_CHECKING:
    from intake_gui.services.context import AppContext
    from intake_gui.store.shared_record.reader import SharedRecordReader

log = logging.getLogger(__name__)

URL_ENV = "INTAKE_SHARED_RECORD_URL"


def tenant_of(ctx: AppContext) -> str:
    """The POS account a context works for: events and queries are scoped to it."""
    return f"{ctx.settings.pos_kind}|{ctx.tenant_key}"


@dataclass
class SharedRecord:
    """One process's link to the shared record. `sender` is None where this login may only read (a supervisor)."""

    db: SharedRecordDB
    tenant: str
    sender: OutboxSender | None

    @property
    def reader(self) -> SharedRecordReader:
        from intake_gui.store.shared_record.reader import SharedRecordReader

        return SharedRecordReader(self.db, self.tenant)

    @property
    def where(self) -> str:
        return self.db.config.display

    def status(self) -> SharedRecordStatus:
        if self.sender is not None:
            return self.sender.status()
        return SharedRecordStatus("up_to_date", where=self.where)

    def close(self, timeout: float = 3.0) -> None:
        try:
            if self.sender is not None:
                self.sender.stop(timeout)
        finally:
            self.db.dispose()


def configured_url(ctx: AppContext) -> str | None:
    return ctx.settings.shared_record_url or os.environ.get(URL_ENV) or None


def attach_shared_record(ctx: AppContext, *, send: bool = True) -> SharedRecord | None:
    """Stamp the journal with the tenant; open the shared record and start sending when one is configured."""
    ctx.journal.tenant = tenant_of(ctx)
    url = configured_url(ctx)
    if not url:
        return None
    if ctx.is_sandbox:
        log.info("Shared record configured, but this is the training sandbox: nothing is shared")
        return None
    try:
        config = parse(url)
    except SharedRecordConfigError as exc:
        log.warning("Shared record not used: %s", exc)
        return None
    db = SharedRecordDB(
        config,
        password=resolve_password(config, ctx.secrets),
        application_name=f"intake {ctx.station}",
    )
    sender = OutboxSender(ctx.journal, db).start() if send else None
    log.info("Shared record %s attached (tenant %s)", config.display, ctx.journal.tenant)
    return SharedRecord(db, ctx.journal.tenant, sender)


def shared_of(ctx: Any) -> SharedRecord | None:
    """The context's shared record, or None (works with contexts built before the field existed)."""
    return getattr(ctx, "shared", None)


def shared_status(ctx: Any) -> SharedRecordStatus:
    """For the status bar: OFF when no shared record is configured here."""
    shared = shared_of(ctx)
    return shared.status() if shared is not None else OFF


# ---- the duplicate-delivery guard ---------------------------------------------------------------------


class SharedDeliveryGuard:
    """Asks the shared record whether another station (or this one, earlier) already received this delivery.

    A `DeliveryGuard` (domain/delivery.py): the shared record finds the candidates (same store, and the same
    reference, lines or package tags), `domain.delivery.matching_priors` applies the same rules and windows as the
    journal's own check. Never raises: an unreachable record yields a check that says it could not be made, so
    Submit goes ahead and the review can say so.
    """

    def __init__(self, shared: SharedRecord | None, *, clock: Any = None) -> None:
        self.shared = shared
        self._clock = clock or (lambda: datetime.now(UTC))

    def check(self, draft: ReceiveDraft, *, manifest_ref: str = "") -> DuplicateCheck:
        if self.shared is None:
            return DuplicateCheck()
        key = delivery_key(draft, manifest_ref)
        try:
            found = self.shared.reader.same_delivery_candidates(key, exclude_draft=draft.draft_id)
        except SharedRecordUnavailable as exc:
            return DuplicateCheck(not_checked=(_NOT_CHECKED + exc.message + ".",))
        except Exception:
            log.exception("Duplicate-delivery check against the shared record failed")
            return DuplicateCheck(
                not_checked=(_NOT_CHECKED + "the shared record failed (the log has the details).",)
            )
        candidates = []
        for receive in found:
            sent = _sent_draft(receive.draft)
            if sent is None:
                continue
            candidates.append(
                Candidate(
                    delivery_key(sent),
                    PriorReceive(
                        source="shared_record",
                        station=receive.station,
                        clerk=receive.clerk,
                        at=receive.sent_at or receive.opened_at,
                        receipt_id=receive.receipt_id,
                        draft_id=receive.draft_id,
                        state=receive.state,
                        matched_on="",
                        token=sent.token,
                        title=sent.title,
                        line_count=len(sent.lines),
                    ),
                )
            )
        priors = matching_priors(key, candidates, now=self._clock())
        return DuplicateCheck(tuple(sorted(priors, key=lambda p: p.at)))


_NOT_CHECKED = "Other stations could not be checked for this delivery: "


def _sent_draft(raw: dict[str, Any] | None) -> ReceiveDraft | None:
    if raw is None:
        return None
    try:
        return journal_payload.decode_dict(raw)[0]
    except ValueError:
        return None


def shared_delivery_guard(ctx: Any) -> SharedDeliveryGuard:
    return SharedDeliveryGuard(shared_of(ctx))
