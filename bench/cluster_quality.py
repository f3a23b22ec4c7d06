"""Clustering quality on labelled corpora: pairwise and B-cubed precision/recall/F1.

Two labelled sets from the shared corpus:

* ``uci_news_aggregator_subset/uci-news-aggregator.csv``: 6,366 headlines in 87
  Google-News story clusters (STORY). Title only, no lead; PUBLISHER is the
  source, TIMESTAMP (ms) the publication time. Labels are noisy: identical
  headlines sit under two STORY ids, which caps measurable precision; the
  "alias" rows also score against labels where stories sharing an identical
  headline (4+ words) are unified, to show how much of the loss is label noise.
* ``wikiref_news_text``: 220 articles grouped by topic (file-name prefix). Title
  = first line, lead = next paragraph, quotes from the whole text. Topics are
  broader than events (Premier League over several seasons), so recall is low
  by design; precision is the number to watch. No dates: all stories get one
  timestamp.

It sweeps the thresholds, prints a table per corpus and then the defaults.

Usage::

    PYTHONPATH=. python bench/cluster_quality.py [--corpus DIR] [--quick]
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from app.cluster import ClusterParams, Doc, cluster_all
from app.quotes import extract_quotes, quote_key
from app.text import clean_line, clean_text

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
UCI = Path("uci_news_aggregator_subset") / "uci-news-aggregator.csv"
WIKIREF = Path("wikiref_news_text")
RUMCA_2025 = Path("conflict_feeds_rumca_2025")


@dataclass(frozen=True)
class Scores:
    """Pairwise and B-cubed precision/recall/F1 of one clustering."""

    pp: float
    pr: float
    pf: float
    bp: float
    br: float
    bf: float
    clusters: int


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def score(pred: dict[str, str], gold: dict[str, str]) -> Scores:
    """Score predicted cluster ids against gold labels (both story id -> label)."""
    ids = list(gold)
    pred_sets: dict[str, set[str]] = defaultdict(set)
    gold_sets: dict[str, set[str]] = defaultdict(set)
    for i in ids:
        pred_sets[pred[i]].add(i)
        gold_sets[gold[i]].add(i)
    # Pairwise from the contingency table: no O(n^2) loop.
    joint: dict[tuple[str, str], int] = defaultdict(int)
    for i in ids:
        joint[(pred[i], gold[i])] += 1
    tp = sum(n * (n - 1) // 2 for n in joint.values())
    pred_pairs = sum(len(s) * (len(s) - 1) // 2 for s in pred_sets.values())
    gold_pairs = sum(len(s) * (len(s) - 1) // 2 for s in gold_sets.values())
    pp = tp / pred_pairs if pred_pairs else 1.0
    pr = tp / gold_pairs if gold_pairs else 1.0
    bp = sum(joint[(pred[i], gold[i])] / len(pred_sets[pred[i]]) for i in ids) / len(ids)
    br = sum(joint[(pred[i], gold[i])] / len(gold_sets[gold[i]]) for i in ids) / len(ids)
    return Scores(pp, pr, _f1(pp, pr), bp, br, _f1(bp, br), len(pred_sets))


def load_uci(path: Path) -> tuple[list[Doc], dict[str, str]]:
    """UCI headlines as title-only docs, with STORY labels."""
    docs: list[Doc] = []
    gold: dict[str, str] = {}
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        for row in csv.DictReader(f):
            # The last line of the subset is cut mid-row: skip incomplete rows.
            if not row.get("STORY") or not (row.get("TIMESTAMP") or "").isdigit():
                continue
            sid = f"uci-{row['ID']}"
            docs.append(
                Doc(
                    id=sid,
                    source=row["PUBLISHER"] or row["HOSTNAME"] or "",
                    title=clean_line(row["TITLE"]),
                    url=row["URL"],
                    published=datetime.fromtimestamp(int(row["TIMESTAMP"]) / 1000, tz=UTC),
                )
            )
            gold[sid] = row["STORY"]
    return docs, gold


def alias_labels(docs: Sequence[Doc], gold: dict[str, str]) -> dict[str, str]:
    """Unify STORY ids that share an identical normalised headline of 4+ words."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while x in parent:
            x = parent[x]
        return x

    first: dict[str, str] = {}
    for d in docs:
        key = quote_key(d.title)
        if len(key.split()) < 4:
            continue
        if key in first:
            a, b = find(first[key]), find(gold[d.id])
            if a != b:
                parent[b] = a
        else:
            first[key] = gold[d.id]
    return {i: find(g) for i, g in gold.items()}


