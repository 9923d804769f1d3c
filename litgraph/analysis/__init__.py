"""Analysis of a paper graph: communities, centralities, key papers, bridges, trends.

Functions of a graph that return plain data; :func:`analyze` bundles them into an
:class:`Analysis` whose methods return DataFrames. igraph is reached only through ``litgraph._igraph``.
"""

from ._result import Analysis, analyze
from .centrality import CENTRALITIES, bridge_scores, centralities, directed_pagerank, participation_coefficient
from .ranking import KEY_PAPER_WEIGHTS, key_paper_scores
from .communities import OTHER, detect_communities, label_communities, modularity
from .trends import concept_timeline, kleinberg_bursts, new_papers, rising_concepts
from .rising import paper_days, sparkline, window_trends
from .continuity import match_communities, topic_changes
from .subtopics import detect_subtopics, label_subtopics

__all__ = ["analyze", "Analysis", "KEY_PAPER_WEIGHTS", "key_paper_scores", "centralities", "participation_coefficient",
           "CENTRALITIES", "directed_pagerank", "bridge_scores",
           "detect_communities", "label_communities", "modularity", "OTHER", "concept_timeline",
           "kleinberg_bursts", "new_papers", "rising_concepts", "window_trends", "paper_days", "sparkline",
           "match_communities", "topic_changes", "detect_subtopics", "label_subtopics"]
