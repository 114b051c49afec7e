"""Where chunks of runs are computed: in this process, on local worker processes, or on a Dask cluster.

Every executor computes :class:`~simsim.experiment.chunks.Chunk` objects with
:func:`~simsim.experiment.chunks.compute_chunk` and hands back the results as they complete, with
a bounded number of chunks in flight (so memory does not grow with the size of the experiment).
Results are arrays, not DataFrames: they pickle as raw buffers. Which executor computes a chunk
never changes its result: a run depends only on its seed (see :mod:`simsim.rng`).

- :class:`SerialExecutor`: in this process (``jobs=1``).
- :class:`ProcessExecutor`: local worker processes, started once per experiment and reused for
  every chunk; each worker receives the scenario once, when it starts.
- :class:`DaskExecutor`: a ``dask.distributed`` cluster (``scheduler="tcp://HOST:PORT"``), or a
  :class:`~dask.distributed.LocalCluster` it starts (``scheduler="local"``); needs the
  ``distributed`` extra (``pip install 'simsim[distributed]'``). The scenario travels pickled
  with every chunk and each worker unpickles it once (scattered data would be lost with a worker
  that dies, and the scheduler would then cancel the chunks that need it). Workers that see the
  results folder (the same machine, or a shared file system) write their chunks' parts
  themselves, as local processes do; otherwise the parts come back to be written here.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from simsim.errors import RunFailedError, SimsimError
from simsim.experiment.chunks import Chunk, ChunkFailure, ChunkResult, Scenarios, compute_chunk

Outcome = ChunkResult | ChunkFailure


class Executor(Protocol):
    """What :func:`simsim.run` needs from an executor."""

    #: number of chunks computed at the same time
    jobs: int
    #: whether chunks may name the results folder for the workers to write their parts to
    #: themselves (workers that cannot see the folder must return the parts instead)
    local: bool

    def map(self, scenario: Scenarios, chunks: Iterable[Chunk], stop: Callable[[], bool]) -> Iterator[Outcome]:
        """Compute ``chunks``, yielding each result as it completes; submit no more once ``stop()`` is true.

        ``scenario`` is the experiment's scenario, or the tuple of a sweep's point scenarios (a
        chunk's ``point`` says which): pass it to :func:`~simsim.experiment.chunks.compute_chunk`.
        """
        ...

    def describe(self) -> str:
        """A short description for messages and metadata."""
        ...


class SerialExecutor:
    """Compute chunks one after another in this process."""

    jobs = 1
    local = True

    def map(self, scenario: Scenarios, chunks: Iterable[Chunk], stop: Callable[[], bool]) -> Iterator[Outcome]:
        """Compute each chunk in turn."""
        for c in chunks:
            if stop():
                return
            yield compute_chunk(scenario, c)

    def describe(self) -> str:
        """``1 process``."""
        return "1 process"


# ------------------------------------------------------------------- local processes
_WORKER_SCENARIO: Scenarios | None = None


def _init_worker(scenario: Scenarios) -> None:
    global _WORKER_SCENARIO
    _WORKER_SCENARIO = scenario
    # Ctrl-C is the main process's to handle: it stops submitting and keeps what was written
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # a main process killed outright (SIGKILL, the out-of-memory killer) cannot stop its workers:
    # they notice that their parent is gone and exit, instead of waiting for chunks forever
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), name="simsim-parent-watch",
                     daemon=True).start()


def _exit_with_parent(parent: int, every: float = 0.5) -> None:
    """Exit this worker process as soon as its parent process ``parent`` is gone."""
    import time

    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


def _worker_compute(chunk: Chunk) -> Outcome:
    assert _WORKER_SCENARIO is not None, "worker not initialised"
    return compute_chunk(_WORKER_SCENARIO, chunk)


def _context(method: str | None) -> multiprocessing.context.BaseContext:
    if method is None:
        # fork where the platform offers it: workers inherit the registry (mechanisms a user
        # defined in a script or notebook) and a script needs no `if __name__ == "__main__"`.
        # Elsewhere forkserver (or spawn), which re-import the main module.
        methods = multiprocessing.get_all_start_methods()
        method = "fork" if sys.platform.startswith("linux") and "fork" in methods else (
            "forkserver" if "forkserver" in methods else "spawn")
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        # workers fork from a server that has simsim imported already
        ctx.set_forkserver_preload(["simsim.experiment.chunks", "simsim.registry"])
    return ctx


_WORKER_DIED = (
    "a worker process died while computing (killed by a signal, or out of memory: try a smaller "
    "--memory or fewer --jobs)"
)
_POOL_FAILED = (
    "worker processes failed ({error}). With the '{method}' start method a script must start "
    "runs under `if __name__ == \"__main__\":`; or run with jobs=1 (--jobs 1)."
)


def _bounded(submit: Callable[[Chunk], Any], chunks: Iterable[Chunk], inflight: int,
             stop: Callable[[], bool], wait_any: Callable[[set[Any]], tuple[set[Any], set[Any]]],
             result: Callable[[Any], Outcome]) -> Iterator[Outcome]:
    """Keep at most ``inflight`` chunks submitted; yield results as they complete."""
    it = iter(chunks)
    pending: set[Any] = set()
    exhausted = False
    while True:
        while not exhausted and len(pending) < inflight and not stop():
            c = next(it, None)
            if c is None:
                exhausted = True
                break
            pending.add(submit(c))
        if not pending:
            return
        done, pending = wait_any(pending)
        for f in done:
            yield result(f)


def _abandon(pool: ProcessPoolExecutor) -> None:
    """Stop ``pool``'s workers and shut it down without waiting for its threads."""
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        proc.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


class ProcessExecutor:
    """Local worker processes (all cores by default), started once and reused for every chunk.

    Parameters
    ----------
    jobs
        Number of worker processes (``None``: every core).
    start_method
        Multiprocessing start method (``None``: ``fork`` on Linux, so that workers inherit
        mechanisms registered in a script or notebook; ``forkserver`` or ``spawn`` elsewhere).
        The global start method is never changed.
    """

    def __init__(self, jobs: int | None = None, start_method: str | None = None) -> None:
        self.jobs = max(1, int(jobs or os.cpu_count() or 1))
        self.start_method = start_method
        self.local = True

    def map(self, scenario: Scenarios, chunks: Iterable[Chunk], stop: Callable[[], bool]) -> Iterator[Outcome]:
        """Compute chunks on the pool, at most two per worker in flight."""
        ctx = _context(self.start_method)
        pool = None
        try:
            with warnings.catch_warnings():
                # Python >= 3.12 warns on fork in a process with threads (e.g. BLAS pools);
                # the workers run only simsim's single-threaded code
                warnings.filterwarnings("ignore", message=".*use of fork\\(\\) may lead to deadlocks",
                                        category=DeprecationWarning)
                pool = ProcessPoolExecutor(self.jobs, mp_context=ctx, initializer=_init_worker,
                                           initargs=(scenario,))
                pool.submit(int).result()  # start the workers now (with fork: all of them), inside the filter
        except BrokenProcessPool as exc:  # the workers could not start
            if pool is not None:
                _abandon(pool)  # else the interpreter waits for the broken pool's threads at exit
            raise SimsimError(_POOL_FAILED.format(error=exc, method=ctx.get_start_method())) from None
        interrupted = False
        try:
            yield from _bounded(lambda c: pool.submit(_worker_compute, c), chunks, 2 * self.jobs, stop,
                                lambda p: wait(p, return_when=FIRST_COMPLETED), lambda f: f.result())
        except BrokenProcessPool:  # a worker died while computing (killed, or out of memory)
            raise RunFailedError(_WORKER_DIED) from None
        except KeyboardInterrupt:
            interrupted = True
            raise
        finally:
            if interrupted:
                # Ctrl-C may land while the pool holds one of its locks: waiting for its threads could
                # then hang. Stop the workers (a part being written is a hidden temporary file, which
                # resume removes) and do not wait.
                _abandon(pool)
            else:
                pool.shutdown(wait=True, cancel_futures=True)

    def describe(self) -> str:
        """``N processes``."""
        return f"{self.jobs} processes"


# ------------------------------------------------------------------- Dask
#: Dask's nanny sets this in every worker (to return freed memory to the system at once). It also
#: turns off glibc's adaptive mmap threshold, so every array above 128 KiB is mapped and unmapped
#: anew: a chunk of the flagship then takes about twice as long (measured in a worker and in a plain
#: process with the variable set; docs/scaling.md).
DASK_MALLOC_SETTING = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"


def local_cluster(n_workers: int) -> Any:
    """A :class:`~dask.distributed.LocalCluster` of ``n_workers`` single-threaded worker processes on loopback.

    Its workers start without ``MALLOC_TRIM_THRESHOLD_`` (see :data:`DASK_MALLOC_SETTING`) and
    without a dashboard.
    """
    import dask
    from distributed import LocalCluster

    # an earlier cluster's nanny may have set the variable in this process (Dask does: see its Nanny's
    # docstring), and workers inherit this process's environment, also when they start later
    # (glibc reads it only when a process starts: removing it does not change this process)
    os.environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    with dask.config.set({DASK_MALLOC_SETTING: None}):
        # silence_logs: the workers' own log lines (e.g. tracebacks when Ctrl-C reaches them) stay quiet;
        # simsim reports what happened
        return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None,
                            host="127.0.0.1", silence_logs=logging.CRITICAL)


