"""Outputs survive any kill: atomic_path and atomic_dir, with killed subprocesses."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from accessibility.errors import InputError
from accessibility.io import _HOST, atomic_dir, atomic_path, clean_stale, recover_dir

REPO = Path(__file__).resolve().parents[1]

# A job that writes out/result.txt through atomic_dir and SIGKILLs itself right
# after the n-th os.replace of the swap (1: finished folder renamed "done",
# 2: the old output moved aside, 3: the new output in place).
_KILLED_SWAP = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from accessibility import io

    target, text, kill_after = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    real_replace, calls = os.replace, []

    def replace(src, dst):
        real_replace(src, dst)
        calls.append(dst)
        if len(calls) == kill_after:
            os.kill(os.getpid(), signal.SIGKILL)

    io.os.replace = replace
    with io.atomic_dir(target) as tmp:
        (tmp / "result.txt").write_text(text)
        (tmp / "map.png").write_bytes(b"png" * 1000)
""")

_KILLED_IN_JOB = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from accessibility.io import atomic_dir

    with atomic_dir(Path(sys.argv[1])) as tmp:
        (tmp / "result.txt").write_text("half")
        print("writing", flush=True)
        time.sleep(60)
""")


def _run(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", script, *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120)


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _first_run(out: Path) -> None:
    with atomic_dir(out) as tmp:
        (tmp / "result.txt").write_text("old")


@pytest.mark.parametrize("kill_after", [1, 2])
def test_kill_during_the_swap_is_completed_by_the_next_run(tmp_path, kill_after, caplog):
    out = tmp_path / "whitespots"
    _first_run(out)
    result = _run(_KILLED_SWAP, str(out), "new", str(kill_after))
    assert result.returncode == -signal.SIGKILL, result.stderr
    if kill_after == 2:
        assert not out.exists()  # the moment the old code lost the output folder
    assert _hidden(tmp_path)  # the finished output waits in a hidden folder
    with caplog.at_level("WARNING"):
        message = recover_dir(out)
    assert message is not None and "its output has now been put there" in message
    assert (out / "result.txt").read_text() == "new" and (out / "map.png").exists()
    assert _hidden(tmp_path) == []


def test_an_older_finished_output_does_not_replace_a_newer_one(tmp_path):
    out = tmp_path / "whitespots"
    _first_run(out)
    assert _run(_KILLED_SWAP, str(out), "killed run", "1").returncode == -signal.SIGKILL
    assert [p for p in tmp_path.iterdir() if ".done~" in p.name]
    time.sleep(0.05)
    later = tmp_path / "later"  # another run that had started earlier swaps its output in now
    later.mkdir()
    (later / "result.txt").write_text("later run")
    shutil.rmtree(out)
    os.replace(later, out)
    assert recover_dir(out) is None
    assert (out / "result.txt").read_text() == "later run" and _hidden(tmp_path) == []


def test_next_job_run_recovers_before_it_starts(tmp_path):
    out = tmp_path / "isochrones"
    _first_run(out)
    assert _run(_KILLED_SWAP, str(out), "new", "2").returncode == -signal.SIGKILL
    with atomic_dir(out) as tmp:  # the next job: sees the recovered output, then replaces it
        assert (out / "result.txt").read_text() == "new"
        (tmp / "result.txt").write_text("newest")
    assert (out / "result.txt").read_text() == "newest"
    assert _hidden(tmp_path) == []


def test_kill_inside_the_job_keeps_the_old_output_and_is_cleaned_up(tmp_path):
    out = tmp_path / "suggest"
    _first_run(out)
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_IN_JOB, str(out)], cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert (out / "result.txt").read_text() == "old"
    assert len(_hidden(tmp_path)) == 1  # the half-written folder of the killed job
    assert recover_dir(out) is None  # nothing to repair, only to clean
    assert _hidden(tmp_path) == []
    assert (out / "result.txt").read_text() == "old"


def test_running_jobs_do_not_clean_each_other(tmp_path):
    out = tmp_path / "check"
    with atomic_dir(out) as first, atomic_dir(out) as second:
        assert first != second
        (first / "a.txt").write_text("a")
        (second / "b.txt").write_text("b")
        clean_stale(out)  # both owners run: nothing is removed
        assert first.exists() and second.exists()
    assert sorted(p.name for p in out.iterdir()) == ["a.txt"]  # the first to finish wins last
    assert _hidden(tmp_path) == []


def test_output_folder_gets_the_users_umask(tmp_path):
    old = os.umask(0o022)
    try:
        with atomic_dir(tmp_path / "out") as tmp:
            (tmp / "x.txt").write_text("x")
    finally:
        os.umask(old)
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o755  # not tempfile's 0700


def test_failed_job_leaves_nothing_and_keeps_the_old_output(tmp_path):
    out = tmp_path / "out"
    _first_run(out)
    with pytest.raises(RuntimeError), atomic_dir(out) as tmp:
        (tmp / "result.txt").write_text("broken")
        raise RuntimeError("job failed")
    assert (out / "result.txt").read_text() == "old" and _hidden(tmp_path) == []


def test_atomic_path_cleans_files_of_killed_writers_and_refuses_a_folder(tmp_path):
    target = tmp_path / "table.csv"
    stale = tmp_path / f".table.csv.tmp~{_HOST}~999999999~abcd.csv"  # its writer was killed
    stale.write_text("half")
    with atomic_path(target) as tmp:
        tmp.write_text("a,b\n")
    assert target.read_text() == "a,b\n" and not stale.exists()
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(InputError, match="is a folder"), atomic_path(tmp_path / "folder.csv"):
        pass


def test_atomic_dir_never_replaces_a_file_by_a_folder(tmp_path):
    report = tmp_path / "rapport.html"
    report.write_text("<html>mijn rapport</html>")
    with pytest.raises(InputError, match="is an existing file"), atomic_dir(report):
        pass
    assert report.read_text() == "<html>mijn rapport</html>" and _hidden(tmp_path) == []


def test_lock_of_a_dead_process_is_broken(tmp_path):
    out = tmp_path / "out"
    (tmp_path / ".out.lock").write_text(f"{_HOST} 999999999\n")
    t0 = time.monotonic()
    _first_run(out)
    assert time.monotonic() - t0 < 5 and (out / "result.txt").read_text() == "old"
    assert not (tmp_path / ".out.lock").exists()


def test_leftovers_of_the_old_tempfile_names_are_restored_and_cleaned(tmp_path):
    out = tmp_path / "whitespots"
    old = tmp_path / ".whitespots.old.k2j4_x9q"
    (old / "whitespots").mkdir(parents=True)
    (old / "whitespots" / "result.txt").write_text("earlier")
    half = tmp_path / ".whitespots.ab12cd34"
    half.mkdir()
    for path in (old, half):
        os.utime(path, (time.time() - 7200, time.time() - 7200))
    assert "earlier output has been restored" in recover_dir(out)
    assert (out / "result.txt").read_text() == "earlier"
    assert _hidden(tmp_path) == []


_SWAPPER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from accessibility.io import atomic_dir

    for i in range(10):
        with atomic_dir(Path(sys.argv[1])) as tmp:
            for k in range(4):
                (tmp / f"part{k}.txt").write_text(f"{sys.argv[2]} {i}")
""")


def test_identical_jobs_at_once_never_mix_their_outputs(tmp_path):
    out = tmp_path / "out"
    procs = [subprocess.Popen([sys.executable, "-c", _SWAPPER, str(out), name], cwd=REPO,
                              stderr=subprocess.PIPE, text=True) for name in ("A", "B")]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    parts = {(out / f"part{k}.txt").read_text() for k in range(4)}
    assert len(parts) == 1 and parts.pop().endswith(" 9")  # one run's complete output
    assert _hidden(tmp_path) == []
