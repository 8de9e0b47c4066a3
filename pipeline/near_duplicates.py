"""Near-duplicate clusters (syndicated copies) with MinHash-LSH over word shingles.

Incremental: signatures of earlier documents come from the warehouse, so a new
document is compared with every earlier one without recomputing them. A
cluster's id is its first member's doc_id and never changes.
"""
from __future__ import annotations

import re

import numpy as np
import polars as pl
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
SHINGLE = 3
SIGNATURE_SCHEMA = {"doc_id": pl.String, "cluster_id": pl.String, "signature": pl.Binary}


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    words = re.findall(r"\w+", text.casefold())
    return {" ".join(words[i:i + k]) for i in range(max(1, len(words) - k + 1))}


def signature(text: str) -> MinHash:
    mh = MinHash(num_perm=NUM_PERM, seed=1)
    mh.update_batch([s.encode() for s in shingles(text)])
    return mh


def to_bytes(mh: MinHash) -> bytes:
    return mh.hashvalues.astype("<u8").tobytes()


SCHEME = MinHash(num_perm=NUM_PERM, seed=1).scheme  # stored signatures were made with it


def from_bytes(blob: bytes) -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=1, hashvalues=np.frombuffer(blob, dtype="<u8"), scheme=SCHEME)


def assign_clusters(new: pl.DataFrame, prior: pl.DataFrame, threshold: float) -> pl.DataFrame:
    """(doc_id, cluster_id, signature) for new documents (doc_id, text, first_seen_at).

    prior: (doc_id, cluster_id, signature) of documents already in the warehouse.
    A new document joins the cluster of its most similar earlier document at or
    above the threshold, else starts its own.
    """
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    known: dict[str, tuple[MinHash, str]] = {}
    for doc_id, cluster_id, blob in prior.select("doc_id", "cluster_id", "signature").iter_rows():
        sig = from_bytes(blob)
        lsh.insert(doc_id, sig)
        known[doc_id] = (sig, cluster_id)
    rows = []
    for doc_id, text in new.sort("first_seen_at", "doc_id").select("doc_id", "text").iter_rows():
        sig = signature(text)
        scored = [(known[o][0].jaccard(sig), o) for o in lsh.query(sig) if o in known and o != doc_id]
        matches = sorted((s, o) for s, o in scored if s >= threshold)
        cluster_id = known[max(matches, key=lambda m: (m[0], -list(known).index(m[1])))[1]][1] if matches else doc_id
        if doc_id not in known:
            lsh.insert(doc_id, sig)
        known[doc_id] = (sig, cluster_id)
        rows.append({"doc_id": doc_id, "cluster_id": cluster_id, "signature": to_bytes(sig)})
    return pl.DataFrame(rows, schema=SIGNATURE_SCHEMA)
