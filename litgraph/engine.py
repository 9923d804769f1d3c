"""Where the per-paper stages of a build run: in this process (the default) or on a Dask cluster.

The stages that work a chunk of papers or a block of rows at a time — the concept scan,
the word counts, sentence embeddings and the neighbour searches — ask
:func:`current` for the engine of the build and hand it their chunks. The in-process
engine runs them one after the other; :class:`DaskEngine` sends them to the workers of a
``dask.distributed`` cluster (Rocklin 2015, "Dask: parallel computation with blocked
algorithms and task scheduling") and gives the results back in order. What a stage
makes does not depend on how the corpus is cut into chunks (each text is scanned and
counted alone, each row's neighbours are found alone, and the encoder's chunks are its
own in-process ones), so a build on a cluster equals the in-process build. What the
workers need of the whole corpus (the matrix a block of rows is compared with, the
encoder) is sent to each once.

Merging the chunks, the store, community detection, centralities and the page stay in
the calling process (the driver): a worker gets inputs and returns arrays.

Use it with ``client=`` (:func:`litgraph.build_graph`, :class:`litgraph.LitGraph`), the
``--scheduler`` option of the command line (or ``LITGRAPH_SCHEDULER``), or for any code::

    with lg.engine.using(client):
        g = lg.build_graph(corpus)
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import dataclasses
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from .exceptions import EngineError, InvalidParameterError

__all__ = ["Engine", "DaskEngine", "StageCost", "current", "using", "connect", "check_address", "INSTALL_HINT",
           "WORKER_WAIT", "CONNECT_TIMEOUT", "SCHEMES", "task_threads", "as_engine"]

#: Address schemes of a Dask scheduler.
SCHEMES = ("tcp", "tls", "inproc", "ucx", "ws", "wss")
#: Seconds a build waits for a cluster's first worker (``LITGRAPH_WORKER_WAIT`` overrides it).
WORKER_WAIT = 30.0
#: Seconds :func:`connect` tries to reach a scheduler (``LITGRAPH_SCHEDULER_TIMEOUT`` overrides it).
CONNECT_TIMEOUT = 10.0
INSTALL_HINT = "pip install 'litgraph[distributed]'"
#: The distribution every worker must have installed at this version.
DISTRIBUTION = "litgraph"


@dataclasses.dataclass
class StageCost:
    """What one stage moved and how long it took: tasks, bytes sent to and back from the workers, seconds."""

    tasks: int = 0
    bytes_out: int = 0
    bytes_back: int = 0
    bytes_shared: int = 0
    seconds: float = 0.0


class Engine:
    """The in-process engine: each chunk in turn, in this process.

    ``costs`` holds a :class:`StageCost` per stage name, summed over the engine's life.
    """

    name = "in-process"
    workers = 1

    def __init__(self) -> None:
        self.costs: dict[str, StageCost] = {}

    @property
    def distributed(self) -> bool:
        return False

    @contextlib.contextmanager
    def timed(self, stage: str):
        """Count the block's seconds as one task of ``stage`` (work a stage does here in one piece)."""
        cost = self.costs.setdefault(stage, StageCost())
        t = time.perf_counter()
        try:
            yield
        finally:
            cost.tasks += 1
            cost.seconds += time.perf_counter() - t

    def map(self, fn: Callable, items: Iterable, *, stage: str, shared: tuple = ()) -> Iterator:
        """``fn(item, *shared)`` for each item, in order (a generator: one result alive at a time here)."""
        cost = self.costs.setdefault(stage, StageCost())
        for item in items:
            t = time.perf_counter()
            out = fn(item, *shared)
            cost.tasks += 1
            cost.seconds += time.perf_counter() - t
            yield out