#: scenarios a Dask worker has unpickled, by digest (the latest few experiments)
_DASK_SCENARIOS: dict[str, Scenarios] = {}


def _dask_compute(digest: str, blob: bytes, chunk: Chunk) -> Outcome:
    """Compute ``chunk`` of the scenario pickled in ``blob`` (unpickled once per worker and experiment).

    The scenario travels with every task instead of being scattered: data scattered to a worker
    that dies cannot be recomputed, and the scheduler then cancels the tasks that need it. A task
    that carries its scenario is simply run again elsewhere.
    """
    import pickle

    scenario = _DASK_SCENARIOS.get(digest)
    if scenario is None:
        scenario = pickle.loads(blob)  # noqa: S301 - simsim's own pickle of a validated scenario
        while len(_DASK_SCENARIOS) >= 4:
            _DASK_SCENARIOS.pop(next(iter(_DASK_SCENARIOS)))
        _DASK_SCENARIOS[digest] = scenario
    return compute_chunk(scenario, chunk)


def _dask_result(f: Any) -> Outcome:
    """A chunk's outcome from its Dask future; the cluster's own failures become a :class:`SimsimError`."""
    try:
        return f.result()  # type: ignore[no-any-return]
    except (OSError, TimeoutError):
        raise
    except Exception as exc:  # noqa: BLE001 - a chunk's own errors come back as a ChunkFailure, not raised
        raise SimsimError(f"the Dask cluster could not compute a chunk ({type(exc).__name__}: {exc})") from None


