"""The numba cache lives in the user's cache folder and heals when a file is corrupt."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

KERNEL = textwrap.dedent("""
    from numba import njit

    @njit(cache=True)
    def triangle(n):
        total = 0
        for i in range(n + 1):
            total += i
        return total
""")

# accessibility is imported first, as every entry point does.
SCRIPT = "import accessibility, kernel; print(kernel.triangle(100))"


def _run(tmp: Path, script: str = SCRIPT) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["ACCESSIBILITY_CACHE"] = str(tmp / "cache")
    env["PYTHONPATH"] = os.pathsep.join([str(tmp / "src"), str(REPO)])
    return subprocess.run([sys.executable, "-c", script], cwd=tmp, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A module with one cached kernel, compiled once; every test leaves the cache recorded."""
    tmp_path = tmp_path_factory.mktemp("numba")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "kernel.py").write_text(KERNEL)
    first = _run(tmp_path)
    assert first.returncode == 0 and first.stdout.strip() == "5050", first.stderr
    return tmp_path


def _cache_files(tmp: Path, suffix: str) -> list[Path]:
    return sorted((tmp / "cache" / "numba").rglob(f"*{suffix}"))


def test_cache_is_in_the_user_cache_folder_with_a_manifest(project: Path) -> None:
    assert _cache_files(project, ".nbi") and _cache_files(project, ".nbc")
    assert (project / "cache" / "numba" / "manifest.json").is_file()
    assert not list((project / "src").rglob("*.nbi"))  # nothing written beside the source


@pytest.mark.parametrize("damage", ["truncate data", "flip index", "garbage data"])
def test_corrupt_cache_entry_is_cleared_and_recompiled_with_one_warning(project: Path,
                                                                        damage: str) -> None:
    if damage == "truncate data":
        for nbc in _cache_files(project, ".nbc"):
            nbc.write_bytes(nbc.read_bytes()[:100])
    elif damage == "flip index":
        (nbi,) = _cache_files(project, ".nbi")
        data = bytearray(nbi.read_bytes())
        data[len(data) // 2] ^= 0xFF
        nbi.write_bytes(bytes(data))
    else:
        for nbc in _cache_files(project, ".nbc"):
            nbc.write_bytes(os.urandom(nbc.stat().st_size))
    healed = _run(project)
    assert healed.returncode == 0 and healed.stdout.strip() == "5050", healed.stderr
    assert healed.stderr.count("numba cache") == 1 and "corrupt" in healed.stderr
    again = _run(project)
    assert again.returncode == 0 and again.stdout.strip() == "5050"
    assert "corrupt" not in again.stderr


def test_numba_rewriting_its_index_is_not_taken_for_damage(project: Path) -> None:
    """A new signature makes numba replace the index file (a new inode); a run killed before
    it could record that leaves the manifest behind: still no warning."""
    other = ("import accessibility, kernel, numpy, os, signal; kernel.triangle(numpy.int8(100)); "
             "os.kill(os.getpid(), signal.SIGKILL)")
    assert _run(project, other).returncode == -signal.SIGKILL
    again = _run(project)
    assert again.returncode == 0 and "corrupt" not in again.stderr


def test_package_kernels_are_cached_outside_the_install() -> None:
    from numba.core import config
    from numba.core.dispatcher import Dispatcher

    import accessibility  # noqa: F401  (configures numba before the kernels are defined)
    from accessibility.streets import search

    folder = Path(config.CACHE_DIR)
    kernels = [k for k in vars(search).values() if isinstance(k, Dispatcher)]
    assert kernels
    for kernel in kernels:
        path = Path(kernel._cache.cache_path)
        assert folder in path.parents and REPO / "accessibility" not in path.parents
