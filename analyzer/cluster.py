"""A Dask scheduler checked before a run: reachable, and with at least one worker.

Without the check, an address nobody answers fails after distributed's own connection timeout with a
traceback, and a scheduler without workers accepts the work and never returns it. dask is imported
only here, inside :func:`check_scheduler`.
"""
from __future__ import annotations

from analyzer.errors import SchedulerError, UnsupportedLayerError


def check_scheduler(address: str, timeout: float = 10.0) -> int:
    """The number of workers of the scheduler at ``address`` (``tcp://HOST:PORT``).

    Raises :class:`SchedulerError` when nothing answers there within ``timeout`` seconds, or when the
    scheduler has no worker after waiting ``timeout`` seconds for one."""
    try:
        from distributed import Client
    except ImportError:
        raise UnsupportedLayerError("a Dask scheduler needs dask[distributed]: pip install 'regionscope[dask]'") from None
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except Exception as exc:  # refused, timed out, a malformed address, or a peer that is no Dask scheduler
        raise SchedulerError(f"cannot reach a Dask scheduler at {address!r} within {timeout:g} s "
                             f"({type(exc).__name__}: {' '.join(str(exc).split())})") from None
    try:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except (TimeoutError, OSError):
            raise SchedulerError(f"the Dask scheduler at {address!r} has no workers (none joined within "
                                 f"{timeout:g} s): start some with 'dask worker {address}'") from None
        return len(client.scheduler_info()["workers"])
    finally:
        client.close()
