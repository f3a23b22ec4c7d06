"""The store: schema checks at open, idempotent upserts, FTS, transactions."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.errors import DatabaseError, WrongDatabaseError
from app.models import ParsedStory, SourceKind
from app.store import APPLICATION_ID, SCHEMA_VERSION, Store, story_id_for, to_db_time
from app.store._base import _content_hash, _sha
from tests.conftest import NOW


def stories(n: int, prefix: str = "t") -> list[ParsedStory]:
    return [
        ParsedStory(
            title=f"{prefix} headline number {i}",
            summary=f"lead {i} about Kyiv",
            guid=f"g{i}",
            url=f"https://x.example/{i}",
            published=NOW - timedelta(hours=i),
        )
        for i in range(n)
    ]


def snapshot(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    out = {}
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'stories_fts%'"
    ):
        out[name] = sorted(conn.execute(f"SELECT * FROM [{name}]").fetchall(), key=repr)
    conn.close()
    return out


def test_new_database_is_marked_and_in_wal(tmp_path: Path) -> None:
    p = tmp_path / "a.db"
    Store.open(p).close()
    conn = sqlite3.connect(p)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_not_sqlite_is_refused_without_writing(tmp_path: Path) -> None:
    p = tmp_path / "notes.db"
    p.write_text("hello, these are my notes\n" * 10)
    before = p.read_bytes()
    with pytest.raises(WrongDatabaseError, match="not a SQLite database"):
        Store.open(p)
    assert p.read_bytes() == before


def test_another_apps_sqlite_is_refused_without_writing(tmp_path: Path) -> None:
    p = tmp_path / "other.db"
    conn = sqlite3.connect(p)
    conn.execute("CREATE TABLE invoices(id INTEGER)")
    conn.commit()
    conn.close()
    before = p.read_bytes()
    with pytest.raises(WrongDatabaseError, match="another application"):
        Store.open(p)
    assert p.read_bytes() == before


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "new.db"
    Store.open(p).close()
    conn = sqlite3.connect(p)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(WrongDatabaseError, match="newer frontline"):
        Store.open(p)


def test_older_schema_is_upgraded_when_writable_and_named_when_read_only(
    tmp_path: Path,
) -> None:
    p = tmp_path / "old.db"
    with Store.open(p) as s:
        s.write_stories("https://f.example/", SourceKind.FEED, stories(3), outlet="F", now=NOW)
    conn = sqlite3.connect(p)
    # As a schema-3 file looks: no features table, migration 4 not recorded.
    conn.execute("DROP TABLE story_features")
    conn.execute("DROP TABLE derive_pending")
    conn.execute(
        "DELETE FROM _sqlite_migrations WHERE name IN ('m004_story_features', 'm005_derive_pending')"
    )
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match=r"older frontline \(schema 3.*open it writable once"):
        Store.open(p, readonly=True)
    with Store.open(p) as s:
        assert s.story_count() == 3
        assert s.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert {"story_features", "derive_pending"} <= set(s.db.table_names())


def test_corrupt_database_fails_the_check(tmp_path: Path) -> None:
    p = tmp_path / "c.db"
    with Store.open(p) as s:
        s.write_stories("https://f.example/", SourceKind.FEED, stories(300), outlet="F", now=NOW)
        s.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(p.read_bytes())
    for i in range(4096 * 3, len(data) - 100, 997):
        data[i] ^= 0x5A
    p.write_bytes(bytes(data))
    with pytest.raises(DatabaseError):
        Store.open(p, check=True)


def test_read_only_file_opens_read_only(tmp_path: Path) -> None:
    p = tmp_path / "ro.db"
    with Store.open(p) as s:
        s.write_stories("https://f.example/", SourceKind.FEED, stories(3), outlet="F", now=NOW)
    p.chmod(0o444)
    try:
        import os

        if os.access(p, os.W_OK):  # root ignores file modes
            pytest.skip("running as root: file permissions are not enforced")
        with pytest.raises(DatabaseError, match="read-only"):
            Store.open(p)
        with Store.open(p, readonly=True) as ro:
            assert ro.story_count() == 3
            with pytest.raises(DatabaseError):
                ro.set_meta("x", "y")
    finally:
        p.chmod(0o644)


def test_readonly_mode_refuses_writes(tmp_path: Path) -> None:
    p = tmp_path / "r.db"
    Store.open(p).close()
    with Store.open(p, readonly=True) as ro, pytest.raises(DatabaseError, match="read-only"):
        ro.set_meta("x", "y")


def test_upsert_is_idempotent(tmp_path: Path) -> None:
    p = tmp_path / "i.db"
    with Store.open(p) as s:
        r1 = s.write_stories("https://f.example/", SourceKind.FEED, stories(5), outlet="F", now=NOW)
        assert len(r1.new) == 5
    snap = snapshot(p)
    with Store.open(p) as s:
        r2 = s.write_stories(
            "https://f.example/",
            SourceKind.FEED,
            stories(5),
            outlet="F",
            now=NOW + timedelta(hours=1),
        )
        assert r2.new == () and r2.updated == ()
    assert snapshot(p) == snap


def test_changed_story_updates_in_place(store: Store) -> None:
    store.write_stories("https://f.example/", SourceKind.FEED, stories(2), outlet="F", now=NOW)
    changed = stories(2)
    changed[0] = ParsedStory(title="t headline number 0 (updated)", guid="g0", published=NOW)
    r = store.write_stories("https://f.example/", SourceKind.FEED, changed, outlet="F", now=NOW)
    assert r.new == () and len(r.updated) == 1
    assert store.story_count() == 2
    assert store.search("updated")[0].title.endswith("(updated)")


def test_feed_never_deletes_absent_items_file_does(store: Store) -> None:
    store.write_stories("https://f.example/", SourceKind.FEED, stories(4), outlet="F", now=NOW)
    r = store.write_stories("https://f.example/", SourceKind.FEED, [], outlet="F", now=NOW)
    assert r.removed == () and store.story_count() == 4
    store.write_stories(
        "/p/a.txt", SourceKind.FILE, stories(3, "f"), outlet="a", now=NOW, replace_all=True
    )
    r = store.write_stories(
        "/p/a.txt", SourceKind.FILE, stories(1, "f"), outlet="a", now=NOW, replace_all=True
    )
    assert len(r.removed) == 2
    assert store.story_count() == 5


def test_guid_rules_one_row_per_feed_and_id(store: Store) -> None:
    dup = [ParsedStory(title="A", guid="same"), ParsedStory(title="B", guid="same")]
    r = store.write_stories("https://a.example/", SourceKind.FEED, dup, outlet="A", now=NOW)
    assert len(r.new) == 1
    r = store.write_stories("https://b.example/", SourceKind.FEED, dup[:1], outlet="B", now=NOW)
    assert len(r.new) == 1
    assert store.story_count() == 2


def test_synthetic_id_without_guid_or_link_is_stable(store: Store) -> None:
    s = [ParsedStory(title="No id here", summary="text")]
    a = store.write_stories("https://a.example/", SourceKind.FEED, s, outlet="A", now=NOW)
    b = store.write_stories("https://a.example/", SourceKind.FEED, s, outlet="A", now=NOW)
    assert len(a.new) == 1 and b.new == ()


def test_max_new_keeps_the_newest(store: Store) -> None:
    r = store.write_stories(
        "https://f.example/", SourceKind.FEED, stories(20), outlet="F", now=NOW, max_new=5
    )
    assert len(r.new) == 5 and r.dropped == 15
    titles = {s.title for s in store.stories()}
    assert "t headline number 0" in titles and "t headline number 19" not in titles


def test_missing_date_uses_first_seen_and_flags_it(store: Store) -> None:
    store.write_stories(
        "https://f.example/",
        SourceKind.FEED,
        [ParsedStory(title="Undated", guid="u")],
        outlet="F",
        now=NOW,
    )
    (s,) = store.stories()
    assert s.published == NOW and s.published_estimated


def test_fts_search_and_integrity(store: Store) -> None:
    store.write_stories("https://f.example/", SourceKind.FEED, stories(10), outlet="F", now=NOW)
    store.write_stories(
        "/p/a.txt", SourceKind.FILE, stories(3, "f"), outlet="a", now=NOW, replace_all=True
    )
    store.write_stories("/p/a.txt", SourceKind.FILE, [], outlet="a", now=NOW, replace_all=True)
    hits = store.search("headline number 3")
    assert hits and hits[0].title == "t headline number 3"
    assert all(0 <= a < b <= len(h.snippet) for h in hits for a, b in h.spans)
    assert store.fts_check() is None
    # The query language is inert: quotes, operators and column filters are just words.
    for q in ['"', "title:x", "a AND", "NEAR(", "*", "-", "'; DROP TABLE stories; --"]:
        store.search(q)
    assert store.story_count() == 10


def test_fts_matches_a_like_oracle(store: Store) -> None:
    store.write_stories("https://f.example/", SourceKind.FEED, stories(30), outlet="F", now=NOW)
    for word in ("number", "Kyiv", "lead"):
        fts = {h.story_id for h in store.search(word, limit=1000)}
        like = {
            r[0]
            for r in store.db.conn.execute(
                "SELECT id FROM stories WHERE title LIKE ? OR summary LIKE ? OR body LIKE ?",
                [f"%{word}%"] * 3,
            )
        }
        assert fts == like


def test_rolled_back_write_leaves_fts_consistent(store: Store) -> None:
    store.write_stories("https://f.example/", SourceKind.FEED, stories(3), outlet="F", now=NOW)
    with pytest.raises(RuntimeError), store.write() as db:
        db.execute("DELETE FROM stories")
        raise RuntimeError("boom")
    assert store.story_count() == 3
    assert store.fts_check() is None


def test_write_waits_for_another_writer(tmp_path: Path) -> None:
    """D2: a write while another connection holds the write lock waits, then succeeds."""
    p = tmp_path / "w.db"
    Store.open(p).close()
    other = sqlite3.connect(p, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO meta(key, value) VALUES('other', '1')")

    def release() -> None:
        time.sleep(0.3)
        other.execute("COMMIT")

    t = threading.Thread(target=release)
    t.start()
    with Store.open(p) as s:
        s.set_meta("mine", "1")  # must not fail with "database is locked"
        assert s.get_meta("other") == "1"
    t.join()


def test_writer_not_blocked_by_open_reader(tmp_path: Path) -> None:
    """D1: an open read cursor (the desk) does not block a writer (cron) in WAL."""
    p = tmp_path / "r.db"
    with Store.open(p) as s:
        s.write_stories("https://f.example/", SourceKind.FEED, stories(50), outlet="F", now=NOW)
    reader = Store.open(p)
    cur = reader.db.conn.execute("SELECT id FROM stories")
    cur.fetchone()  # a read transaction stays open while the cursor is live
    with Store.open(p) as writer:
        writer.write_stories("https://g.example/", SourceKind.FEED, stories(5), outlet="G", now=NOW)
    cur.fetchall()
    reader.close()


def test_data_version_changes_on_foreign_commit(tmp_path: Path) -> None:
    p = tmp_path / "d.db"
    a = Store.open(p)
    v = a.data_version()
    with Store.open(p) as b:
        b.set_meta("k", "v")
    assert a.data_version() != v
    a.close()


def test_new_stories_keep_feed_order_provenance_and_fts(store: Store) -> None:
    """New rows go in through one INSERT ... SELECT: same rows, order, FTS, nothing left over."""
    feed = stories(7)
    r = store.write_stories("https://f.example/", SourceKind.FEED, feed, outlet="F", now=NOW)
    rows = store.db.conn.execute(
        "SELECT id, source, source_kind, outlet, title, first_seen, fetched FROM stories"
        " ORDER BY rowid"
    ).fetchall()
    assert [row[0] for row in rows] == list(r.new)  # rowids in feed order
    assert [row[4] for row in rows] == [s.title for s in feed]
    assert {row[1:4] for row in rows} == {("https://f.example/", "feed", "F")}
    assert {row[5:] for row in rows} == {("2025-12-05T12:00:00Z",) * 2}
    assert store.db.conn.execute("SELECT count(*) FROM temp.story_stage").fetchone()[0] == 0
    assert {h.story_id for h in store.search("Kyiv", limit=100)} == set(r.new)
    assert store.fts_check() is None


def test_failed_write_leaves_no_staged_rows(store: Store) -> None:
    store.write_stories("https://f.example/", SourceKind.FEED, stories(2), outlet="F", now=NOW)
    with pytest.raises(TypeError):
        # A bad feed_result fails after the stories were staged and inserted.
        store.write_stories(
            "https://g.example/",
            SourceKind.FEED,
            stories(3, "g"),
            outlet="G",
            now=NOW,
            feed_result={"no_such_argument": 1},
        )
    assert store.story_count() == 2
    assert store.db.conn.execute("SELECT count(*) FROM temp.story_stage").fetchone()[0] == 0
    r = store.write_stories(
        "https://g.example/", SourceKind.FEED, stories(3, "g"), outlet="G", now=NOW
    )
    assert len(r.new) == 3 and store.story_count() == 5
    assert store.fts_check() is None


def test_unchanged_write_commits_nothing(tmp_path: Path) -> None:
    p = tmp_path / "u.db"
    with Store.open(p) as s, Store.open(p) as watcher:
        s.write_stories("https://f.example/", SourceKind.FEED, stories(5), outlet="F", now=NOW)
        before = watcher.data_version()
        r = s.write_stories("https://f.example/", SourceKind.FEED, stories(5), outlet="F", now=NOW)
        assert r.new == () and r.updated == ()
        assert watcher.data_version() == before


def test_stable_ids_hashes_and_times_do_not_drift() -> None:
    """Ids, content hashes and times are stored: the same input gives the same text forever.

    The expected values were computed by the code before the write path was
    made faster; a change here would rewrite or duplicate every stored story.
    """
    story = ParsedStory(
        title="Talks resume", summary="Envoys met \u201cagain\u201d", guid="g-1", published=NOW
    )
    assert _sha("a", "\u00fc") == (
        "b2ccf1215ceca7d3cf79731a6bb0557d2b16fbc9e2b5bd955ec549c1480529a7"
    )
    assert story_id_for(SourceKind.FEED, "https://f.example/", story) == "c1a7e52f112d7821429f"
    assert story_id_for(SourceKind.FILE, "/p/a.txt", story, 2) == "f9202cca18489dbc07c6"
    assert _content_hash(story, "F") == (
        "62156bb321293d3b8514ce0575a9188112b30378386efa01800374ecac1684a6"
    )
    plus2 = timezone(timedelta(hours=2))
    assert to_db_time(datetime(2025, 12, 5, 14, 30, 15, 999, tzinfo=plus2)) == (
        "2025-12-05T12:30:15Z"
    )
    assert to_db_time(datetime(999, 1, 2, 3, 4, 5)) == "999-01-02T03:04:05Z"  # naive = UTC
