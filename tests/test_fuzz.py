"""Property tests of every parser: arbitrary bytes and mutated real digests either read or raise a LitgraphError.

Mutations cover what hostile campaigns found: other encodings (UTF-16/32, BOMs), dates at the ends of the
calendar, numbers where text belongs, non-finite numbers, long LaTeX runs, autolinks, control characters. A
corpus that reads is stored in a real SQLite file and read back. A store with random bytes overwritten either
reads or raises a LitgraphError (a StoreError naming the damage), never a traceback.

The regular run tries a few hundred inputs per format. The campaign tries 10,000 or more per format::

    LITGRAPH_FUZZ=10000 python -m pytest -m slow tests/test_fuzz.py -p no:cacheprovider
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import litgraph as lg

CAMPAIGN = int(os.environ.get("LITGRAPH_FUZZ", "0") or 0)
QUICK = 30
STORE_DIR = Path(tempfile.mkdtemp(prefix="litgraph-fuzz-"))


def _sample_excerpt(index: int, lines: int) -> str:
    return "\n".join(lg.sample_paths()[index].read_text(encoding="utf-8").split("\n")[:lines]) + "\n"


def _entry(i: int) -> dict:
    return {"paper": {"id": f"2501.0000{i}", "title": f"Paper {i}: A Title", "summary": "An abstract. It reads.",
                      "upvotes": i, "authors": [{"name": "Ada Lovelace"}], "publishedAt": "2025-01-08T10:00:00Z"},
            "organization": {"fullname": "Lab"}, "publishedAt": "2025-01-09T08:00:00Z"}


SEEDS = {
    "hf-page-blocks": _sample_excerpt(0, 60),
    "hf-page-plain": _sample_excerpt(1, 40),
    "hf-page-dense": _sample_excerpt(2, 30),
    "hf-api-json": json.dumps([_entry(1), _entry(2)]),
    "hf-api-repr": json.dumps({"status": "ok", "date": "2025-01-10", "count": 2, "data": [repr(_entry(3)), repr(_entry(4))]}),
    "arxiv-atom": ("<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom' xmlns:arxiv='http://arxiv.org/"
                   "schemas/atom'><entry><id>http://arxiv.org/abs/2312.00752v1</id><title>Mamba</title><summary>An "
                   "abstract.</summary><published>2023-12-01T18:01:34Z</published><author><name>A Gu</name></author>"
                   "<arxiv:primary_category term='cs.LG'/></entry></feed>"),
    "bibtex": ("@article{gu2023mamba, title = {{Mamba}: Linear-Time Sequence Modeling}, author = {Gu, Albert and Dao, "
               "Tri}, year = 2023, month = dec, eprint = {2312.00752}, abstract = {Foundation models \\'e.}}\n"),
    "csv": ('title,abstract,arxiv_id,date,authors,digest,references,upvotes\n"Hydra: Bidirectional SSMs","We extend '
            'Mamba. It reads.",2407.09941,2024-07-13,Sukjun Hwang; Aakash Lahoti,2024-07-15,2312.00752,4\n'),
    "jsonl": ('{"title": "A", "abstract": "B. It reads.", "id": "2401.00001", "upvotes": 2}\n'
              '{"title": "C", "abstract": "D. It reads.", "references": ["2401.00001"], "organization": ["X"]}\n'),
    "json-records": '[{"title": "A", "abstract": "B. It reads.", "date": "2024-01-02", "digest": "2024-01-03"}]',
}
_FORMAT_OF = {"hf-api-repr": "hf-api-json"}

_SPECIAL = st.sampled_from([
    "\n", "\n\n", '"', "'", "{", "}", "[", "]", ",", ";", "·", "  • 3 authors", "Oct 28 1", "\x00", "\x1b[2J",
    "\\ud800", "\ud800", "9" * 5000, "-" * 3000, "@r{@{", "<", "&", "NaN", "True", "None", "\r", "\t", "\ufeff",
    "year={0}", "month={²}", '"upvotes": -1', "'paper'", "<entry>", "Subscribe", "Daily Papers", "javascript:",
    "Jan 1, 0001", "Jan 1, 1", "0001-01-02", "9999-12-31", "Dec 31, 9999", "1e308", "-inf", "NaN", "1e400",
    '"title": 12', '"summary": 1.5', '"id": 1e999', "\\'{e}" * 300, "\\emph{" * 50, "}" * 50, "$" * 40,
    "http://report.md", "www.example.com", "a\u2028b", "\ufffe", "\udcff", "\x85", "ÿþ", "þÿ",
])
_ENCODINGS = st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32"])


@st.composite
def mutated(draw, seed: str) -> bytes:
    """A seed digest after a few random edits: cut, repeat, insert special text, replace, truncate."""
    text = seed
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 200)))
        op = draw(st.sampled_from(["cut", "repeat", "insert", "replace", "truncate"]))
        if op == "cut":
            text = text[:i] + text[j:]
        elif op == "repeat":
            text = text[:j] + text[i:j] * draw(st.integers(2, 5)) + text[j:]
        elif op == "insert":
            text = text[:i] + draw(st.one_of(_SPECIAL, st.text(max_size=20))) + text[i:]
        elif op == "replace":
            text = text[:i] + draw(_SPECIAL) + text[j:]
        else:
            text = text[:i]
    return text.encode(draw(_ENCODINGS), "surrogatepass")


def check(data: bytes, fmt: str | None) -> None:
    """The property: a corpus whose papers all have a title and an abstract, storable; or a LitgraphError."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lg.SkippedRecordsWarning)
        for strict in (True, False):
            try:
                corpus = lg.parse_digest(data, format=fmt, strict=strict, source="fuzz")
            except lg.LitgraphError as exc:
                assert str(exc).startswith("fuzz") and "\n" not in str(exc), str(exc)
                continue
            assert all(p.title and p.abstract for p in corpus)
            with lg.Store(STORE_DIR / "fuzz.db") as store:
                store.add(corpus)
                back = store.corpus()
                assert set(back.papers) >= set(corpus.papers)
                store.papers_frame()
            for suffix in ("", "-wal", "-shm"):
                (STORE_DIR / f"fuzz.db{suffix}").unlink(missing_ok=True)


