"""Batched writes of a run's plain unchanged checks, and a first version's prebuilt path, on real SQLite."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from monitor.errors import StoreError
from monitor.jobs.batch import UnchangedBatch
from monitor.jobs.pagework import judge_new_page
from monitor.store.store import DocumentInfo, Observation, Store

T0 = datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)
DOCS = [DocumentInfo(f"v{i}/privacy", f"v{i}", f"V{i}", "privacy", f"https://v{i}.example/p") for i in range(3)]
TEXT = "# Privacy\n\nWe keep your records for 30 days. We do not sell them. You can ask for a copy.\n"


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "pm.db")
    s.sync_documents(DOCS)
    yield s
    s.close()


def first_version(store: Store, run: int, doc: DocumentInfo) -> int | None:
    problem, packed = judge_new_page(TEXT, b"<html>raw</html>")
    assert problem is None
    obs = Observation(doc.id, "new", T0, http_status=200, text=TEXT, raw=b"<html>raw</html>", url=doc.url, packed=packed)
    return store.record_new(run, obs)


def test_a_first_version_through_the_prebuilt_path_reads_back_like_any_other(store):
    run = store.start_run("check")
    assert first_version(store, run, DOCS[0]) == 1
    version = store.latest_version(DOCS[0].id)
    assert store.text(version.sha256) == TEXT
    assert store.blob(version.snapshot_sha256) == b"<html>raw</html>"
    assert [c.outcome for c in store.checks(run)] == ["new"]
    assert store.document(DOCS[0].id).last_outcome == "new"


def test_a_second_record_new_of_the_same_text_is_not_a_second_version(store):
    run = store.start_run("check")
    first_version(store, run, DOCS[0])
    assert first_version(store, run, DOCS[0]) is None  # an overlapping run stored it first
    assert store.latest_version(DOCS[0].id).number == 1


def test_unchanged_checks_are_written_per_batch_and_at_the_end(store, tmp_path):
    run = store.start_run("check")
    for doc in DOCS:
        first_version(store, run, doc)
    batch = UnchangedBatch(store, run, size=2, max_age=3600)
    later = T0 + timedelta(days=1)
    observations = [Observation(d.id, "unchanged", later, http_status=200) for d in DOCS]
    assert all(UnchangedBatch.takes(o) for o in observations)

    def unchanged_rows() -> int:
        with sqlite3.connect(tmp_path / "pm.db") as db:
            return db.execute("SELECT count(*) FROM check_result WHERE outcome = 'unchanged'").fetchone()[0]

    batch.add(observations[0])
    assert unchanged_rows() == 0
    batch.add(observations[1])
    assert unchanged_rows() == 2
    batch.add(observations[2])
    batch.flush()
    assert unchanged_rows() == 3
    for doc in DOCS:
        assert store.latest_version(doc.id).last_seen == later
        assert store.document(doc.id).last_outcome == "unchanged"


def test_a_check_with_new_validators_is_not_batched():
    assert not UnchangedBatch.takes(Observation("a/b", "unchanged", T0, etag='"x"'))
    assert not UnchangedBatch.takes(Observation("a/b", "failed", T0, error="boom"))


def test_a_batch_naming_an_unknown_document_fails_and_writes_nothing(store, tmp_path):
    run = store.start_run("check")
    with pytest.raises(StoreError, match="not in the database"):
        store.record_unchanged_many(run, [Observation(DOCS[0].id, "unchanged", T0), Observation("ghost/doc", "unchanged", T0)])
    with sqlite3.connect(tmp_path / "pm.db") as db:
        assert db.execute("SELECT count(*) FROM check_result").fetchone()[0] == 0
