"""Directed edges: citations from the ``references`` field, and mentions of a paper's short name."""

from __future__ import annotations

import re


import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._lexicon import STOP_WORDS
from .._text import normalize_arxiv_id, title_key
from ._contract import LayerEdges
from ._base import EdgeStep, BuildContext


def resolve_references(ctx: BuildContext) -> tuple[list[tuple[int, int, str]], sp.csr_matrix]:
    """Citations inside the corpus as (citing, cited, reference text), and the papers x references matrix.

    A reference matches a paper by arXiv id, by paper id, or by normalised title. The
    matrix covers every distinct reference, inside the corpus or not (for coupling).
    Computed once per build and shared by the citation, co-citation and coupling layers.
    """
    if "references" not in ctx.cache:
        ctx.cache["references"] = _resolve(ctx)
    return ctx.cache["references"]


def _resolve(ctx: BuildContext) -> tuple[list[tuple[int, int, str]], sp.csr_matrix]:
    by_key: dict[str, int] = {}
    for p in ctx.corpus:
        i = ctx.index[p.id]
        by_key.setdefault(p.id, i)
        if p.arxiv_id:
            by_key.setdefault(p.arxiv_id, i)
        by_key.setdefault("title:" + title_key(p.title), i)
    links: list[tuple[int, int, str]] = []
    ref_ids: dict[str, int] = {}
    rows, cols = [], []
    for p in ctx.corpus:
        i = ctx.index[p.id]
        for ref in p.references:
            arx = normalize_arxiv_id(ref)
            target = by_key.get(ref) if ref in by_key else (by_key.get(arx) if arx else None)
            if target is None:
                target = by_key.get("title:" + title_key(ref))
            key = f"p{target}" if target is not None else ("a:" + arx if arx else "t:" + title_key(ref))
            j = ref_ids.setdefault(key, len(ref_ids))
            rows.append(i)
            cols.append(j)
            if target is not None and target != i:
                links.append((i, target, ref))
    mat = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(ctx.index), len(ref_ids)))
    mat.data[:] = 1.0
    return sorted(set(links)), mat


class CitationEdges(EdgeStep):
    """Directed edges from a citing paper to each cited paper of the corpus (weight 1).

    Examples
    --------
    >>> import litgraph as lg
    >>> c = lg.parse_digest('[{"title": "A", "abstract": "x.", "id": "2401.00001"},'
    ...                     ' {"title": "B", "abstract": "y.", "references": ["2401.00001"]}]')
    >>> g = lg.build_graph(c, layers={"citation": 1.0})
    >>> g.edges_frame()[["target", "evidence"]].values.tolist()
    [['2401.00001', "cites it (reference '2401.00001')"]]
    """

    kind = "citation"
    incremental = "rebuild"
    directed = True

    def build(self, ctx: BuildContext) -> LayerEdges:
        links, _ = resolve_references(ctx)
        if not links:
            return LayerEdges.empty()
        rows = np.array([a for a, _, _ in links])
        cols = np.array([b for _, b, _ in links])
        ev = [f"cites it (reference {r!r})" for _, _, r in links]
        return LayerEdges(rows, cols, np.ones(len(rows)), evidence=ev)


class CocitationEdges(EdgeStep):
    """Co-citation (Small, 1973): two papers cited together by ``n`` corpus papers; weight ``n``.

    Examples
    --------
    >>> import litgraph as lg
    >>> c = lg.parse_digest('[{"title": "A", "abstract": "x.", "references": ["C", "D"]},'
    ...                     ' {"title": "C", "abstract": "y."}, {"title": "D", "abstract": "z."}]')
    >>> lg.build_graph(c, layers={"cocitation": 1.0}).edges_frame()["weight"].tolist()
    [1.0]
    """

    kind = "cocitation"
    incremental = "rebuild"
    directed = False

    def build(self, ctx: BuildContext) -> LayerEdges:
        links, _ = resolve_references(ctx)
        if not links:
            return LayerEdges.empty()
        n = len(ctx.index)
        c = sp.csr_matrix((np.ones(len(links)), ([a for a, _, _ in links], [b for _, b, _ in links])), shape=(n, n))
        c.data[:] = 1.0
        co = sp.triu(c.T @ c, k=1).tocoo()
        if co.nnz == 0:
            return LayerEdges.empty()
        ev = [f"cited together by {int(v)} paper(s)" for v in co.data]
        return LayerEdges(co.row, co.col, co.data, evidence=ev)