class DaskEngine(Engine):
    """The stages' chunks as tasks on a ``dask.distributed`` cluster.

    Parameters
    ----------
    client : distributed.Client
        A running client; checked when the engine is made (not closed, at least one worker
        within ``wait`` seconds, litgraph installed on every worker at this version).
    wait : float, optional
        Seconds to wait for a first worker (default :data:`WORKER_WAIT`).
    """

    name = "dask"

    def __init__(self, client: Any, *, wait: float | None = None) -> None:
        super().__init__()
        self.client = client
        self.address = _address_of(client)
        self.wait = _seconds(wait, "LITGRAPH_WORKER_WAIT", WORKER_WAIT)
        self.workers = _check_cluster(client, self.address, self.wait)

    @property
    def distributed(self) -> bool:
        return True

    def map(self, fn: Callable, items: Iterable, *, stage: str, shared: tuple = ()) -> Iterator:
        """``fn(item, *shared)`` for each item on the workers; results in order, each released once read.

        ``shared`` values are copied to every worker once. Each item travels inside its task,
        so the scheduler can run it again: a worker that dies mid-task has its tasks run
        elsewhere (the shared values are read from a worker that still has them). At most two
        tasks per worker are out at a time (the items are made as they are sent, so memory
        here holds a few chunks). A task that keeps ending its workers ends the build with
        :class:`~litgraph.exceptions.EngineError`.
        """
        import dask
        from distributed import KilledWorker

        cost = self.costs.setdefault(stage, StageCost())
        t = time.perf_counter()
        tag = f"litgraph-{stage.replace(' ', '-')}-{uuid.uuid4().hex[:8]}"
        sent = [self._scatter(s) for s in shared]
        cost.bytes_shared += sum(_bytes(s) for s in shared) * max(1, self.workers)
        queue: collections.deque = collections.deque()
        window = 2 * max(1, self.workers)
        try:
            # a chunk is data in its task by design (it can be sent again): no warning about the graph's size
            with dask.config.set({"distributed.admin.large-graph-warning-threshold": "1PiB"}):
                for k, item in enumerate(items):
                    cost.bytes_out += _bytes(item)
                    queue.append(self.client.submit(fn, item, *sent, pure=False, key=f"{tag}-{k}"))
                    del item
                    if len(queue) >= window:
                        yield self._take(queue.popleft(), cost)
            while queue:
                yield self._take(queue.popleft(), cost)
        except KilledWorker as exc:
            raise EngineError(f"A task of the {stage} stage ended the worker that ran it every time it was tried "
                              f"({exc}); the workers may be short of memory (give each more, or start more "
                              f"workers).") from None
        finally:
            for f in queue:
                f.cancel()
            for f in sent:
                f.release()
            cost.seconds += time.perf_counter() - t

    def _scatter(self, value: Any, attempts: int = 3) -> Any:
        """``value`` copied to every worker (a future of it); a worker lost on the way is left out."""
        from distributed.comm.core import CommClosedError

        for attempt in range(attempts):
            try:
                return self.client.scatter([value], broadcast=True, hash=False)[0]
            except (CommClosedError, OSError):
                if attempt == attempts - 1:
                    raise EngineError(f"Could not copy the shared data of a build to the workers of {self.address}: "
                                      f"they keep going away; check the cluster.") from None
                self.client.wait_for_workers(1, timeout=self.wait)
        raise AssertionError("unreachable")

    @staticmethod
    def _take(future: Any, cost: StageCost) -> Any:
        out = future.result()
        future.release()
        cost.bytes_back += _bytes(out)
        cost.tasks += 1
        return out


def _bytes(obj: Any) -> int:
    """About how many bytes ``obj`` takes on the wire: arrays, sparse matrices and lists by dask's ``sizeof``,
    the fields of a dataclass and the items of a short tuple added up."""
    from dask.sizeof import sizeof

    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return sum(_bytes(getattr(obj, f.name)) for f in dataclasses.fields(obj))
    if isinstance(obj, tuple) and len(obj) <= 16:
        return sum(_bytes(o) for o in obj)
    if type(obj).__getstate__ is not object.__getstate__ and type(obj).__module__.startswith("litgraph"):
        state = obj.__getstate__()  # what pickling sends of the package's own objects
        if isinstance(state, dict):
            return sum(_bytes(v) for v in state.values())
    return int(sizeof(obj))


_CURRENT: contextvars.ContextVar[Engine | None] = contextvars.ContextVar("litgraph_engine", default=None)


def current() -> Engine:
    """The engine of the running build (:func:`using`), or the in-process one."""
    engine = _CURRENT.get()
    return engine if engine is not None else Engine()


@contextlib.contextmanager
def using(client: Any = None, *, wait: float | None = None):
    """Run the builds inside the ``with`` block on ``client``'s cluster (a ``distributed.Client``, a
    :class:`DaskEngine` or an :class:`Engine`); ``None`` keeps them in process. Yields the engine
    (its ``costs`` say what each stage moved)."""
    engine = as_engine(client, wait=wait)
    token = _CURRENT.set(engine)
    try:
        yield engine
    finally:
        _CURRENT.reset(token)


