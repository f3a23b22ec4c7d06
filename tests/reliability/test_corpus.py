"""The feed-parser test corpora (2,164 files) through ingestion: no crash, no hang, bounded memory.

The corpus is the shared one CI keeps beside the repository
(``../shared/corpus/feed_parser_tests``: feedparser's, miniflux's, newsboat's
and reader's own parser tests, full of malformed, hostile and odd feeds). It
is not part of the repository, so a clone without it skips this test.

Every file goes through :func:`app.refresh.ingest_paths` (read, decode, parse,
store, cluster, classify) in a child process, so the peak RSS measured is the
ingestion's own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.conftest import ROOT, assert_sound, base_env

CORPUS = ROOT.parent / "shared" / "corpus" / "feed_parser_tests"

CHILD = r"""
import json, sys, time
from pathlib import Path
from app.config import parse_settings
from app.refresh import ingest_paths
from app.store import Store

db, listing = Path(sys.argv[1]), Path(sys.argv[2])
paths = [Path(p) for p in listing.read_text(encoding="utf-8").splitlines()]
settings = parse_settings({"storage": {"database": str(db)}, "feeds": []}, base=db.parent)
started = time.monotonic()
with Store.open(db) as store:
    report = ingest_paths(settings, store, paths)
elapsed = time.monotonic() - started
with open("/proc/self/status") as f:
    hwm = next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))
print(json.dumps({
    "elapsed": elapsed,
    "hwm_kb": hwm,
    "stories": report.stories,
    "clusters": report.clusters,
    "results": [
        {"status": r.status.value, "new": r.new, "error": r.error, "warnings": len(r.warnings),
         "elapsed": r.elapsed}
        for r in report.results
    ],
}))
"""


@pytest.mark.slow
@pytest.mark.skipif(
    not CORPUS.is_dir(),
    reason=f"the shared parser corpus is not beside the repository ({CORPUS}); CI has it",
)
def test_the_whole_parser_corpus_ingests_without_crash_hang_or_bloat(tmp_path: Path) -> None:
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file())
    assert len(files) >= 2000
    listing = tmp_path / "files.txt"
    listing.write_text("\n".join(map(str, files)), encoding="utf-8")
    db = tmp_path / "corpus.db"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(db), str(listing)],
        env=base_env(),
        capture_output=True,
        timeout=240,  # hang guard: measured about 10 s
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    assert b"Traceback" not in done.stderr
    summary = json.loads(done.stdout)
    results = summary["results"]
    assert len(results) == len(files)  # one result per file, none lost
    errors = [r for r in results if r["status"] == "error"]
    with_stories = [r for r in results if r["status"] == "ok" and r["new"] > 0]
    assert all(r["error"] for r in errors)
    assert not any("internal error" in (r["error"] or "") for r in errors)
    peak_mb = summary["hwm_kb"] / 1024
    slowest = max(r["elapsed"] for r in results)
    print(
        f"corpus: {len(files)} files in {summary['elapsed']:.1f} s; "
        f"{len(with_stories)} gave stories ({summary['stories']} stories, "
        f"{summary['clusters']} clusters), "
        f"{sum(1 for r in results if r['status'] == 'ok' and r['new'] == 0)} parsed to none, "
        f"{len(errors)} refused; peak RSS {peak_mb:.0f} MB; slowest file {slowest:.2f} s"
    )
    assert len(with_stories) > 500
    assert peak_mb < 400
    assert_sound(db)
