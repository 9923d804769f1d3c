"""The reasons given with key papers and bridges: sentences built from an analysis, nothing computed anew."""

from __future__ import annotations

import numpy as np

__all__ = ["reason", "linked_communities"]


def reason(res, i: int) -> str:
    """Why paper ``i`` is a key paper, in plain words and numbers: its PageRank and rank, links, strongest
    neighbour, community, the communities it links, digests, upvotes and concepts."""
    corpus, c = res.graph.corpus, res.centrality
    p = corpus[corpus.ids[i]]
    row = c.iloc[i]
    n = len(corpus)
    pr_rank = int((c["pagerank"] > row["pagerank"]).sum()) + 1
    bits = [f"PageRank {row['pagerank']:.4f} (#{pr_rank} of {n})", f"{int(row['degree'])} links"]
    nb = res.graph.neighbors(p.id, 1)
    if len(nb):
        bits.append(f"strongest to \"{nb['title'].iloc[0][:60]}\" ({nb['kinds'].iloc[0]})")
    com = int(res.membership[i])
    bits.append(f"community {com} '{res.label(com)}'")
    if row["participation"] >= 0.3:
        others = linked_communities(res, i)
        if len(others) > 1:
            bits.append("links " + " and ".join(f"'{res.label(o)}'" for o, _ in others[:2])
                        + f" (participation {row['participation']:.2f})")
    if len(p.digests) > 1:
        bits.append(f"in {len(p.digests)} digests")
    if p.upvotes is not None:
        standing = res.upvote_standing[i]
        if np.isfinite(standing):
            bits.append(f"{p.upvotes} upvotes, more than {standing:.0%} of the papers of its day")
        else:
            bits.append(f"{p.upvotes} upvotes")
    top = res.graph.concepts.concepts_of(p.id, 3)
    if top:
        bits.append("about " + ", ".join(top))
    return "; ".join(bits)


def linked_communities(res, i: int) -> list[tuple[int, float]]:
    """The communities paper ``i`` links to, with their link weight, strongest first."""
    pid = res.graph.corpus.ids[i]
    mine = res.graph.pairs_frame(text=False).iloc[res.graph.incident_pairs(pid)]
    index = res._index
    other = np.where(mine["source"] == pid, mine["target"], mine["source"])
    col = "weight" if res.params["weight"] == "weight" else f"w_{res.params['weight']}"
    w: dict[int, float] = {}
    for o, wt in zip(other, mine[col]):
        com = int(res.membership[index[o]])
        w[com] = w.get(com, 0.0) + float(wt)
    return sorted(w.items(), key=lambda kv: (-kv[1], kv[0]))
