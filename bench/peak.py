"""``python -m bench.peak CMD ...``: run CMD, print the peak RSS (kB) of its process tree.

Linux's ``RUSAGE_CHILDREN`` ``ru_maxrss`` is the largest resident set among all waited-for
descendants, grandchildren included (``build`` runs dbt as its own subprocess), so the figure is
the peak of the largest process of the step, which is where DuckDB runs. The command's stdout is
discarded; its stderr passes through (failures).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys


def main() -> None:
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    # RUSAGE_CHILDREN: the largest ru_maxrss among all waited-for descendants (grandchildren
    # included, once their parents waited for them)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(max(usage.ru_maxrss, children))
    sys.exit(code)


if __name__ == "__main__":
    main()