class CouplingEdges(EdgeStep):
    """Bibliographic coupling (Kessler, 1963): two papers sharing ``n`` references; weight ``n``.

    Examples
    --------
    >>> import litgraph as lg
    >>> c = lg.parse_digest('[{"title": "A", "abstract": "x.", "references": ["R1", "R2"]},'
    ...                     ' {"title": "B", "abstract": "y.", "references": ["R1", "R2"]}]')
    >>> lg.build_graph(c, layers={"coupling": 1.0}).edges_frame()["evidence"].tolist()
    ['2 shared reference(s)']
    """

    kind = "coupling"
    incremental = "rebuild"
    directed = False

    def build(self, ctx: BuildContext) -> LayerEdges:
        _, refs = resolve_references(ctx)
        if refs.nnz == 0:
            return LayerEdges.empty()
        co = sp.triu(refs @ refs.T, k=1).tocoo()
        if co.nnz == 0:
            return LayerEdges.empty()
        ev = [f"{int(v)} shared reference(s)" for v in co.data]
        return LayerEdges(co.row, co.col, co.data, evidence=ev)


_NAME_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-.'][A-Za-z0-9]+)*")


def short_name(title: str) -> str | None:
    """The part of a title before the colon when it reads as a name ("VQGraph", "Hydra").

    >>> short_name("VQGraph: Rethinking Graph Representation Space")
    'VQGraph'
    >>> short_name("Mind The Gap: Deep Learning Doesn't Learn Deeply") is None
    True
    """
    if ":" not in title:
        return None
    head = title.split(":", 1)[0].strip()
    words = head.split()
    if not 1 <= len(words) <= 2 or len(head) > 30 or len(head) < 3 or not re.search(r"[A-Za-z]", head):
        return None
    if len(words) == 2 and not all(re.search(r"[A-Z0-9]", w[1:]) or w.isupper() for w in words):
        return None  # "Mind The" is a phrase, not a name
    return head


_PLAIN = re.compile(r"[A-Z][a-z]+")  # a name that is also an ordinary word, capitalised


class MentionEdges(EdgeStep):
    """Directed edges from a paper to another whose short name its abstract mentions.

    The short name is the part of the title before the colon (see :func:`short_name`).
    It must be rare enough to be a name: a plain capitalised word ("Hydra") counts
    only if its lower-case form never occurs in the corpus and it is no stop word,
    and a name claimed by two papers is ambiguous and skipped. Matching is
    case-sensitive and on whole words.

    Examples
    --------
    >>> import litgraph as lg
    >>> c = lg.parse_digest('[{"title": "VQGraph: Graph Codes", "abstract": "Codebooks for graphs."},'
    ...                     ' {"title": "Other", "abstract": "We beat VQGraph on molecules."}]')
    >>> lg.build_graph(c, layers={"mention": 1.0}).edges_frame()["evidence"].tolist()
    ["abstract mentions 'VQGraph'"]
    """

    kind = "mention"
    directed = True
    incremental = "extend"

    def build(self, ctx: BuildContext) -> LayerEdges:
        return self.mentions(ctx)

    def extend(self, ctx: BuildContext, old: pd.DataFrame, new: np.ndarray) -> LayerEdges:
        """The mentions that start or end at the new papers (positions ``new``)."""
        return self.mentions(ctx, new)

    def mentions(self, ctx: BuildContext, rows=None) -> LayerEdges:
        """The mention edges of the corpus; with ``rows`` (paper positions), only those that start or
        end at one of these papers (what an incremental update adds for new papers)."""
        papers = list(ctx.corpus)
        focus = None if rows is None else set(int(r) for r in rows)
        words, lower_seen = _name_vocabulary(papers, focus)
        names = _claimed_names(papers, focus, lower_seen, ctx.index)
        if not names:
            return LayerEdges.empty()
        rows_, cols, ev = _mentions_of(papers, names, focus, words)
        if not rows_:
            return LayerEdges.empty()
        return LayerEdges(np.array(rows_), np.array(cols), np.ones(len(rows_)),
                           evidence=ev)