_TOPIC_RE = re.compile(r"( \(\d+\))?(\.\d+)?\.txt$")


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def load_wikiref(folder: Path) -> tuple[list[Doc], dict[str, str]]:
    """WikiRef articles: title = first line, lead = next paragraph, topic labels."""
    docs: list[Doc] = []
    gold: dict[str, str] = {}
    when = datetime(2016, 1, 1, tzinfo=UTC)
    for path in sorted(folder.glob("*.txt")):
        if path.name.lower() == "readme.txt":
            continue
        text = clean_text(_decode(path.read_bytes()).replace("\x85", "\n"))
        paras = [p.strip() for p in text.split("\n") if p.strip()]
        if not paras:
            continue
        sid = f"wiki-{path.name}"
        docs.append(
            Doc(
                id=sid,
                source=path.name,
                title=paras[0],
                lead=paras[1] if len(paras) > 1 else "",
                published=when,
                quotes=tuple(quote_key(q) for q in extract_quotes(text)),
            )
        )
        gold[sid] = _TOPIC_RE.sub("", path.name)
    return docs, gold


_TAG_RE = re.compile(r"<[^>]+>")


def load_rumca(folder: Path) -> list[Doc]:
    """Unlabelled conflict feed items (title + description as lead), one per feed and link."""
    docs: list[Doc] = []
    seen: set[tuple[str, str]] = set()
    for path in sorted(folder.glob("*/*/*/*_entries.json")):
        for item in json.loads(path.read_text("utf-8")):
            source = item.get("source") or item.get("source_url") or path.name
            if (source, item["link"]) in seen:
                continue
            seen.add((source, item["link"]))
            lead = clean_line(html.unescape(_TAG_RE.sub(" ", item.get("description") or "")))
            docs.append(
                Doc(
                    id=f"{path.parent.name}/{len(docs):05d}",
                    source=source,
                    title=clean_line(html.unescape(item["title"])),
                    lead=lead[:600],
                    url=item["link"],
                    published=datetime.fromisoformat(item["date_published"]),
                    quotes=tuple(quote_key(q) for q in extract_quotes(lead)),
                )
            )
    return docs


def list_joins(docs: list[Doc], params: ClusterParams, out: Callable[[str], None]) -> None:
    """Print every non-founder link for judgement by hand."""
    by_id = {d.id: d for d in docs}
    for link in cluster_all(docs, params):
        if link.matched_id is None:
            continue
        a, b = by_id[link.story_id], by_id[link.matched_id]
        out(f"{link.signal.value:6} {link.score:5.1f} | {a.title[:70]}\n{'':15}| {b.title[:70]}")


def run(docs: Iterable[Doc], params: ClusterParams) -> tuple[dict[str, str], float]:
    """Cluster and time it."""
    t0 = time.perf_counter()
    links = cluster_all(docs, params)
    return {link.story_id: link.cluster_id for link in links}, time.perf_counter() - t0


HEADER = (
    f"{'setting':<34} {'pairP':>6} {'pairR':>6} {'pairF1':>6}  "
    f"{'b3P':>6} {'b3R':>6} {'b3F1':>6}  {'clusters':>8} {'secs':>6}"
)


def row(label: str, s: Scores, secs: float) -> str:
    """One table row."""
    return (
        f"{label:<34} {s.pp:6.3f} {s.pr:6.3f} {s.pf:6.3f}  "
        f"{s.bp:6.3f} {s.br:6.3f} {s.bf:6.3f}  {s.clusters:8d} {secs:6.2f}"
    )


