"""The known concepts of new texts: what an incremental run needs for a day's new papers."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ._scan import scan
from ._set import ConceptSet
from ._tokens import _is_acronym, _singular


def concept_rows(cs: ConceptSet, texts: list[str], max_words: int = 4) -> sp.csr_matrix:
    """Occurrence counts (texts x ``cs``'s concepts) of the concepts ``cs`` already knows in ``texts``.

    The texts are scanned as :class:`~litgraph.ConceptExtractor` scans a corpus, and each
    candidate is resolved to a known concept by its key, an alias or, for an acronym, the
    expansion the text defines; candidates that are no known concept are left out (a full
    extraction finds new concepts).
    """
    n = len(texts)
    if n == 0 or len(cs) == 0:
        return sp.csr_matrix((n, len(cs)))
    col = {k: j for j, k in enumerate(cs.keys)}

    def known(form: str) -> int:
        if form in col:
            return col[form]
        try:
            return cs.index(form)
        except KeyError:
            return -1

    # an acronym a text does not define means the concept that most papers write it for
    # ("LLM": "large language model", not a rare misspelling that also defines it)
    by_acronym: dict[str, int] = {}
    for j, al in enumerate(cs.aliases):
        for a in al:
            if _is_acronym(a) and (a not in by_acronym or cs.df[j] > cs.df[by_acronym[a]]):
                by_acronym[a] = j

    full = scan(texts, max_words)
    mapped = np.full(len(full.keys), -1, dtype=np.int64)
    for j, raw in enumerate(full.keys):
        k = full.resolved_key(raw)
        if k is not None:
            mapped[j] = known(k)
    c = full.counts.tocoo()
    ok = mapped[c.col] >= 0
    rows, cols, vals = [c.row[ok]], [mapped[c.col[ok]]], [c.data[ok]]
    a = full.acronyms.tocoo()
    for i, a_j, n_a in zip(a.row.tolist(), a.col.tolist(), a.data.tolist()):
        name = full.acronym_names[a_j]
        target = full.defined.get(i, {}).get(name)
        j = known(target) if target else -1
        if j < 0:
            j = by_acronym.get(name, by_acronym.get(_singular(name), -1))
        if j < 0:
            j = known(name)
        if j >= 0:
            rows.append(np.array([i]))
            cols.append(np.array([j]))
            vals.append(np.array([n_a], dtype=np.float64))
    for i, found in full.defined.items():  # the definition itself counts as an occurrence
        for e in found.values():
            j = known(e)
            if j >= 0:
                rows.append(np.array([i]))
                cols.append(np.array([j]))
                vals.append(np.array([1.0]))
    m = sp.csr_matrix((np.concatenate(vals).astype(np.float64),
                       (np.concatenate(rows).astype(np.int64), np.concatenate(cols).astype(np.int64))),
                      shape=(n, len(cs)))
    m.sum_duplicates()
    return m


def extend_concepts(cs: ConceptSet, papers, paper_ids: list[str]) -> ConceptSet:
    """``cs`` with rows for new ``papers`` added: the concepts it knows that their text names
    (:func:`concept_rows`), and every paper's concept and title frequencies and idf recounted over all
    ``paper_ids`` (the old ones, then the new ones). ``cs`` itself is left as it is."""
    papers = list(papers)
    c_new = concept_rows(cs, [f"{p.title}. {p.abstract}" for p in papers])
    t_new = concept_rows(cs, [p.title for p in papers]) > 0
    matrix = sp.csr_matrix(sp.vstack([cs.matrix, c_new]))
    df = np.asarray((matrix > 0).sum(axis=0)).ravel()
    title_df = (cs.title_df if cs.title_df is not None else np.zeros(len(cs), np.int64)) + np.asarray(
        t_new.sum(axis=0)).ravel().astype(np.int64)
    n = len(paper_ids)
    return ConceptSet(names=cs.names, keys=cs.keys, aliases=cs.aliases, df=df,
                      idf=np.log((1.0 + n) / (1.0 + df)) + 1.0, matrix=matrix, paper_ids=list(paper_ids),
                      title_df=title_df)
