"""Measure pane classification against hand labels.

Reads ``bench/pane_labels.csv`` (labelled by reading, see ``bench/LABELING.md``),
looks each item up in the shared corpus by ``corpus_file`` + ``link``,
classifies title + description with ``app.classify`` and prints, per split,
precision / recall / F1 per pane, macro-F1 and a confusion matrix.

Splits (deterministic, no column in the CSV):
  tune       2023 items with sha1(link)[0] % 10 >= 3 (~70%): the only ones
             looked at while tuning app/default_panes.toml
  held-2023  the other 2023 items (~30%)
  held-2022  every 2022 item (first days of the full-scale invasion)

Usage:
  PYTHONPATH=. python bench/pane_quality.py [--corpus PATH] [--labels CSV]
      [--split tune|held-2023|held-2022|held|all ...] [--errors] [--speed]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import json
import platform
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.classify import DEFAULT_PANE_RULES, PaneRules, classify
from app.models import OTHER
from app.text import clean_line, clean_text

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT_LABELS = ROOT / "bench" / "pane_labels.csv"
SPLITS = ("tune", "held-2023", "held-2022")
_TAG_RE = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Item:
    corpus_file: str
    link: str
    title: str
    summary: str
    label: str
    split: str


def split_of(corpus_file: str, link: str) -> str:
    """The item's split; see the module docstring."""
    if corpus_file.startswith("conflict_feeds_rumca_2022"):
        return "held-2022"
    return (
        "tune"
        if hashlib.sha1(link.encode(), usedforsecurity=False).digest()[0] % 10 >= 3
        else "held-2023"
    )


def strip_html(value: str) -> str:
    """Feed descriptions carry HTML; ingest strips it, so the bench does too."""
    return html.unescape(_TAG_RE.sub(" ", value or ""))


def load_items(corpus: Path, labels: Path) -> list[Item]:
    cache: dict[str, dict[str, dict[str, str]]] = {}
    items: list[Item] = []
    with labels.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            name = row["corpus_file"]
            if name not in cache:
                data = json.loads((corpus / name).read_text(encoding="utf-8"))
                cache[name] = {entry["link"]: entry for entry in data}
            entry = cache[name].get(row["link"])
            if entry is None:
                sys.exit(f"{name}: no item with link {row['link']}")
            items.append(
                Item(
                    corpus_file=name,
                    link=row["link"],
                    title=clean_line(strip_html(entry.get("title", ""))),
                    summary=clean_text(strip_html(entry.get("description", ""))),
                    label=row["label"],
                    split=split_of(name, row["link"]),
                )
            )
    return items


def report(name: str, pairs: Sequence[tuple[str, str]], panes: Sequence[str]) -> None:
    """Print P/R/F1 per pane, macro-F1 and the confusion matrix."""
    print(f"\n== {name}: {len(pairs)} items")
    f1s: dict[str, float] = {}
    print(f"{'pane':<12}{'prec':>7}{'recall':>8}{'F1':>7}{'support':>9}")
    for pane in panes:
        tp = sum(1 for g, p in pairs if g == pane and p == pane)
        fp = sum(1 for g, p in pairs if g != pane and p == pane)
        fn = sum(1 for g, p in pairs if g == pane and p != pane)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s[pane] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        print(f"{pane:<12}{prec:>7.3f}{rec:>8.3f}{f1s[pane]:>7.3f}{tp + fn:>9}")
    conflict = [p for p in panes if p != OTHER]
    accuracy = sum(1 for g, p in pairs if g == p) / len(pairs) if pairs else 0.0
    print(f"macro-F1 (all {len(panes)} classes): {sum(f1s.values()) / len(panes):.3f}")
    print(
        f"macro-F1 ({len(conflict)} conflict panes): "
        f"{sum(f1s[p] for p in conflict) / len(conflict):.3f}"
    )
    print(f"accuracy: {accuracy:.3f}")
    print("confusion (rows = label, columns = predicted):")
    print(" " * 12 + "".join(f"{p[:11]:>12}" for p in panes))
    for gold in panes:
        counts = [sum(1 for g, p in pairs if g == gold and p == pred) for pred in panes]
        print(f"{gold:<12}" + "".join(f"{c:>12}" for c in counts))


def speed(corpus: Path, rules: PaneRules, rounds: int = 5) -> None:
    """Classify every 2023 feed item; print the best of ``rounds`` passes.

    CPU time of this process (``time.process_time``), best pass: on a shared
    machine other load only ever slows a pass down.
    """
    texts: list[tuple[str, str]] = []
    for path in sorted((corpus / "conflict_feeds_rumca_2023").rglob("*.json")):
        for entry in json.loads(path.read_text(encoding="utf-8")):
            texts.append(
                (
                    clean_line(strip_html(entry.get("title", ""))),
                    clean_text(strip_html(entry.get("description", ""))),
                )
            )
    long_body = " ".join(s for _, s in texts[:200])  # read up to max_chars, like an article
    print(f"python {platform.python_version()}, CPU time, best of {rounds} passes, one core")
    for label, body in (("title + summary", ""), ("+ 2,000-char body", long_body)):
        best = float("inf")
        for _ in range(rounds):
            start = time.process_time()
            for title, summary in texts:
                classify(title, summary, body, rules=rules)
            best = min(best, time.process_time() - start)
        print(f"speed ({label}): {len(texts) / best:,.0f} stories/s over {len(texts)} items")


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument(
        "--split",
        action="append",
        choices=(*SPLITS, "held", "all"),
        help="splits to report (repeatable); default: tune, held-2023, held-2022, held, all",
    )
    parser.add_argument("--errors", action="store_true", help="list misclassified items")
    parser.add_argument("--speed", action="store_true", help="also measure throughput")
    args = parser.parse_args(list(argv) if argv is not None else None)

    rules = DEFAULT_PANE_RULES
    panes = (*rules.names, OTHER)
    items = load_items(args.corpus, args.labels)
    predicted = {(i.corpus_file, i.link): classify(i.title, i.summary, rules=rules) for i in items}
    groups = {
        "tune": ("tune",),
        "held-2023": ("held-2023",),
        "held-2022": ("held-2022",),
        "held": ("held-2023", "held-2022"),
        "all": SPLITS,
    }
    chosen = args.split or ["tune", "held-2023", "held-2022", "held", "all"]
    print(f"labels: {args.labels} ({len(items)} items); corpus: {args.corpus}")
    for name in chosen:
        subset = [i for i in items if i.split in groups[name]]
        pairs = [(i.label, predicted[(i.corpus_file, i.link)].pane) for i in subset]
        report(name, pairs, panes)
        if args.errors:
            for i in subset:
                c = predicted[(i.corpus_file, i.link)]
                if c.pane != i.label:
                    print(f"  [{i.label} -> {c.pane} {c.score:g} {', '.join(c.terms)}] {i.title}")
    if args.speed:
        speed(args.corpus, rules)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
