"""bench.peak counts the memory of worker processes its command never waits for.

Landing's workers are forked by multiprocessing's forkserver; the landing process never waits
for them, so ``RUSAGE_CHILDREN`` alone reported the parent's 67 MB for a 10M-beacon landing.
Here a forkserver worker holds 300 MiB (every byte written, so the pages are resident) while its
parent stays small: the printed peak must include the worker's 300 MiB.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

HELD_MIB = 300

CHILD = textwrap.dedent(
    f"""
    import multiprocessing, time

    def hold():
        block = b"\\x01" * ({HELD_MIB} * 2**20)  # written, so resident
        time.sleep(1.5)
        return len(block)

    if __name__ == "__main__":
        context = multiprocessing.get_context("forkserver")
        with context.Pool(1) as pool:
            assert pool.apply(hold) == {HELD_MIB} * 2**20
    """
)


def test_peak_includes_forkserver_workers(tmp_path):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    done = subprocess.run(
        [sys.executable, "-m", "bench.peak", sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    peak_kb = int(done.stdout.strip().splitlines()[-1])
    assert peak_kb >= HELD_MIB * 1024, f"peak {peak_kb} kB misses the worker's {HELD_MIB} MiB"


def test_peak_passes_the_exit_code_through(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "bench.peak", sys.executable, "-c", "raise SystemExit(3)"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 3
