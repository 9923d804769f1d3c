"""The daily report over a small archive made for the tests: incremental runs, topic ids, trends, folders."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta

import numpy as np
import pytest

import litgraph as lg
from conftest import WordHashEmbedder, run_cli
from litgraph.analysis.continuity import match_communities, topic_changes
from litgraph.analysis.ranking import day_upvote_percentile
from litgraph.incremental import GraphState, update_graph
from litgraph.report import STATE_KEY, run_report

DAYS = 20


def _archive(folder, sample_corpus):
    """The sample's 339 papers as 20 daily ``daily_papers`` files named by their day (about 17 papers each)."""
    folder.mkdir()
    papers = list(sample_corpus)
    start = date(2025, 3, 1)
    for d in range(DAYS):
        day = start + timedelta(days=d)
        entries = [{"paper": {"id": p.arxiv_id or f"2503.{d:02d}{k:03d}", "title": p.title, "summary": p.abstract,
                              "upvotes": (7 * k + d) % 23, "publishedAt": f"{day.isoformat()}T00:00:00.000Z"},
                    "title": p.title, "publishedAt": f"{day.isoformat()}T00:00:00.000Z"}
                   for k, p in enumerate(papers[d::DAYS])]
        (folder / f"{day.isoformat()}.json").write_text(json.dumps(entries), encoding="utf-8")
    return sorted(folder.glob("*.json"))


@pytest.fixture(scope="module")
def replay(tmp_path_factory, sample_corpus):
    """Days 1-15 as one run, then days 16, 17, 18 as daily runs over the growing folder."""
    root = tmp_path_factory.mktemp("daily")
    files = _archive(root / "all", sample_corpus)
    feed = root / "feed"
    feed.mkdir()
    db, out = root / "lg.db", root / "out"
    results = {}
    for f in files[:15]:
        (feed / f.name).write_bytes(f.read_bytes())
    results[files[14].stem] = run_report([str(feed)], db=db, out=out, day=files[14].stem)
    snapshots = {}
    for f in files[15:18]:
        (feed / f.name).write_bytes(f.read_bytes())
        results[f.stem] = run_report([str(feed)], db=db, out=out, day=f.stem)
        with lg.Store(db) as store:
            snapshots[f.stem] = store.load_state(STATE_KEY)
    return root, db, out, files, results, snapshots


def test_first_run_is_full_then_daily_runs_extend_it(replay):
    _, _, _, files, results, _ = replay
    kinds = [r.data["run"]["kind"] for r in results.values()]
    reasons = [r.data["run"]["reason"] for r in results.values()]
    assert kinds[0] == "full" and reasons[0] == "no saved graph state (first run)"
    assert kinds[1] == "incremental" and results[files[15].stem].data["run"]["new_papers"] == 17
    # day 17: 34 papers since the full build of 255 (13% > 10%): a full rebuild, and the report says why
    assert kinds[2] == "full" and "34 papers were added since the last full build" in reasons[2]
    assert kinds[3] == "incremental"  # day 18 extends the rebuild of day 17
    md = (results[files[15].stem].folder / "report.md").read_text(encoding="utf-8")
    assert "Incremental run: 17 new paper(s)" in md


def test_incremental_graph_is_close_to_a_full_build(replay, sample_corpus):
    _, db, _, files, results, snapshots = replay
    day = files[15].stem
    state = GraphState.from_bytes(snapshots[day])
    with lg.Store(db) as store:
        corpus = store.corpus().subset(state.ids)
    assert corpus.ids == state.ids
    full = lg.build_graph(corpus, seed=0)

    def top(edges):  # by paper position: the state and the full build have the same papers in the same order
        out: dict[int, list] = {}
        for s, t, w in zip(edges["src"], edges["dst"], edges["score"]):
            out.setdefault(s, []).append((-w, t))
            out.setdefault(t, []).append((-w, s))
        return {k: {x for _, x in sorted(v)[:10]} for k, v in out.items()}

    for kind, tolerance in (("similarity", 0.9), ("concepts", 0.8)):
        a = top(state.edges[state.edges["kind"] == kind])
        e = full.edge_table()
        b = top(e[e["kind"] == kind])
        jaccard = np.mean([len(a.get(k, set()) & v) / len(a.get(k, set()) | v) for k, v in b.items()])
        assert jaccard >= tolerance, (kind, jaccard)


