"""Near-duplicate clusters (syndicated copies) with MinHash-LSH over word shingles."""
from __future__ import annotations

import re

import polars as pl
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
SHINGLE = 3


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    words = re.findall(r"\w+", text.casefold())
    return {" ".join(words[i:i + k]) for i in range(max(1, len(words) - k + 1))}


def signature(text: str) -> MinHash:
    mh = MinHash(num_perm=NUM_PERM, seed=1)
    mh.update_batch([s.encode() for s in shingles(text)])
    return mh


def cluster_documents(docs: pl.DataFrame, threshold: float) -> pl.DataFrame:
    """(doc_id, cluster_id). docs: doc_id, text, first_seen_at; the earliest member names the cluster."""
    ordered = docs.sort("first_seen_at", "doc_id")
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    parent: dict[str, str] = {}
    order: dict[str, int] = {}
    sigs = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for doc_id, text in ordered.select("doc_id", "text").iter_rows():
        sig = signature(text)
        parent[doc_id] = doc_id
        order[doc_id] = len(order)
        for other in lsh.query(sig):
            if sigs[other].jaccard(sig) >= threshold:  # LSH candidates, confirmed
                a, b = find(other), find(doc_id)
                if a != b:  # the earlier document stays the representative
                    first, later = sorted((a, b), key=order.__getitem__)
                    parent[later] = first
        lsh.insert(doc_id, sig)
        sigs[doc_id] = sig
    return pl.DataFrame({"doc_id": list(parent), "cluster_id": [find(d) for d in parent]},
                        schema={"doc_id": pl.String, "cluster_id": pl.String})