def _check_address(address: str) -> None:
    """Refuse a scheduler address that is not ``SCHEME://HOST:PORT``, before anything is started."""
    from urllib.parse import urlsplit

    scheme, _, rest = address.partition("://")
    if scheme not in ("tcp", "tls", "ucx", "inproc") or not rest:
        raise SimsimError(f"--scheduler {address}: expected 'local' or an address like tcp://HOST:PORT")
    if scheme == "inproc":
        return
    try:
        port = urlsplit(address).port
    except ValueError as exc:  # e.g. a port out of range
        raise SimsimError(f"--scheduler {address}: not a valid address ({exc}); expected tcp://HOST:PORT") from None
    if port is None:
        raise SimsimError(f"--scheduler {address}: the address needs a port, e.g. {address.rstrip('/')}:8786")


def _sees(path: str) -> bool:
    """Whether this (worker) process sees the file ``path``."""
    return os.path.exists(path)


def _workers_see(client: Any, folder: str) -> bool:
    """Whether every worker of ``client`` sees ``folder`` (this machine, or a shared file system).

    A probe file with a random name is written to ``folder`` and every worker is asked whether it
    sees it: a folder of the same name on another machine does not count.
    """
    import uuid

    probe = os.path.join(folder, f".simsim-probe-{uuid.uuid4().hex}")
    try:
        with open(probe, "w"):
            pass
        seen = client.run(_sees, probe)
        return bool(seen) and all(seen.values())
    except OSError:
        return False
    finally:
        try:
            os.remove(probe)
        except OSError:
            pass


