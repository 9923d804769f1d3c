"""Synthetic corpora recombined from the sample abstracts' sentences (for benchmarks)."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

import litgraph as lg
from litgraph.model import Corpus, Record
from litgraph.ingest._base import Source, make_digest


def synth_corpus(n: int, *, seed: int = 0, digest_size: int = 100) -> Corpus:
    """``n`` papers whose titles and abstracts recombine sample sentences, in digests of ``digest_size``."""
    rng = random.Random(seed)
    sample = list(lg.load_sample())
    sentences = [s for p in sample for s in re.split(r"(?<=[.!?])\s+", p.abstract) if len(s) > 40]
    titles = [p.title for p in sample]
    parts = []
    day = date(2025, 1, 1)
    for start in range(0, n, digest_size):
        recs = []
        for pos in range(min(digest_size, n - start)):
            base = rng.choice(sample)
            own = re.split(r"(?<=[.!?])\s+", base.abstract)
            k = max(3, len(own) // 2)
            abstract = " ".join(own[:k] + rng.sample(sentences, 4))
            title = f"{rng.choice(titles)} ({start + pos})"
            recs.append(Record(title=title, abstract=abstract, position=pos + 1))
        src = Source(name=f"synthetic-{start // digest_size:05d}", text=f"synthetic {seed} {start}",
                     captured=day)
        parts.append((make_digest(src, "synthetic", digest_date=day), recs))
        day += timedelta(days=1)
    return Corpus.from_records(parts)


def synth_corpus_file(n: int, path, *, seed: int = 0, digest_size: int = 100):
    """The synthetic corpus written as JSON Lines (one digest per ``digest`` value), as a user would save it."""
    import json
    from pathlib import Path

    corpus = synth_corpus(n, seed=seed, digest_size=digest_size)
    path = Path(path)
    with open(path, "w", encoding="utf-8") as fh:
        for d in corpus.digests:
            for pid in d.paper_ids:
                p = corpus[pid]
                fh.write(json.dumps({"title": p.title, "abstract": p.abstract, "digest": d.date.isoformat()}) + "\n")
    return path
