"""The LSH bands of MinHash signatures, as the warehouse's document_bands table stores them.

A MinHash LSH index (datasketch's MinHashLSH) cuts each 128-value signature into `bands` bands of `rows` values and
makes two documents candidates when one band is equal. The warehouse keeps each document's bands as 64-bit hashes,
so a batch finds its earlier candidates by joining its own bands with the table instead of reading every earlier
signature. A hash collision only adds a candidate: the index built from the candidates' signatures still decides
on the exact band values, so the clusters are the ones a full index gives.

The layout ("21x6": bands x rows) follows from the near-duplicate threshold; every row names the layout it was
cut with, so bands of another threshold are never joined. No schemas import here: schemas/ fills the table from
stored signatures with `signature_bands` when a warehouse is migrated.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
from datasketch import MinHashLSH

NUM_PERM = 128
SIGNATURE_BYTES = NUM_PERM * 8  # 128 x uint64, little-endian
# The index is built below the Jaccard threshold, because LSH misses pairs just above its own threshold; the exact
# Jaccard of each candidate then decides.
INDEX_MARGIN = 0.25
MIN_INDEX_THRESHOLD = 0.3


def index_threshold(threshold: float) -> float:
    return max(MIN_INDEX_THRESHOLD, threshold - INDEX_MARGIN)


def lsh_index(threshold: float) -> MinHashLSH:
    """The empty index near-duplicate clustering queries for a Jaccard threshold."""
    return MinHashLSH(threshold=index_threshold(threshold), num_perm=NUM_PERM)


def layout_of(threshold: float) -> str:
    """The index's bands x rows for a Jaccard threshold, e.g. "21x6" for the default 0.8."""
    index = lsh_index(threshold)
    return f"{index.b}x{index.r}"


def _bands_rows(layout: str) -> tuple[int, int]:
    bands, rows = layout.split("x")
    return int(bands), int(rows)


def signature_matrix(blobs: list[bytes]) -> np.ndarray:
    """Stored signatures (SIGNATURE_BYTES each) as an (n, NUM_PERM) uint64 array."""
    return np.frombuffer(b"".join(blobs), dtype="<u8").reshape(-1, NUM_PERM)


def band_hashes(signatures: np.ndarray, layout: str) -> np.ndarray:
    """(n, bands) uint64: each band's values as one 64-bit hash (a multiply-sum with fixed odd multipliers)."""
    bands, rows = _bands_rows(layout)
    mix = np.random.default_rng(1).integers(1, 2**63, size=rows, dtype=np.uint64) | np.uint64(1)
    cut = signatures[:, :bands * rows].reshape(len(signatures), bands, rows)
    with np.errstate(over="ignore"):
        return (cut * mix).sum(axis=2, dtype=np.uint64)


def signature_bands(signatures: pa.Array, layouts: pa.Array) -> pa.Array:
    """Vectorised SQL function (BLOB, VARCHAR) -> UBIGINT[]: the band hashes of each stored signature, band 0 first.

    The migration fills document_bands from document_signatures with it; the layout is one value per call."""
    layout = layouts[0].as_py()
    hashes = band_hashes(signature_matrix(signatures.to_pylist()), layout)
    return pa.array(list(hashes), type=pa.list_(pa.uint64()))
