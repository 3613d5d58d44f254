"""Time Routine.schedule() and Routine.total_seconds() for a 200-item routine.

Run as ``.venv/bin/python benchmarks/routine_benchmark.py [runs]``. Prints the
median and fastest of N runs (default 50) for each, with the number of phases,
beside a reference run in the same process (building a DataFrame of the same
size from plain lists), since absolute times depend on the machine.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Run from a source checkout without installing: put the repository first on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backstretch_kit.catalog import load_stretches  # noqa: E402
from backstretch_kit.routine import Routine  # noqa: E402


def _time(function: Callable[[], object], runs: int) -> list[float]:
    function()  # warm up: imports and caches are not what is measured
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def _report(label: str, times: list[float]) -> None:
    median_ms = statistics.median(times) * 1000
    print(f"{label:<34} median {median_ms:8.3f} ms   best {min(times) * 1000:8.3f} ms")


def main(runs: int = 50) -> None:
    catalog = load_stretches()
    ids = list(catalog.index)
    routine = Routine("Benchmark", (), catalog=catalog)
    for number in range(200):
        routine.add(ids[number % len(ids)])
    frame = routine.schedule()
    print(f"routine: {len(routine)} items, {len(frame)} phases, {routine!r}")
    print(f"runs: {runs}")

    def reference() -> object:
        import pandas as pd

        return pd.DataFrame({column: frame[column].tolist() for column in frame.columns})

    _report("schedule()", _time(routine.schedule, runs))
    _report("total_seconds()", _time(routine.total_seconds, runs))
    _report("time_by_area()", _time(routine.time_by_area, runs))
    _report("reference: DataFrame from lists", _time(reference, runs))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
