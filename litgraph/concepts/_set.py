"""ConceptSet: the concepts of a corpus, which papers carry them, and how topical each is."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._tokens import concept_key


@dataclass
class ConceptSet:
    """The concepts of a corpus and which papers carry them.

    Attributes
    ----------
    names : list of str
        Display name of each concept (its most common written form).
    keys : list of str
        Folded keys (see :func:`concept_key`).
    aliases : list of tuple of str
        Other written forms and acronyms of each concept.
    df : numpy.ndarray
        Number of papers carrying each concept.
    idf : numpy.ndarray
        ``ln((1 + N) / (1 + df)) + 1``.
    matrix : scipy.sparse.csr_matrix
        Papers x concepts, occurrence counts; rows follow ``paper_ids``.
    paper_ids : list of str

    Examples
    --------
    >>> import litgraph as lg
    >>> cs = lg.extract_concepts(lg.load_sample())
    >>> cs.names[cs.index("SSMs")], "SSM" in cs.aliases[cs.index("SSMs")]
    ('state space model', True)
    """

    names: list[str]
    keys: list[str]
    aliases: list[tuple[str, ...]]
    df: np.ndarray
    idf: np.ndarray
    matrix: sp.csr_matrix
    paper_ids: list[str]
    title_df: np.ndarray | None = None
    _coherence: np.ndarray | None = field(default=None, repr=False, compare=False)
    _lookup: dict[str, int] | None = field(default=None, repr=False, compare=False)
    _rows: dict[str, int] | None = field(default=None, repr=False, compare=False)
    _specific: np.ndarray | None = field(default=None, repr=False, compare=False)
    _n_corpus: int | None = field(default=None, repr=False, compare=False)

    @property
    def n_corpus(self) -> int:
        """Papers of the corpus the concepts were extracted from (more than the rows of a restricted set)."""
        return self._n_corpus if self._n_corpus is not None else self.matrix.shape[0]

    def __len__(self) -> int:
        return len(self.names)

    def index(self, concept: str) -> int:
        """Position of a concept given its name, key or an alias."""
        if getattr(self, "_lookup", None) is None:
            lookup: dict[str, int] = {}
            for i, (name, key, al) in enumerate(zip(self.names, self.keys, self.aliases)):
                for form in (key, name, *al):
                    lookup.setdefault(form, i)
                    lookup.setdefault(concept_key(form), i)
            self._lookup = lookup
        for form in (concept, concept_key(concept)):
            if form in self._lookup:
                return self._lookup[form]
        raise KeyError(f"No concept {concept!r}; see extract_concepts(corpus).to_frame()['concept'].")

    def restrict(self, paper_ids: list[str]) -> ConceptSet:
        """The same concepts for some of the papers, rows in the order of ``paper_ids`` (a subgraph's corpus).

        Corpus-level statistics (``df``, ``idf``, ``title_df``) stay those of the whole
        corpus, as a subgraph keeps the whole graph's weight scales.
        """
        if list(paper_ids) == self.paper_ids:
            return self
        if getattr(self, "_rows", None) is None:
            self._rows = {pid: i for i, pid in enumerate(self.paper_ids)}
        rows = [self._rows[pid] for pid in paper_ids]
        return ConceptSet(self.names, self.keys, self.aliases, self.df, self.idf, self.matrix[rows].tocsr(),
                          list(paper_ids), self.title_df, _coherence=self._coherence, _n_corpus=self.n_corpus)

    def papers_of(self, concept: str) -> list[str]:
        j = self.index(concept)
        rows = self.matrix[:, j].nonzero()[0]
        return [self.paper_ids[i] for i in sorted(rows)]

    def concepts_of(self, paper_id: str, top_k: int | None = None) -> list[str]:
        """A paper's concepts, most specific (highest idf) first."""
        if getattr(self, "_rows", None) is None:
            self._rows = {pid: i for i, pid in enumerate(self.paper_ids)}
        try:
            i = self._rows[paper_id]
        except KeyError:
            raise KeyError(f"No paper {paper_id!r} in this concept set.") from None
        m = self.matrix
        cols = m.indices[m.indptr[i]:m.indptr[i + 1]]
        if getattr(self, "_specific", None) is None:  # each concept's place when sorted by (-idf, name), once
            by = np.lexsort((np.asarray(self.names, dtype=object).astype(str), -np.asarray(self.idf)))
            self._specific = np.empty(len(by), dtype=np.int64)
            self._specific[by] = np.arange(len(by))
        order = cols[np.argsort(self._specific[cols], kind="stable")]
        return [self.names[j] for j in order[:top_k].tolist()]

    def coherence(self) -> np.ndarray:
        """How topical each concept is: the mean similarity of its papers beyond chance.

        Papers are compared on their *other* concepts (idf-weighted cosine), so a concept
        whose papers also share further concepts ("state space model": Mamba, selective
        scan, ...) scores high, and one spread over unrelated papers ("training data")
        scores near zero. Returns the average pairwise similarity of the concept's papers
        minus the corpus's average pairwise similarity; 0 for concepts in fewer than 2 papers.
        """
        if getattr(self, "_coherence", None) is not None:
            return self._coherence
        x = self.weighted()
        n = x.shape[0]
        b = (self.matrix > 0).astype(np.float64).tocsc()
        sums = (b.T @ x).tocsr()                       # concept -> sum of its papers' vectors
        sq = np.asarray(sums.multiply(sums).sum(axis=1)).ravel()
        own = np.asarray(x.multiply(b).sum(axis=0)).ravel()          # sum of x_ic over papers of c
        own_sq = np.asarray(x.multiply(x).multiply(b).sum(axis=0)).ravel()
        d = np.asarray(b.sum(axis=0)).ravel()
        norms = np.asarray(x.multiply(x).sum(axis=1)).ravel()
        self_sq = np.asarray(b.T @ norms).ravel()                   # sum of ||x_i||^2 over papers of c
        # ||sum x_i||^2 without concept c's own coordinate, minus the diagonal terms
        pair = (sq - own ** 2) - (self_sq - own_sq)
        with np.errstate(divide="ignore", invalid="ignore"):
            avg = np.where(d > 1, pair / (d * (d - 1)), 0.0)
        total = np.asarray(x.sum(axis=0)).ravel()
        base = (float(total @ total) - float(norms.sum())) / (n * (n - 1)) if n > 1 else 0.0
        self._coherence = np.where(d > 1, avg - base, 0.0)
        return self._coherence

    def scores(self) -> np.ndarray:
        """Ranking score: topical, well-attested concepts that authors name in titles first.

        ``max(coherence, 0) * sqrt(df * (df - 1) / 2) * (1 + title_df)``: the excess
        similarity of the concept's papers, times the square root of the number of paper
        pairs it rests on (how far above chance the papers sit), times one plus the number
        of titles that name the concept (authors name their topic in the title).
        """
        d = self.df.astype(np.float64)
        t = self.title_df if self.title_df is not None else np.zeros_like(d)
        return np.maximum(self.coherence(), 0.0) * np.sqrt(d * (d - 1.0) / 2.0) * (1.0 + t)

    def to_frame(self) -> pd.DataFrame:
        """One row per concept, best-ranked first.

        Columns: ``concept, key, aliases, df`` (number of papers), ``idf, coherence,
        score`` (see :meth:`scores`) and ``papers`` (their ids).
        """
        csc = self.matrix.tocsc()
        coh, score = self.coherence(), self.scores()
        rows = []
        for j in range(len(self)):
            rows.append({"concept": self.names[j], "key": self.keys[j], "aliases": ", ".join(self.aliases[j]),
                         "df": int(self.df[j]), "title_df": int(self.title_df[j]) if self.title_df is not None else 0,
                         "idf": float(self.idf[j]), "coherence": float(coh[j]),
                         "score": float(score[j]),
                         "papers": [self.paper_ids[i] for i in sorted(csc.indices[csc.indptr[j]:csc.indptr[j + 1]])]})
        df = pd.DataFrame(rows, columns=["concept", "key", "aliases", "df", "title_df", "idf", "coherence", "score",
                                         "papers"])
        return df.sort_values(["score", "df", "concept"], ascending=[False, False, True],
                              kind="mergesort").reset_index(drop=True)

    def weighted(self) -> sp.csr_matrix:
        """Binary occurrence times idf, rows L2-normalised (for cosine between papers)."""
        x = self.matrix.copy().astype(np.float64)
        x.data[:] = 1.0
        x = x @ sp.diags(self.idf)
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ x)
