"""What needs attention: the last run, failing documents, suspect pages, undelivered messages.

`policy-monitor status` prints it and exits non-zero when something does, so it can serve as a
monitoring probe.
"""

from __future__ import annotations

from monitor.config import Watchlist
from monitor.delivery.notify import delivery_status
from monitor.clock import iso
from monitor.store.store import Store


def collect(store: Store, watchlist: Watchlist | None, failure_alert_after: int, running_now: bool = False) -> dict:
    runs = store.runs(limit=1)
    last = runs[0] if runs else None
    # A run marked running that holds no lock was killed; the next check would say so, too late.
    last_status = "interrupted" if last is not None and last.status == "running" and not running_now else (
        last.status if last is not None else None
    )
    documents = store.documents()
    failing = [
        {
            "document": d.id,
            "consecutive_failures": d.consecutive_failures,
            "since": iso(d.failing_since),
            "error": d.last_error,
            "suspect": d.suspect_kind is not None,
            "suspect_kind": d.suspect_kind,
        }
        for d in documents
        if d.consecutive_failures
    ]
    deliveries = delivery_status(store, watchlist)
    attention = []
    if last is None:
        attention.append("no run recorded yet")
    elif last_status == "interrupted":
        attention.append(f"run {last.id} was interrupted")
    attention += [
        f"{f['document']} failed {f['consecutive_failures']} runs in a row"
        for f in failing
        if f["consecutive_failures"] >= failure_alert_after
    ]
    if deliveries["failed"]:
        attention.append(f"{len(deliveries['failed'])} notification deliveries failed")
    return {
        "last_run": None
        if last is None
        else {
            "id": last.id,
            "kind": last.kind,
            "status": last_status,
            "started_at": iso(last.started_at),
            "finished_at": iso(last.finished_at),
            "counts": {"new": last.new, "changed": last.changed, "unchanged": last.unchanged, "failed": last.failed},
        },
        "documents": len(documents),
        "workers": [
            {"name": w.name, "checked": w.checked, "started_at": iso(w.started_at), "heartbeat_at": iso(w.heartbeat_at)}
            for w in (store.workers(last.id) if last is not None else [])
        ],
        "failing": failing,
        "deliveries": deliveries,
        "attention": attention,
    }
