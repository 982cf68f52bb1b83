"""How long the web report takes to build for a large history, and what a refresh after one change rewrites.

A database is filled with D synthetic documents (40 vendors), each with C changes (the defaults: 200
documents, 2,000 changes, 2,200 versions), every change a real clause comparison of two synthetic
policies (a retention period, a recipient, an age: edits of the kinds vendors make). Then:

    full      `report` into an empty folder: every page, version text, raw snapshot and feed
    again     the same build once more: everything rendered, nothing written (bytes unchanged)
    refresh   one document gets one new change; the refresh `check` runs for it, timed, and the
              files it rewrote are listed: the change's page, its version's text and snapshot,
              the document page, the index and the feeds

Usage (from the repository root):

    .venv/bin/python bench/report_build.py
    .venv/bin/python bench/report_build.py --documents 50 --changes 5 --keep

Files go under bench/.work/report/ (removed at the end unless --keep). Figures only, no asserts.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.engine.compare import compare  # noqa: E402
from monitor.jobs.report import build_site  # noqa: E402
from monitor.store.store import DocumentInfo, Observation, Store  # noqa: E402

WORK = ROOT / "bench" / ".work" / "report"
RECIPIENTS = ("hosting providers", "payment processors", "analytics vendors", "advertising partners", "data brokers")


def policy(vendor: int, step: int) -> str:
    """A synthetic policy in our own words; `step` moves retention, recipients and the minimum age."""
    days = 30 + 30 * step
    recipient = RECIPIENTS[step % len(RECIPIENTS)]
    age = 13 + (step % 4)
    filler = "\n\n".join(
        f"## Section {n}\n\nVendor {vendor} describes practice number {n} in plain words for its customers. "
        f"It applies to every product that vendor {vendor} offers." for n in range(1, 9)
    )
    return (
        f"# Vendor {vendor} privacy policy\n\nLast updated: step {step}.\n\n"
        f"## Sharing\n\nWe share account data with {recipient} under written contracts.\n\n"
        f"## Retention\n\nWe keep request logs for {days} days.\n\n"
        f"## Children\n\nThe service is not meant for anyone under {age}.\n\n{filler}\n"
    )


def fill(store: Store, documents: int, changes: int) -> None:
    infos = [DocumentInfo(f"vendor{d % 40}/doc{d}", f"vendor{d % 40}", f"Vendor {d % 40}", "privacy", f"https://v{d}.example/privacy")
             for d in range(documents)]
    store.sync_documents(infos)
    run = store.start_run("check")
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    for d, info in enumerate(infos):
        previous = None
        for step in range(changes + 1):
            text = policy(d, step)
            at = start + timedelta(days=7 * step, minutes=d)
            raw = f"<html><body><main>{text}</main><script>var nonce = {d}-{step};</script></body></html>".encode()
            cmp = compare(previous, text) if previous is not None else None
            store.record(run, Observation(info.id, "changed" if previous else "new", at, http_status=200, text=text, raw=raw,
                                          url=info.url, content_type="text/html", comparison=cmp, notify=False))
            previous = text
    store.finish_run(run, {"new": documents, "changed": documents * changes})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--changes", type=int, default=10, help="changes per document")
    parser.add_argument("--keep", action="store_true", help="keep bench/.work/report")
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    store = Store.open(WORK / "pm.db")
    t = time.monotonic()
    fill(store, args.documents, args.changes)
    print(f"history: {args.documents} documents, {args.documents * args.changes} changes "
          f"({args.documents * (args.changes + 1)} versions) stored in {time.monotonic() - t:.1f}s")

    site = WORK / "site"
    full = build_site(store, site)
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    print(f"full     {full.seconds:6.2f}s  {len(full.written)} files written ({size / 1e6:.1f} MB)")
    again = build_site(store, site)
    print(f"again    {again.seconds:6.2f}s  {len(again.written)} files written, {again.unchanged} unchanged")

    doc = "vendor7/doc7"
    old, new = policy(7, args.changes), policy(7, args.changes + 1)
    run = store.start_run("check")
    at = datetime(2026, 11, 30, tzinfo=timezone.utc)
    store.record(run, Observation(doc, "changed", at, http_status=200, text=new, raw=new.encode(), url="https://v7.example/privacy",
                                  content_type="text/html", comparison=compare(old, new), notify=False))
    refresh = build_site(store, site, documents=[doc])
    print(f"refresh  {refresh.seconds:6.2f}s  {len(refresh.written)} files rewritten after one change to {doc}:")
    for path in refresh.written:
        print(f"           {path}")
    store.close()
    if not args.keep:
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