def as_engine(client: Any, *, wait: float | None = None) -> Engine:
    """An engine for a ``client=`` parameter: in-process for None; InvalidParameterError for anything else
    that is not a Dask client."""
    if client is None:
        return current()
    if isinstance(client, Engine):
        return client
    try:
        from distributed import Client
    except ImportError:
        raise InvalidParameterError(f"The 'client' parameter needs dask.distributed, which is not installed: "
                                    f"{INSTALL_HINT}.") from None
    if not isinstance(client, Client):
        raise InvalidParameterError(f"The 'client' parameter must be a dask.distributed Client (e.g. "
                                    f"Client('tcp://host:8786')) or None. Got {type(client).__name__}.")
    return DaskEngine(client, wait=wait)


def task_threads() -> int | None:
    """The threads of the Dask worker running the calling task (None outside a worker): what a task that
    runs threads of its own (the sentence encoder) uses, so that the workers of a machine share its cores."""
    try:
        from distributed import get_worker

        return int(get_worker().state.nthreads)
    except (ImportError, ValueError, AttributeError):
        return None


def check_address(address: str, where: str = "--scheduler") -> str:
    """``address`` if it is a scheduler address (``tcp://host:port`` and the like); InvalidParameterError
    saying what is expected otherwise."""
    text = str(address).strip()
    parts = urlsplit(text)
    ok = parts.scheme in SCHEMES and (parts.scheme == "inproc" or bool(parts.hostname))
    try:
        ok = ok and (parts.scheme == "inproc" or parts.port is not None)
    except ValueError:
        ok = False
    if not ok:
        raise InvalidParameterError(f"{where} {address!r} is not a Dask scheduler address: expected "
                                    f"scheme://host:port with a scheme among {', '.join(SCHEMES)}, e.g. "
                                    f"tcp://10.0.0.5:8786 (what `dask scheduler` prints).")
    return text


def connect(address: str, *, timeout: float | None = None, where: str = "--scheduler") -> Any:
    """A ``distributed.Client`` of the scheduler at ``address``; EngineError in one line if it cannot be reached
    within ``timeout`` seconds (default :data:`CONNECT_TIMEOUT`, or ``LITGRAPH_SCHEDULER_TIMEOUT``)."""
    address = check_address(address, where)
    timeout = _seconds(timeout, "LITGRAPH_SCHEDULER_TIMEOUT", CONNECT_TIMEOUT)
    try:
        from distributed import Client
    except ImportError:
        raise EngineError(f"{where} needs dask.distributed, which is not installed: {INSTALL_HINT}.") from None
    try:
        return Client(address, timeout=f"{timeout}s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise EngineError(f"Cannot reach the Dask scheduler at {address} within {timeout:g} s ({_short(exc)}); "
                          f"check the address and that `dask scheduler` runs there.") from None


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _address_of(client: Any) -> str:
    status = getattr(client, "status", "closed")
    if status != "running":
        raise EngineError(f"The Dask client is {status}: make a new one (Client(address)) or pass none to "
                          f"build in this process.")
    return str(getattr(client.scheduler, "address", "") or "the scheduler")


def _seconds(given: float | None, variable: str, default: float) -> float:
    """``given``, else the environment ``variable``, else ``default``: a number of seconds above 0."""
    value = given if given is not None else os.environ.get(variable)
    if value is None:
        return default
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = float("nan")
    if not seconds > 0 or seconds == float("inf"):
        where = variable if given is None else "the wait"
        raise InvalidParameterError(f"{where} must be a number of seconds above 0. Got {value!r}.")
    return seconds


def _check_cluster(client: Any, address: str, wait: float) -> int:
    """The number of workers, once there is one and each runs this litgraph; EngineError otherwise."""
    import importlib.metadata

    from ._version import __version__

    try:
        client.wait_for_workers(1, timeout=wait)
    except (TimeoutError, OSError):
        raise EngineError(f"The Dask cluster at {address} has no worker after {wait:g} s of waiting; start some "
                          f"(`dask worker {address}`), or wait longer with LITGRAPH_WORKER_WAIT=seconds.") from None
    found = client.run(importlib.metadata.version, DISTRIBUTION, on_error="return")
    wrong = {w: v for w, v in found.items() if v != __version__}
    if wrong:
        said = "; ".join(f"{w}: {'not installed' if not isinstance(v, str) else v}" for w, v in sorted(wrong.items()))
        raise EngineError(f"Every Dask worker needs litgraph {__version__}, as here; {said}. Install it on the "
                          f"workers ({INSTALL_HINT}=={__version__}) and restart them.")
    return len(found)