def test_update_equals_a_rebuild_for_the_new_papers_similarity(sample_corpus):
    """Without drift (same vocabulary and weights), a new paper's top-k is exactly a full build's."""
    ids = sample_corpus.ids
    old = sample_corpus.subset(ids[:300])
    model = lg.LitGraph(seed=0).fit(old, keep_state=True)
    graph, nxt = update_graph(model.state_, sample_corpus)
    assert graph.n_papers == 339 and nxt.ids == ids and nxt.updates == 1
    x = nxt.vectors
    for i in range(300, 339):
        sims = (x[i] @ x.T).toarray().ravel()
        sims[i] = -1
        best = set(np.argsort(-sims, kind="stable")[:10].tolist()) - {i}
        mine = graph.neighbors(ids[i], 50)
        linked = {ids.index(t) for t, k in zip(mine["neighbor"], mine["kinds"]) if "similarity" in k}
        assert {j for j in best if sims[j] > 0} <= linked


def test_state_round_trip(sample_corpus):
    model = lg.LitGraph(seed=0).fit(sample_corpus, keep_state=True)
    st = model.state_
    back = GraphState.from_bytes(st.to_bytes())
    kept = st.edges[st.edges["kind"].isin(["concepts", "similarity", "mention"])].reset_index(drop=True)
    assert back.edges[["src", "dst", "kind", "directed", "concepts", "evidence"]].equals(
        kept[["src", "dst", "kind", "directed", "concepts", "evidence"]])
    assert np.allclose(back.edges["weight"], kept["weight"]) and (back.vectors != st.vectors).nnz == 0
    assert back.concepts.names == st.concepts.names and (back.concepts.matrix != st.concepts.matrix).nnz == 0


def test_a_damaged_state_means_a_full_build_that_says_so(tmp_path, sample_paths):
    db, out = tmp_path / "lg.db", tmp_path / "out"
    run_report([str(sample_paths[0])], db=db, out=out, day="2025-03-01")
    con = sqlite3.connect(db)
    con.execute("UPDATE state SET value = ? WHERE key = ?", (b"not a state", STATE_KEY))
    con.commit()
    con.close()
    r = run_report([str(sample_paths[1])], db=db, out=out, day="2025-03-02")
    assert r.data["run"]["kind"] == "full" and "cannot be read" in r.data["run"]["reason"]


def test_refit_flag_forces_a_full_build(replay, tmp_path):
    root, db, _, files, _, _ = replay
    db2 = tmp_path / "copy.db"
    with sqlite3.connect(db) as src, sqlite3.connect(db2) as dst:
        src.backup(dst)
    r = run_cli("report", "--db", db2, "--out", tmp_path / "out", "--date", "2025-03-30", "--force", "--refit")
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "out" / "2025-03-30" / "report.json").read_text(encoding="utf-8"))
    assert data["run"] == {"kind": "full", "reason": "a full rebuild was asked for (--refit)", "new_papers": 306}


def test_known_files_are_not_parsed_again(replay, monkeypatch):
    root, db, _, files, _, _ = replay
    import litgraph.ingest as ingest

    parsed = []
    real = ingest._parse_source
    monkeypatch.setattr(ingest, "_parse_source", lambda src, **kw: parsed.append(src.name) or real(src, **kw))
    with lg.Store(db) as store:
        corpus = lg.read_digests(root / "feed", known=store.content_hashes())
    assert len(corpus) == 0 and parsed == []


def test_communities_keep_their_ids(replay):
    _, _, _, files, results, _ = replay
    for f in files[15:18]:
        t = results[f.stem].data["topic_changes"]
        # each day adds 6% to a 300-paper graph; on the real archive (17 a day to 9,000) it is 97-100%
        assert t["matched_to_previous"] and t["kept_share"] >= 0.8, t
    day = results[files[15].stem].data
    assert all(c["status"] in ("continued", "new", "other") for c in day["communities"])
    cont = [c for c in day["communities"] if c["status"] == "continued"]
    assert cont and all(c["change"] == c["size"] - c["previous_size"] for c in cont)


