"""Concept extraction: the technical phrases, names and acronyms each paper is about.

The method, in plain words:

1. **Candidate phrases.** Title and abstract are cut into runs of words at punctuation,
   stop words and reporting verbs ("we propose", "results show"), in the manner of RAKE
   (Rose et al., 2010). Every 2- to ``max_words``-word sequence inside a run is a
   candidate, unless it starts or ends with a generic word ("novel", "framework",
   "experiments", ...) or holds a bare number. "of" may join two words ("chain of
   thought", "mixture of experts"). Single words are candidates only when they look like
   names: acronyms (``GNN``), mixed case (``iTransformer``, ``VQGraph``), or capitalised
   words whose lower-case form never occurs in the corpus (``Mamba``).
2. **Folding.** Case, hyphens and the plural of the last word are folded: "State-Space
   Models" and "state space model" are one concept.
3. **Acronyms.** Definitions such as "state space models (SSMs)" are found with the
   Schwartz–Hearst algorithm (Schwartz & Hearst, 2003); the acronym becomes an alias of
   its expansion, in the defining paper and, when the corpus gives it one dominant
   expansion, everywhere.
4. **Termhood.** A phrase that occurs only inside longer concepts ("space model" inside
   "state space model") is dropped, following the nested-term idea of C-value
   (Frantzi, Ananiadou & Mima, 2000). A concept must occur in at least ``min_df`` papers.
5. **Specificity.** Each concept gets an inverse document frequency,
   ``idf = ln((1 + N) / (1 + df)) + 1``, so a concept found in a large share of the corpus
   ("neural network") weighs little.

Users add their own vocabulary and synonyms (``vocabulary={"SSM": "state space model"}``
or a list of phrases to always keep) and their own ``stop_concepts``.
"""

from __future__ import annotations

from ._acronyms import find_acronyms
from ._extractor import ConceptExtractor, extract_concepts
from ._set import ConceptSet
from ._tokens import concept_key
from ._transform import extend_concepts

__all__ = ["ConceptExtractor", "ConceptSet", "extract_concepts", "extend_concepts", "find_acronyms", "concept_key"]