class DaskExecutor:
    """Chunks computed on a Dask distributed cluster.

    Parameters
    ----------
    scheduler
        ``"tcp://HOST:PORT"`` of a running scheduler (``dask scheduler``, with workers started by
        ``dask worker tcp://HOST:PORT``), or ``"local"`` to start a
        :class:`~dask.distributed.LocalCluster` of ``jobs`` single-threaded worker processes for
        this experiment (closed afterwards). A :class:`~dask.distributed.Client` is also accepted.
    jobs
        For ``"local"``: number of workers (``None``: every core).
    """

    def __init__(self, scheduler: Any = "local", jobs: int | None = None) -> None:
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise SimsimError("the Dask backend needs the 'distributed' extra: pip install 'simsim[distributed]'") \
                from None
        if isinstance(scheduler, str) and scheduler != "local":
            _check_address(scheduler)
        self.scheduler = scheduler
        self._jobs = jobs
        self._conn: tuple[Any, Callable[[], None]] | None = None
        # chunks may name the results folder: map() checks every worker sees it, else strips it
        self.local = True
        self.jobs = max(1, int(jobs or os.cpu_count() or 1))

    def _client(self) -> tuple[Any, Callable[[], None]]:
        from distributed import Client

        if isinstance(self.scheduler, Client):
            return self.scheduler, lambda: None
        if self.scheduler == "local":
            try:
                cluster = local_cluster(self.jobs)
            except RuntimeError as exc:  # e.g. a script without a main guard: spawned workers re-run it
                raise SimsimError(f"the local Dask cluster could not start ({exc}). Its workers are started by "
                                  "spawning, which re-runs the main script: start runs under "
                                  "`if __name__ == \"__main__\":`") from None
            client = Client(cluster)

            def close() -> None:
                client.close()
                cluster.close()

            return client, close
        try:
            client = Client(str(self.scheduler), timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise SimsimError(f"--scheduler {self.scheduler}: cannot reach the Dask scheduler ({exc})") from None
        return client, client.close

    def open(self) -> None:
        """Connect to the cluster (or start the local one) now, before anything is written.

        :func:`simsim.run` calls this before it touches the results folder, so an unreachable
        scheduler leaves earlier results there as they were.
        """
        if self._conn is None:
            self._conn = self._client()

    def close(self) -> None:
        """Disconnect (and close a cluster this executor started)."""
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn[1]()

    def map(self, scenario: Scenarios, chunks: Iterable[Chunk], stop: Callable[[], bool]) -> Iterator[Outcome]:
        """Compute chunks on the cluster, at most two per worker thread in flight."""
        from distributed import wait as dwait

        self.open()
        assert self._conn is not None
        client = self._conn[0]
        try:
            threads = sum(client.nthreads().values()) or 1
            self.jobs = threads
            import hashlib
            import pickle

            blob = pickle.dumps(scenario)
            digest = hashlib.blake2b(blob, digest_size=16).hexdigest()
            shared: dict[str, bool] = {}

            def placed(c: Chunk) -> Chunk:
                """``c``, without its results folder if some worker cannot see it."""
                if c.write_to is None:
                    return c
                if c.write_to not in shared:
                    shared[c.write_to] = _workers_see(client, c.write_to)
                return c if shared[c.write_to] else dataclasses.replace(c, write_to=None)

            def wait_any(p: set[Any]) -> tuple[set[Any], set[Any]]:
                res = dwait(list(p), return_when="FIRST_COMPLETED")
                return set(res.done), set(res.not_done)

            futures: list[Any] = []

            def submit(c: Chunk) -> Any:
                f = client.submit(_dask_compute, digest, blob, placed(c), pure=False)
                futures.append(f)
                return f

            yield from _bounded(submit, chunks, 2 * threads, stop, wait_any, _dask_result)
        except SimsimError:
            raise
        except Exception as exc:  # noqa: BLE001 - the scheduler or the connection went away, futures cancelled
            if not isinstance(exc, (OSError, TimeoutError)) and not type(exc).__module__.startswith(
                    ("distributed", "concurrent.futures", "asyncio")):
                raise
            where = f" {self.scheduler}" if isinstance(self.scheduler, str) else ""
            lines = [ln.strip() for ln in str(exc).strip().splitlines() if ln.strip()]
            said = next((ln.removeprefix("Message:").strip() for ln in lines if ln.startswith("Message:")),
                        lines[0] if lines else "")
            said = f" ({type(exc).__name__}{': ' + said if said and said != 'None' else ''})"
            if getattr(client, "status", None) == "running":  # still connected: the cluster refused a chunk
                raise SimsimError(f"the Dask cluster{where} could not finish a chunk{said}") from None
            raise SimsimError(f"lost the Dask cluster{where}{said}") from None
        finally:
            self.close()

    def describe(self) -> str:
        """``Dask cluster at ADDRESS (N workers)``."""
        where = "a local Dask cluster" if self.scheduler == "local" else f"Dask cluster {self.scheduler}"
        return f"{where} ({self.jobs} single-threaded workers)" if self.scheduler == "local" \
            else f"{where} ({self.jobs} worker threads)"


def make_executor(executor: Any, jobs: int, start_method: str | None = None) -> Executor:
    """An executor from ``simsim.run``'s ``executor=`` value.

    ``None`` or ``"processes"``: :class:`SerialExecutor` for one job, else :class:`ProcessExecutor`;
    ``"serial"``; ``"local"`` or ``"tcp://HOST:PORT"`` (Dask); a ``dask.distributed.Client``; or
    an object with ``map`` and ``describe`` (an :class:`Executor`).
    """
    if executor is None or executor == "processes":
        return SerialExecutor() if jobs == 1 else ProcessExecutor(jobs, start_method)
    if executor == "serial":
        return SerialExecutor()
    if isinstance(executor, str):
        return DaskExecutor(executor, jobs)
    if hasattr(executor, "map") and hasattr(executor, "describe"):
        return executor  # type: ignore[no-any-return]
    if type(executor).__name__ == "Client":
        return DaskExecutor(executor, jobs)
    raise SimsimError(f"unknown executor {executor!r}: use 'processes', 'serial', 'local', 'tcp://HOST:PORT' "
                      "or a dask.distributed.Client")
