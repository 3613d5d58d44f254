"""How long each chart takes to draw for a year of near-daily stretching.

Run as ``.venv/bin/python benchmarks/charts_benchmark.py``. For every chart it
times building the Figure and rendering it with Agg (``FigureCanvasAgg.draw``,
what a notebook or ``savefig`` pays), takes the median of several runs, and
prints it beside a reference: a bare matplotlib Figure with one 52-bar chart,
drawn in the same process, so the ratios travel between machines. Then it
times the tables behind the charts (:mod:`backstretch_kit.progress`) alone, so
what is table work and what is drawing can be told apart.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backstretch_kit import charts, demo, progress  # noqa: E402
from backstretch_kit.catalog import load_stretches  # noqa: E402
from backstretch_kit.log import SessionLog  # noqa: E402
from backstretch_kit.routine import load_routine  # noqa: E402

RUNS = 7


def median_ms(work: Callable[[], object]) -> float:
    """Median wall time of ``work()``, in milliseconds, after one untimed warm-up run."""
    work()  # warm caches (fonts, imports) outside the timing
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def drawn(draw: Callable[[], Figure]) -> Callable[[], None]:
    """Build a figure and render it with Agg, what a notebook or savefig pays."""
    return lambda: FigureCanvasAgg(draw()).draw()


def reference() -> Figure:
    fig = Figure(figsize=(10, 4.6), layout="constrained")
    ax = fig.add_subplot()
    ax.bar(range(52), range(52))
    ax.set_title("reference")
    return fig


def main() -> None:
    catalog = load_stretches()
    sessions, holds = demo.sample_log(days=365, start="2025-01-06", seed=0, stretches=catalog)
    with tempfile.TemporaryDirectory() as folder:
        log = SessionLog(Path(folder) / "year.sqlite", catalog=catalog)
        demo.sample_log(days=365, start="2025-01-06", seed=0, stretches=catalog, log=log)
        weekly_table = log.weekly_minutes()
        log.close()
    routine = load_routine("lower-back", catalog=catalog)
    end = "2026-01-05"

    cases: dict[str, Callable[[], Figure]] = {
        "reference (plain 52-bar Figure)": reference,
        "routine_time_by_area": lambda: charts.routine_time_by_area(routine),
        "weekly_minutes_by_area (holds)": lambda: charts.weekly_minutes_by_area(holds),
        "weekly_minutes_by_area (log.weekly_minutes())": lambda: charts.weekly_minutes_by_area(
            weekly_table
        ),
        "adherence_calendar": lambda: charts.adherence_calendar(sessions, end=end),
        "pain_trend": lambda: charts.pain_trend(sessions),
        "side_balance": lambda: charts.side_balance(holds, stretches=catalog),
    }
    print(f"python {sys.version.split()[0]}; median of {RUNS} runs, build + Agg draw")
    print(f"data: {len(sessions)} sessions, {len(holds)} holds over 365 days, one person")
    results = {name: median_ms(drawn(draw)) for name, draw in cases.items()}
    tables: dict[str, Callable[[], object]] = {
        "progress.weekly_minutes (holds)": lambda: progress.weekly_minutes(holds),
        "progress.days_stretched + current_streak": lambda: progress.current_streak(
            sessions, end=end
        ),
        "progress.pain_not_eased_since": lambda: progress.pain_not_eased_since(sessions),
        "progress.side_table": lambda: progress.side_table(holds, stretches=catalog),
    }
    results.update({f"table only: {name}": median_ms(work) for name, work in tables.items()})
    base = results["reference (plain 52-bar Figure)"]
    width = max(map(len, results))
    for name, ms in results.items():
        print(f"{name:<{width}}  {ms:7.1f} ms  {ms / base:4.2f}x reference")


if __name__ == "__main__":
    main()