def test_trend_rules_on_the_replay(replay):
    _, _, _, files, results, _ = replay
    data = results[files[17].stem].data
    names = [w["window"] for w in data["trends"]]
    assert names == ["since the previous report", "last 7 days", "last 30 days"]
    since = data["trends"][0]
    assert since["start"] == since["end"] == files[17].stem and since["papers"] == 17
    for w in data["trends"]:
        assert all(t["papers"] >= 5 and t["window_share"] > t["baseline_share"] and t["z"] > 0 for t in w["rising"])
        assert all(t["baseline_papers"] == 0 for t in w["new_concepts"])
        zs = [t["z"] for t in w["rising"]]
        assert zs == sorted(zs, reverse=True)


def test_log_odds_does_not_reward_tiny_counts(sample_corpus):
    """Two papers out of a quiet window must not outrank a concept carried by many more."""
    res = lg.LitGraph(seed=0).fit(_dated(sample_corpus)).analysis_
    df = lg.analysis.window_trends(res.graph, start="2025-03-16", min_papers=1, prior=0.1)
    small = df[df["papers"] <= 2]
    big = df[(df["papers"] >= 6) & (df["window_share"] > 2 * df["baseline_share"])]
    if len(big) and len(small):
        assert big["z"].max() > small["z"].max()


def _dated(corpus):
    """The sample with its papers spread over 20 days (one digest per day)."""
    from litgraph.model import Record

    parts = []
    papers = list(corpus)
    from litgraph.ingest._base import Source, make_digest

    for d in range(DAYS):
        day = date(2025, 3, 1) + timedelta(days=d)
        recs = [Record(title=p.title, abstract=p.abstract, arxiv_id=p.arxiv_id, position=k + 1)
                for k, p in enumerate(papers[d::DAYS])]
        src = Source(name=f"{day.isoformat()}.json", text=str(d), captured=day)
        parts.append((make_digest(src, "json"), recs))
    return lg.Corpus.from_records(parts)


def test_upvotes_count_against_the_same_day():
    from litgraph.model import Record
    from litgraph.ingest._base import Source, make_digest

    quiet = [Record(title=f"Quiet {k}", abstract="a b c", upvotes=v, position=k + 1) for k, v in enumerate([1, 2, 3])]
    busy = [Record(title=f"Busy {k}", abstract="a b c", upvotes=v, position=k + 1)
            for k, v in enumerate([100, 200, 300])]
    parts = [(make_digest(Source(name="2025-01-01.json", text="q"), "json"), quiet),
             (make_digest(Source(name="2025-01-02.json", text="b"), "json"), busy)]
    corpus = lg.Corpus.from_records(parts)
    standing = dict(zip(corpus.ids, day_upvote_percentile(corpus).tolist()))
    top_quiet = corpus.ids[[p.title for p in corpus].index("Quiet 2")]
    top_busy = corpus.ids[[p.title for p in corpus].index("Busy 2")]
    low_busy = corpus.ids[[p.title for p in corpus].index("Busy 0")]
    assert standing[top_quiet] == standing[top_busy] == 1.0 and standing[low_busy] == 0.0


def test_matching_keeps_ids_and_names_splits_and_merges():
    ids = [f"p{i}" for i in range(12)]
    previous = {f"p{i}": (7 if i < 6 else 9) for i in range(12)}
    # the same two groups, numbered the other way round: ids come back
    assert match_communities(ids, np.array([1] * 6 + [0] * 6), previous).tolist() == [7] * 6 + [9] * 6
    # group 7 splits in two, group 9 stays whole
    now = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2])
    m = match_communities(ids, now, previous)
    assert m[6:].tolist() == [9] * 6 and set(m[:6].tolist()) == {7, 10}
    ch = topic_changes(ids, m, previous)
    assert ch["splits"] == [{"from": 7, "into": sorted(set(m[:6].tolist()))}] and ch["new"] == [10]
    # both merge into one: one keeps its id, the other is gone, and the merge is named
    merged = match_communities(ids, np.zeros(12, dtype=int), previous)
    ch = topic_changes(ids, merged, previous)
    assert ch["merges"] == [{"into": int(merged[0]), "from": [7, 9]}] and len(ch["gone"]) == 1
    assert ch["kept_share"] == 0.5


