"""Run many routing tasks in this process or on a Dask cluster (dask.distributed).

``suggest``, ``check-location --candidates`` and the time-window sweep of the
white-spot job hand their tasks to a :class:`Runner`:

* ``Runner()``: in this process, one task after the other;
* ``open_runner(workers=N)``: starts a ``distributed.LocalCluster`` of ``N``
  single-threaded workers on this machine;
* ``open_runner(scheduler="tcp://host:8786")``: uses an existing cluster
  (started with dask-jobqueue, dask-kubernetes or ``dask scheduler`` /
  ``dask worker``; see ``docs/performance.md``).

The shared arrays of a map (the network, the origins' access walks) are
scattered once with ``broadcast=True``, so every worker receives them once;
each task then only carries its own small inputs. Results come back in task
order and equal those of the single-process run (``tests/routing/test_distributed.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from accessibility.errors import InputError
from accessibility.progress import progress_bar

log = logging.getLogger(__name__)


class Runner:
    """Maps a function over tasks with one shared argument.

    Parameters
    ----------
    client : distributed.Client, optional
        None: run in this process.
    """

    def __init__(self, client: Any | None = None) -> None:
        self.client = client

    @property
    def n_workers(self) -> int:
        """Workers of the cluster (1 in this process)."""
        if self.client is None:
            return 1
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def map(self, function: Callable[[Any, Any], Any], shared: Any, tasks: Sequence[Any],
            description: str = "taken / tasks") -> list[Any]:
        """``[function(shared, task) for task in tasks]``, on the cluster when there is one.

        ``shared`` goes to every worker once (scatter with broadcast); the
        results keep the order of ``tasks``.
        """
        tasks = list(tasks)
        with progress_bar(description, len(tasks)) as advance:
            if self.client is None:
                results = []
                for task in tasks:
                    results.append(function(shared, task))
                    advance(1)
                return results
            from distributed import as_completed

            handle = self.client.scatter(shared, broadcast=True, hash=False)
            futures = [self.client.submit(function, handle, task, pure=False) for task in tasks]
            for _ in as_completed(futures):
                advance(1)
            results = self.client.gather(futures)
            del handle
            return results


@contextmanager
def open_runner(workers: int | None = None, scheduler: str | None = None, *,
                processes: bool = True) -> Iterator[Runner]:
    """A :class:`Runner` for the command line's ``--workers`` / ``--scheduler``.

    Parameters
    ----------
    workers : int, optional
        Start a local cluster with this many single-threaded workers.
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``); wins over ``workers``.
    processes : bool
        Local workers as processes (default) or as threads of this process.

    Yields
    ------
    Runner
        The cluster (and its local workers) is closed on exit.
    """
    if workers is not None and workers < 1:
        raise InputError(f"--workers must be at least 1, got {workers}")
    if scheduler is None and workers is None:
        yield Runner()
        return
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="30s")
        except OSError as exc:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler} ({exc}); start it "
                             "(dask scheduler / dask-jobqueue) or check the address") from exc
        log.info("using the Dask cluster at %s", scheduler)
        try:
            yield Runner(client)
        finally:
            client.close()
        return
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes,
                           dashboard_address=None)
    client = Client(cluster)
    log.info("started a local Dask cluster with %d workers", workers)
    try:
        yield Runner(client)
    finally:
        client.close()
        cluster.close()
