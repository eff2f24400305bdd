"""Child processes of the benchmark: run one, time it, and read its peak memory.

Two peaks are kept, because the speed issue's goal is about their sum: a build forks one
worker per core, and what the machine must hold is all of them at once (the **summed**
peak), while the largest single process (the **per-process** peak) says whether one
worker, not their number, is what grows.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass
class ProcResult:
    """One finished (or killed) child process.

    ``maxrss_mb`` is the summed peak of the process and its descendants, ``process_peak_mb``
    the peak of the largest single one of them (see :func:`run_child`).
    """

    args: list[str]
    returncode: int
    wall_s: float
    maxrss_mb: float
    stdout: str
    stderr: str
    timed_out: bool = False
    process_peak_mb: float = 0.0


#: Seconds between samples of a process tree's memory. Reading ``smaps_rollup`` walks the
#: page tables (≈ 10 ms per GB of RSS): every 0.1 s it took a tenth of a core from the build.
MEMORY_SAMPLE_S = 0.5


def descendants(pid: int) -> list[int]:
    """The processes below ``pid`` (its children, theirs, …), from /proc."""
    found: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = list(Path(f"/proc/{current}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except (OSError, ValueError):
                continue
            found.extend(children)
            todo.extend(children)
    return found


def tree_memory_mb(pid: int) -> float | None:
    """Proportional set size (PSS) of ``pid`` and its descendants, summed, in MB.

    PSS shares each page among the processes mapping it, so pages a forked child still
    shares with its parent count once, not twice as summed RSS would.
    """
    total = 0
    for each in [pid, *descendants(pid)]:
        try:
            for line in Path(f"/proc/{each}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except (OSError, ValueError):
            continue
    return total / 1024 if total else None


def vm_hwm_mb(pid: int) -> float | None:
    """Peak resident memory of a running process (the Oxigraph server), from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_child(args: Sequence[str], *, timeout: float | None = None) -> ProcResult:
    """Run ``args``; its wall time and peak memory come from exactly this pid and its own
    children.

    The summed peak is the larger of ``os.wait4``'s ``ru_maxrss`` for this pid (exact, but
    the peak of one process only) and the largest sum of the PSS of the process and its
    children, sampled every :data:`MEMORY_SAMPLE_S` while it has children (a build forks one
    process per core: their memory adds up). The per-process peak is the larger of that
    ``ru_maxrss`` and the largest ``VmHWM`` (each process's own high-water mark) read from a
    descendant at those samples; a child living less than one sample is not seen.
    The summed peak is never below the per-process one: when one process was at its peak,
    the tree held at least its pages. ``RUSAGE_CHILDREN`` would give the maximum over every
    child ever waited for, so the second pipeline would inherit the first one's peak.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(list(args), stdout=out, stderr=err)
        timed_out = False
        tree_peak = 0.0
        one_peak = 0.0
        sampled = 0.0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid == process.pid:
                break
            now = time.perf_counter()
            if now - sampled >= MEMORY_SAMPLE_S:
                sampled = now
                below = descendants(process.pid)
                if below:
                    tree_peak = max(tree_peak, tree_memory_mb(process.pid) or 0.0)
                    one_peak = max([one_peak, *(vm_hwm_mb(each) or 0.0 for each in below)])
            if timeout is not None and time.perf_counter() - start > timeout:
                process.kill()
                timed_out = True
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.02)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        own = usage.ru_maxrss / 1024
        return ProcResult(
            list(args),
            process.returncode,
            wall,
            max(own, tree_peak, one_peak),
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            timed_out,
            process_peak_mb=max(own, one_peak),
        )
