"""``python -m bench.peak CMD ...``: run CMD, print the peak RSS (kB) of its process tree.

Two readings, the larger is printed:

* Linux's ``RUSAGE_CHILDREN`` ``ru_maxrss``: the largest resident set among all waited-for
  descendants, grandchildren included (``build`` runs dbt as its own subprocess), so the peak of
  the largest single process of the step, which is where DuckDB runs;
* the peak of the **sum** of the resident sets of the command and all its descendants, sampled
  every 50 ms (psutil). ``land`` needs it: its worker processes are forked by multiprocessing's
  forkserver, which the command never waits for, so ``RUSAGE_CHILDREN`` never sees them (the
  10M runs of 2026-11-23 reported 67 MB for landing, the parent alone). The sum also counts
  memory two processes share (the forkserver's copy-on-write pages) twice: an upper bound,
  which is the safe side for a memory target. A peak shorter than the interval can be missed.

The command's stdout is discarded; its stderr passes through (failures).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading

import psutil

INTERVAL_S = 0.05


def _tree_rss_kb(root: psutil.Process) -> int:
    total = 0
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:  # ended between the listing and the reading
            continue
    return total // 1024


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process tree until told to stop; keeps the largest."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.peak_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(INTERVAL_S):
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.root))


def main() -> None:
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    sampler.done.set()
    sampler.join()
    code = os.waitstatus_to_exitcode(status)
    # RUSAGE_CHILDREN: the largest ru_maxrss among all waited-for descendants (grandchildren
    # included, once their parents waited for them)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(max(usage.ru_maxrss, children, sampler.peak_kb))
    sys.exit(code)


if __name__ == "__main__":
    main()
