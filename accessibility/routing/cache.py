"""The on-disk cache of built networks: where it lives and what invalidates it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from accessibility.config import default_cache_dir

__all__ = ["code_fingerprint", "default_cache_dir", "file_fingerprint"]

_HASH_BYTES = 1 << 20


def file_fingerprint(path: Path) -> str:
    """Resolved path, size, modification time and a hash of the first and last MiB."""
    path = Path(path).resolve()
    if path.is_dir():
        parts = [file_fingerprint(p) for p in sorted(path.iterdir()) if p.is_file()]
        return f"{path}:dir:" + hashlib.sha256("|".join(parts).encode()).hexdigest()
    stat = path.stat()
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        digest.update(fh.read(_HASH_BYTES))
        if stat.st_size > _HASH_BYTES:
            fh.seek(max(stat.st_size - _HASH_BYTES, _HASH_BYTES))
            digest.update(fh.read(_HASH_BYTES))
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}:{digest.hexdigest()}"


def code_fingerprint() -> str:
    """Hash of the modules whose objects the cache holds (a code change rebuilds)."""
    package = Path(__file__).resolve().parents[1]
    files = sorted(
        [package / "routing" / "network.py", package / "routing" / "cache.py",
         *(package / "streets").glob("*.py"), *(package / "gtfs").glob("*.py")]
    )  # fmt: skip
    digest = hashlib.sha256()
    for f in files:
        if f.is_file():
            digest.update(f.read_bytes())
    return digest.hexdigest()