def _run(examples: int):
    def decorate(test):
        return settings(max_examples=examples, deadline=None, database=None,
                        suppress_health_check=list(HealthCheck))(test)
    return decorate


def _mutation_test(examples: int):
    @_run(examples)
    @given(data=st.data())
    def run(name, data):
        fmt = _FORMAT_OF.get(name, name)
        blob = data.draw(mutated(SEEDS[name]))
        check(blob, data.draw(st.sampled_from([None, fmt])))
    return run


def _bytes_test(examples: int):
    @_run(examples)
    @given(blob=st.binary(max_size=600), fmt=st.sampled_from([None, *lg.FORMATS]))
    def run(blob, fmt):
        check(blob, fmt)
    return run


@pytest.mark.parametrize("name", list(SEEDS))
def test_mutated_digests_read_or_raise(name):
    _mutation_test(QUICK)(name)


def test_arbitrary_bytes_read_or_raise():
    _bytes_test(QUICK * 3)()


@pytest.mark.slow
@pytest.mark.skipif(not CAMPAIGN, reason="the fuzzing campaign runs with LITGRAPH_FUZZ=<examples per format>")
@pytest.mark.parametrize("name", list(SEEDS))
def test_campaign_mutated(name):
    _mutation_test(CAMPAIGN)(name)


@pytest.mark.slow
@pytest.mark.skipif(not CAMPAIGN, reason="the fuzzing campaign runs with LITGRAPH_FUZZ=<examples per format>")
@pytest.mark.parametrize("fmt", [None, *lg.FORMATS])
def test_campaign_bytes(fmt):
    @_run(CAMPAIGN)
    @given(blob=st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(lambda t: t.encode("utf-8", "replace"))))
    def run(blob):
        check(blob, fmt)
    run()


@pytest.fixture(scope="module")
def stored_sample(tmp_path_factory):
    """A store of the three sample digests, checkpointed into one file."""
    db = tmp_path_factory.mktemp("store") / "lg.db"
    with lg.Store(db) as store:
        store.add(lg.load_sample())
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return db


def _damage_test(examples: int, stored: Path):
    @_run(examples)
    @given(edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=64)),
                          min_size=1, max_size=6))
    def run(edits):
        db = STORE_DIR / "damaged.db"
        shutil.copyfile(stored, db)
        data = bytearray(db.read_bytes())
        for where, blob in edits:
            at = 100 + int(where * (len(data) - 100))  # the 100-byte header: a damaged header is not a store
            data[at:at + len(blob)] = blob
        db.write_bytes(bytes(data))
        try:
            with lg.Store(db, readonly=True) as store:
                store.corpus()
                store.papers_frame()
        except lg.LitgraphError as exc:
            assert "\n" not in str(exc).strip(), str(exc)
        finally:
            for suffix in ("", "-wal", "-shm"):
                (STORE_DIR / f"damaged.db{suffix}").unlink(missing_ok=True)
    return run


def test_a_damaged_store_reads_or_says_so(stored_sample):
    _damage_test(QUICK, stored_sample)()


@pytest.mark.slow
@pytest.mark.skipif(not CAMPAIGN, reason="the fuzzing campaign runs with LITGRAPH_FUZZ=<examples per format>")
def test_campaign_damaged_store(stored_sample):
    _damage_test(CAMPAIGN, stored_sample)()