def sweep(
    name: str,
    docs: list[Doc],
    golds: dict[str, dict[str, str]],
    settings: list[tuple[str, ClusterParams]],
    out: Callable[[str], None],
) -> None:
    """Run every setting on one corpus and print a table per label set."""
    results = [(label, *run(docs, params)) for label, params in settings]
    for gold_name, gold in golds.items():
        n_gold = len(set(gold.values()))
        out(f"\n## {name} - labels: {gold_name} ({len(docs)} stories, {n_gold} gold clusters)")
        out(HEADER)
        for label, pred, secs in results:
            out(row(label, score(pred, gold), secs))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="shared corpus folder")
    ap.add_argument("--quick", action="store_true", help="fewer sweep points")
    ap.add_argument("--list-joins", action="store_true", help="list conflict-set joins")
    args = ap.parse_args(argv)
    corpus: Path = args.corpus
    missing = [p for p in (corpus / UCI, corpus / WIKIREF, corpus / RUMCA_2025) if not p.exists()]
    if missing:
        print(
            "cluster_quality: corpus not found: "
            + ", ".join(str(p) for p in missing)
            + "\n  pass --corpus /path/to/shared/corpus",
            file=sys.stderr,
        )
        return 2

    base = ClusterParams()
    print(f"defaults: {base}")

    docs, gold = load_uci(corpus / UCI)
    titles = (80.0, 85.0, 90.0, 95.0) if args.quick else (80.0, 84.0, 87.0, 90.0, 92.0, 95.0)
    uci_settings = [(f"title>={t:g}", replace(base, title_threshold=t)) for t in titles]
    uci_settings += [
        ("defaults, no anchor", replace(base, anchor=False)),
        ("defaults, anchor margin 10", replace(base, anchor_margin=10.0)),
        ("title>=84, no anchor", replace(base, title_threshold=84.0, anchor=False)),
        ("defaults, window 24h", replace(base, window_hours=24.0)),
        ("topic off (before)", replace(base, topic_threshold=100.0)),
        ("topic>=35", replace(base, topic_threshold=35.0)),
        ("topic>=45", replace(base, topic_threshold=45.0)),
        ("topic>=50", replace(base, topic_threshold=50.0)),
        ("DEFAULTS", base),
    ]
    sweep(
        "UCI news aggregator (titles only)",
        docs,
        {"STORY": gold, "STORY+alias": alias_labels(docs, gold)},
        uci_settings,
        print,
    )

    wdocs, wgold = load_wikiref(corpus / WIKIREF)
    leads = (78.0, 84.0, 90.0) if args.quick else (75.0, 78.0, 81.0, 84.0, 87.0, 90.0)
    wiki_settings = [(f"lead>={t:g}", replace(base, lead_threshold=t)) for t in leads]
    wiki_settings += [
        (f"quote>={q:g}", replace(base, quote_threshold=q)) for q in (85.0, 92.0, 100.0)
    ]
    wiki_settings += [
        ("lead>=78, no anchor", replace(base, lead_threshold=78.0, anchor=False)),
        ("defaults, no anchor", replace(base, anchor=False)),
        ("DEFAULTS", base),
    ]
    sweep("WikiRef220 (title + lead + quotes)", wdocs, {"topic": wgold}, wiki_settings, print)

    # Unlabelled conflict feeds: how many joins each setting makes; the joins
    # themselves are listed with --list-joins for judgement by hand.
    rdocs = load_rumca(corpus / RUMCA_2025)
    print(f"\n## conflict_feeds_rumca_2025 (unlabelled, {len(rdocs)} stories): joins per setting")
    for label, params in (
        ("DEFAULTS", base),
        ("title>=87, lead>=81", replace(base, title_threshold=87.0, lead_threshold=81.0)),
        ("title>=84, lead>=78", replace(base, title_threshold=84.0, lead_threshold=78.0)),
        ("defaults, no anchor", replace(base, anchor=False)),
        ("topic off (before)", replace(base, topic_threshold=100.0)),
        ("topic>=45", replace(base, topic_threshold=45.0)),
    ):
        links = cluster_all(rdocs, params)
        joins = sum(link.matched_id is not None for link in links)
        print(f"{label:<34} joins {joins:4d}  clusters {len({x.cluster_id for x in links}):4d}")
    if args.list_joins:
        print("\n### joins at the defaults")
        list_joins(rdocs, base, print)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