def _name_vocabulary(papers, focus):
    """(each paper's tokens that could start a name, or None with a focus; whether a word is written in lower
    case somewhere). Without a focus each abstract is read once and a paper keeps only the tokens that could start
    a name (memory stays small on a million papers), and the corpus keeps the words it writes in lower case."""
    if focus is None:
        starts, plain_lower = set(), set()
        for p in papers:
            name = short_name(p.title)
            if name is not None:
                toks = _NAME_TOKEN.findall(name)
                starts.add(toks[0] if toks else name)
                if _PLAIN.fullmatch(name):
                    plain_lower.add(name.lower())
        words, lower_words = [], set()
        for p in papers:  # of the lower-case words, only those that are a plain name in lower case matter
            tokens = set(_NAME_TOKEN.findall(p.abstract))
            lower_words |= tokens & plain_lower
            words.append(tokens & starts)
        return words, lower_words.__contains__
    joined = "\n".join(p.abstract for p in papers)

    def lower_seen(word: str) -> bool:  # asked only for names that can link a paper in focus
        return re.search(r"(?<![A-Za-z0-9])" + re.escape(word) + r"(?![A-Za-z0-9])", joined) is not None
    return None, lower_seen


def _claimed_names(papers, focus, lower_seen, index) -> dict[str, int]:
    """Short names claimed by exactly one paper's title (name -> its position); plain words that are stop words
    or written in lower case are no names, and with a focus only names that can link a paper in focus count."""
    if focus is not None:
        focus_tokens = set().union(*(_NAME_TOKEN.findall(papers[i].abstract) for i in focus))
        focus_names = {short_name(papers[i].title) for i in focus}
    claims: dict[str, list[int]] = {}
    for p in papers:
        name = short_name(p.title)
        if name is None:
            continue
        plain = _PLAIN.fullmatch(name) is not None
        if plain and name.lower() in STOP_WORDS:
            continue
        if plain and focus is not None and name not in focus_names and name not in focus_tokens:
            continue  # a plain word no paper in focus names or mentions: it links nothing in focus
        if plain and lower_seen(name.lower()):
            continue
        claims.setdefault(name, []).append(index[p.id])
    return {n: ids[0] for n, ids in claims.items() if len(ids) == 1}


def _mentions_of(papers, names: dict[str, int], focus, words):
    """(mentioning positions, mentioned positions, evidence) of every abstract that names another paper."""
    first_token: dict[str, list[str]] = {}
    for n in names:
        toks = _NAME_TOKEN.findall(n)
        first_token.setdefault(toks[0] if toks else n, []).append(n)
    targets = {n for n, j in names.items() if focus is not None and j in focus}
    rows_, cols, ev = [], [], []
    patterns: dict[str, re.Pattern] = {}
    for i, p in enumerate(papers):
        if focus is not None and i not in focus:
            # an earlier paper: only the names of the papers in focus can be new to it
            wanted = {n for n in targets if n in p.abstract}
            tokens = set(_NAME_TOKEN.findall(p.abstract)) if wanted else set()
        else:
            tokens = words[i] if focus is None else set(_NAME_TOKEN.findall(p.abstract))
            wanted = None
        found = set()
        for tok in tokens & first_token.keys():
            for n in first_token[tok]:
                if wanted is not None and n not in wanted:
                    continue
                if n == tok:
                    found.add(n)
                    continue
                if n not in p.abstract:
                    continue
                pat = patterns.get(n)
                if pat is None:
                    pat = patterns[n] = re.compile(r"(?<![\w-])" + re.escape(n) + r"(?![\w-])")
                if pat.search(p.abstract):
                    found.add(n)
        for n in sorted(found):
            j = names[n]
            if j != i:
                rows_.append(i)
                cols.append(j)
                ev.append(f"abstract mentions {n!r}")
    return rows_, cols, ev
