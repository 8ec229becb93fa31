"""Work spread over the machine's cores: :func:`in_processes`.

A build from nothing aligns every reviewed block into sentences and QA-screens
every translation, in Python, one core busy and the others idle. Such work is
split into independent jobs (one catalog, one language) and run in forked
worker processes, which start with every module the build imported. The
results come back in the jobs' order, so what a build makes does not depend on
how many cores it had.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether this process may fork workers: it runs one thread (Linux says so).

    A forked child has only the thread that forked. Language identification runs
    threads of its own once used (as in a second build of ``l10n serve``); a child
    would wait for ever for those missing there. Without ``/proc`` nothing is forked.
    """
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


# With ``each_its_own``: processes a core shares at most.
MOST_PROCESSES_PER_CORE = 4


def forks(jobs: int, worth_it: bool = True) -> bool:
    """Whether :func:`in_processes` would run this many jobs in worker processes."""
    return worth_it and min(cores(), jobs) >= 2 and can_fork()


def in_processes(
    work: Callable[[Job], Result],
    jobs: Sequence[Job],
    *,
    worth_it: bool = True,
    meanwhile: Callable[[], object] | None = None,
    each_its_own: bool = False,
) -> list[Result]:
    """``[work(job) for job in jobs]``, in worker processes when that may be faster.

    Serial with one job, one core, ``worth_it`` False (too little work to pay for
    the processes) or a process that may not fork. ``work`` and the results go
    between processes by pickle; an exception in a job is raised here as it was.
    A worker that died (killed, out of memory) leaves the jobs to this process.
    ``meanwhile`` is called in this process while the workers run (not at all when
    the jobs run here), after they are forked: work this process would otherwise
    wait idle through. With ``each_its_own``, for a few long jobs, each job has a
    process of its own (up to :data:`MOST_PROCESSES_PER_CORE` a core), all running at
    once: five equal jobs on two cores then end together, where two processes would
    leave one core idle through the fifth.
    """
    if not forks(len(jobs), worth_it):
        return [work(job) for job in jobs]
    most = cores() * (MOST_PROCESSES_PER_CORE if each_its_own else 1)
    workers = min(most, len(jobs))
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            results = pool.map(work, jobs)  # with "fork", every worker is forked here
            if meanwhile is not None:
                meanwhile()
            return list(results)
    except BrokenProcessPool:
        return [work(job) for job in jobs]