def test_lean_folders_exports_and_retention(tmp_path, sample_paths):
    out = tmp_path / "out"
    for k, day in enumerate(["2025-03-01", "2025-03-02", "2025-03-03"]):
        run_report([str(sample_paths[k])], db=tmp_path / "lg.db", out=out, day=day, keep=2,
                   exports="all" if k == 2 else "view")
    assert sorted(p.name for p in out.iterdir()) == ["2025-03-02", "2025-03-03", "graph", "latest"]
    assert sorted(p.name for p in (out / "graph").iterdir()) == ["edges.csv", "graph.graphml", "graph.html",
                                                                "nodes.csv"]
    r = run_report(None, db=tmp_path / "lg.db", out=out, day="2025-03-04", exports="none", force=True)
    assert r.data["files"]["graph_html"] is None and "<iframe" not in (r.folder / "index.html").read_text("utf-8")
    r = run_report(None, db=tmp_path / "lg.db", out=out, day="2025-03-05", exports="dated", force=True)
    assert {"graph.html", "graph.graphml", "nodes.csv", "edges.csv"} <= {p.name for p in r.folder.iterdir()}
    assert r.data["files"]["graph_html"] == "graph.html"


def test_bad_report_options_are_named(tmp_path, sample_paths):
    with pytest.raises(lg.InvalidParameterError, match="'exports'"):
        run_report([str(sample_paths[0])], db=tmp_path / "lg.db", out=tmp_path / "out", exports="everything")
    with pytest.raises(lg.InvalidParameterError, match="'keep'"):
        run_report([str(sample_paths[0])], db=tmp_path / "lg.db", out=tmp_path / "out", keep=0)
    with pytest.raises(lg.InvalidParameterError, match="'previous'"):
        lg.analyze(lg.build_graph(lg.read_digest(sample_paths[1])), previous={"x": "seven"})


def test_papers_keep_their_place_from_one_report_to_the_next(sample_corpus):
    from litgraph.export import stable_positions

    ids = sample_corpus.ids
    first = lg.LitGraph(seed=0).fit(sample_corpus.subset(ids[:300])).analysis_
    before = stable_positions(first)
    previous = {pid: (*before[pid], first.community_of(pid)) for pid in before}
    prev_comm = {pid: first.community_of(pid) for pid in ids[:300]}
    now = lg.LitGraph(seed=0).fit(sample_corpus, previous=prev_comm).analysis_
    after = stable_positions(now, previous)
    assert set(after) == set(ids)
    same = [pid for pid in ids[:300] if now.community_of(pid) == first.community_of(pid)]
    assert len(same) > 250 and all(after[pid] == before[pid] for pid in same)
    # a new paper sits among the papers of its community, not somewhere else on the map
    xy = np.array([after[p] for p in ids])
    mem = np.array([now.community_of(p) for p in ids])
    from scipy.spatial import cKDTree

    tree = cKDTree(xy)
    new = [i for i in range(300, 339) if mem[i] >= 0 and (mem[:300] == mem[i]).any()]
    near = [np.mean(mem[tree.query(xy[i], k=6)[1][1:]] == mem[i]) for i in new]
    assert new and np.mean(near) >= 0.7
    # with little to keep, the map is drawn afresh
    assert stable_positions(now, {ids[0]: (0.0, 0.0, now.community_of(ids[0]))}) == stable_positions(now)


def test_a_daily_build_links_new_papers_as_a_full_build_does(sample_corpus, tmp_path):
    """With the same scores (sentence vectors do not drift), the links a daily build adds for new papers are
    exactly a full build's: each new paper's top k, and an older paper's only where it enters its top k."""
    first = sample_corpus.subset(sample_corpus.ids[:300])
    similarity = {"embedder": WordHashEmbedder(), "text_weight": 0.0}
    with lg.Store(tmp_path / "lg.db") as store:
        day1 = lg.LitGraph(similarity=similarity, seed=0).fit(first, keep_state=True, store=store)
        state = GraphState.from_bytes(day1.state_.to_bytes())
        day2 = lg.LitGraph(similarity=similarity, seed=0).fit(sample_corpus, state=state, store=store)
        full = lg.LitGraph(similarity=similarity, seed=0).fit(sample_corpus, store=store)
    assert day2.fit_kind_ == "incremental"

    def new_links(model):
        t = model.graph_.edge_table()
        t = t[(t["kind"] == "similarity") & ((t["src"] >= 300) | (t["dst"] >= 300))]
        return set(zip(t["src"].tolist(), t["dst"].tolist()))

    assert len(new_links(full)) > 100 and new_links(day2) == new_links(full)
