"""Near-duplicate clusters (syndicated copies) with MinHash-LSH over word shingles.

Incremental: the earlier documents that share an LSH band with the batch come from the warehouse (its
document_bands table, pipeline/lsh.py), with their stored signatures, so a new document is compared with every
earlier one without recomputing or reading them all. A cluster's id is its first member's doc_id and never changes.
"""
from __future__ import annotations

import re
from typing import Callable

import numpy as np
import polars as pl
from datasketch import MinHash

from pipeline.lsh import NUM_PERM, SIGNATURE_BYTES, band_hashes, layout_of, lsh_index, signature_matrix
from schemas import polars_columns, polars_schema

SHINGLE = 3
# A document's signature beside its cluster: what the warehouse holds of earlier documents, and what this returns.
SIGNATURE_SCHEMA = polars_columns("cleaned_documents", "doc_id", "cluster_id") | polars_columns("document_signatures",
                                                                                                 "signature")
# Earlier documents whose texts one query fetches: at N=10000, a 900-document batch of syndicated copies had ~7,000
# earlier candidates, whose texts in one frame took the parent's peak from ~700 to 941 MB.
FETCH_TEXTS = 1000


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


def with_signatures(documents: pl.DataFrame) -> pl.DataFrame:
    """documents (doc_id, text, signature) with the signature of every text the cleaning workers left without one."""
    missing = documents["signature"].is_null()
    if not missing.any():
        return documents
    made = [to_bytes(signature(text)) if blob is None else blob
            for text, blob in documents.select("text", "signature").iter_rows()]
    return documents.with_columns(signature=pl.Series(made, dtype=pl.Binary))


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def shingle_hashes(text: str) -> np.ndarray:
    """The text's shingles as sorted unique 64-bit hashes: 8 bytes a shingle instead of a str in a set (~100 bytes),
    so a whole batch's shingles can stay cached; collisions (~1e-13 for a page's shingles) do not move a Jaccard."""
    return np.unique(np.fromiter((hash(s) for s in shingles(text)), dtype=np.int64))


def jaccard_hashes(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard of two shingle_hashes arrays."""
    if not len(a) and not len(b):
        return 1.0
    both = len(np.intersect1d(a, b, assume_unique=True))
    return both / (len(a) + len(b) - both)


def assign_clusters(new: pl.DataFrame, prior: pl.DataFrame, threshold: float,
                    texts_of: Callable[[list[str]], dict[str, str]] | None = None) -> pl.DataFrame:
    """(doc_id, cluster_id, signature) for new documents (doc_id, text, first_seen_at[, signature]).

    prior: (doc_id, cluster_id, signature) of documents already in the warehouse: those sharing an LSH band with
    the batch (PublishedState.near_duplicate_candidates), or any superset of them (narrowed here by their bands).
    A `signature` column in `new` is used as computed (the cleaning workers make it beside the text).
    texts_of: fetches earlier documents' texts by id (one call per FETCH_TEXTS candidates), to confirm with
    the exact Jaccard (the 128-permutation estimate wobbles by about 0.03).
    A new document joins the cluster of its most similar earlier document at or
    above the threshold, else starts its own.
    """
    lsh = lsh_index(threshold)
    columns = ["doc_id", "text"] + (["signature"] if "signature" in new.columns else [])
    batch = [(doc_id, text, from_bytes(blob[0]) if blob and blob[0] is not None else signature(text))
             for doc_id, text, *blob in new.sort("first_seen_at", "doc_id").select(columns).iter_rows()]
    prior = prior.filter(sharing_a_band(prior["signature"], [sig for _, _, sig in batch], layout_of(threshold)))
    known: dict[str, tuple[MinHash, str]] = {}
    for doc_id, cluster_id, blob in prior.select("doc_id", "cluster_id", "signature").iter_rows():
        sig = from_bytes(blob)
        lsh.insert(doc_id, sig)
        known[doc_id] = (sig, cluster_id)
    order = {doc_id: i for i, doc_id in enumerate(known)}
    # Shingles of this batch's documents and of fetched earlier ones, computed only once a document is a
    # candidate or has candidates (most documents have none).
    texts: dict[str, str] = {}
    hashed: dict[str, np.ndarray] = {}

    def shingled(doc_id: str) -> np.ndarray:
        if doc_id not in hashed:
            hashed[doc_id] = shingle_hashes(texts[doc_id])
        return hashed[doc_id]

    rows, done, pending = [], set(), batch
    while pending:
        # The next batch documents whose earlier candidates number at most FETCH_TEXTS: those candidates' texts come
        # in one query (not one per document) and are forgotten after the group, so a batch of syndicated copies
        # does not hold the text of every earlier copy at once.
        group, earlier = [], set()
        for doc_id, _, sig in pending:
            found = {o for o in lsh.query(sig) if o != doc_id and o not in texts}
            if group and len(earlier | found) > FETCH_TEXTS:
                break
            group.append(pending[len(group)])
            earlier |= found
        pending = pending[len(group):]
        if earlier and texts_of is not None:
            texts.update(texts_of(sorted(earlier)))
        for doc_id, text, sig in group:
            texts[doc_id] = text
            candidates = [o for o in lsh.query(sig) if o != doc_id]
            scored = [(jaccard_hashes(shingled(doc_id), shingled(o)) if o in texts else known[o][0].jaccard(sig), o)
                      for o in candidates]
            matches = [(score, o) for score, o in scored if score >= threshold]
            best = max(matches, key=lambda m: (m[0], -order[m[1]]), default=None)
            cluster_id = known[best[1]][1] if best else doc_id
            if doc_id not in known:
                lsh.insert(doc_id, sig)
                order[doc_id] = len(order)
            known[doc_id] = (sig, cluster_id)
            rows.append({"doc_id": doc_id, "cluster_id": cluster_id, "signature": to_bytes(sig)})
            done.add(doc_id)
        for o in earlier - done:
            texts.pop(o, None)
            hashed.pop(o, None)
    return pl.DataFrame(rows, schema=SIGNATURE_SCHEMA)


def sharing_a_band(prior: pl.Series, batch: list[MinHash], layout: str) -> pl.Series:
    """True for each prior signature that shares at least one LSH band hash with a signature of the batch.

    Only those can be an LSH candidate of a batch document, so the index gets them alone. The warehouse's
    document_bands join gives exactly these; this narrows signatures read some other way (a warehouse whose band
    table is of another layout, or a test's frame).
    """
    if not len(prior) or not batch or prior.null_count() or (prior.bin.size() != SIGNATURE_BYTES).any():
        return pl.Series(values=[True] * len(prior), dtype=pl.Boolean)  # nothing to narrow, or not our format
    earlier = band_hashes(signature_matrix(prior.to_list()), layout)
    current = band_hashes(np.stack([mh.hashvalues.astype("<u8") for mh in batch]), layout)
    keep = np.zeros(len(earlier), dtype=bool)
    for band in range(current.shape[1]):
        keep |= np.isin(earlier[:, band], current[:, band])
    return pl.Series(values=keep, dtype=pl.Boolean)


BAND_SCHEMA = polars_schema("document_bands")


def document_bands(signatures: pl.DataFrame, threshold: float) -> pl.DataFrame:
    """(doc_id, layout, band, band_hash): the LSH band hashes of documents (doc_id, signature), for the warehouse's
    document_bands table and for finding earlier documents that share a band."""
    layout = layout_of(threshold)
    if not signatures.height:
        return pl.DataFrame(schema=BAND_SCHEMA)
    hashes = band_hashes(signature_matrix(signatures["signature"].to_list()), layout)
    bands = hashes.shape[1]
    return pl.DataFrame({
        "doc_id": np.repeat(signatures["doc_id"].to_numpy(), bands),
        "layout": [layout] * hashes.size,
        "band": np.tile(np.arange(bands, dtype=np.int64), len(hashes)),
        "band_hash": hashes.reshape(-1),
    }, schema=BAND_SCHEMA)
