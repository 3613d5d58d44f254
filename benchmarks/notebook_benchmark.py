"""Each workbook notebook's full run against a floor notebook (target: within 1.5x the floor).

The floor is a notebook with one code cell, ``import pandas, matplotlib, ipywidgets``: the
least any of our notebooks can cost. Every run is timed from the creation of the
``NotebookClient`` to the end of ``execute()``, so kernel start and shutdown are counted, as a
user waits for them. Floor and notebook runs alternate (floor, nb, floor, nb, ...) so that
machine load falls on both alike; the figures are medians.

Every run executes a fresh in-memory copy of a notebook read from a temporary copy of
``notebooks/`` (also the kernels' working folder); nothing is written back to the repository.
``BACKSTRETCH_DATA_DIR`` points at a temporary folder for the whole run, so the session log and
handouts the notebooks write go there.

``BACKSTRETCH_CACHE_DIR`` (the pictograms kept between sessions, poses/_picture_cache.py) starts
empty and is kept for the whole run, as on a user's machine: the first run of each notebook draws
its pictures, the later ones read them, and the median (of 3 or more runs) is a later session.
``--cold-pictures`` gives every run an empty cache instead: every session a first one.

Where a notebook misses the goal, the per-cell wall times (measured with nbclient's cell hooks
during the same runs) show which cells take the time.

Run: .venv/bin/python benchmarks/notebook_benchmark.py [--repeat N] [--all-cells] [--only 02 07]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient

GOAL_RATIO = 1.5
KERNEL = "python3"
NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
FLOOR_NAME = "(floor)"


@dataclass
class Run:
    """One timed run: total wall time and where it went, all in seconds."""

    total_s: float
    kernel_start_s: float
    cells_s: dict[int, float] = field(default_factory=dict)
    after_cells_s: float = 0.0


def floor_notebook() -> nbformat.NotebookNode:
    """The reference notebook: start a kernel, import the three libraries, nothing else."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    nb.cells.append(nbformat.v4.new_code_cell("import pandas, matplotlib, ipywidgets"))
    return nb


def timed_run(nb: nbformat.NotebookNode, cwd: Path) -> Run:
    """Execute ``nb`` (mutated in place; pass a fresh copy) and time it and its cells."""
    marks: dict[str, float] = {}
    cell_start: dict[int, float] = {}
    cells_s: dict[int, float] = {}

    def on_notebook_start(**_: object) -> None:
        marks["kernel_ready"] = time.perf_counter()

    def on_cell_start(cell_index: int, **_: object) -> None:
        cell_start[cell_index] = time.perf_counter()

    def on_cell_executed(cell_index: int, **_: object) -> None:
        now = time.perf_counter()
        cells_s[cell_index] = now - cell_start[cell_index]
        marks["last_cell_done"] = now

    started = time.perf_counter()
    client = NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=600,
        resources={"metadata": {"path": str(cwd)}},
        on_notebook_start=on_notebook_start,
        on_cell_start=on_cell_start,
        on_cell_executed=on_cell_executed,
    )
    client.execute()
    finished = time.perf_counter()
    return Run(
        total_s=finished - started,
        kernel_start_s=marks["kernel_ready"] - started,
        cells_s=cells_s,
        after_cells_s=finished - marks.get("last_cell_done", marks["kernel_ready"]),
    )


def first_line(source: str, width: int = 60) -> str:
    """A cell's first line of code (past comments and magics), cut to ``width`` characters."""
    lines = [s.strip() for s in source.splitlines() if s.strip()]
    line = next((s for s in lines if not s.startswith(("#", "%"))), lines[0] if lines else "")
    return line if len(line) <= width else line[: width - 3] + "..."


def print_breakdown(name: str, nb: nbformat.NotebookNode, runs: list[Run]) -> None:
    """Median time per phase and per code cell of one notebook's runs."""
    print(f"\n{name}: where the time goes (median of {len(runs)} runs, seconds)")
    kernel = statistics.median(r.kernel_start_s for r in runs)
    print(f"  {'kernel start + client ready':<68} {kernel:6.2f}")
    for index, cell in enumerate(nb.cells):
        times = [r.cells_s[index] for r in runs if index in r.cells_s]
        if not times:
            continue
        label = f"cell {index:2d}: {first_line(cell.source)}"
        print(f"  {label:<68} {statistics.median(times):6.2f}")
    after = statistics.median(r.after_cells_s for r in runs)
    print(f"  {'after last cell (widget state, kernel shutdown)':<68} {after:6.2f}")
    print(f"  {'total':<68} {statistics.median(r.total_s for r in runs):6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per notebook (default 3)")
    parser.add_argument(
        "--all-cells",
        action="store_true",
        help="print the per-cell breakdown of every notebook, not only those over the goal",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        help="run only the notebooks whose file names start with one of these (e.g. 02 07);"
        " the floor runs as often as with all of them: once before each notebook run",
    )
    parser.add_argument(
        "--cold-pictures",
        action="store_true",
        help="give every run an empty pictogram cache (by default it is kept between runs)",
    )
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error(f"--repeat must be at least 1, got {args.repeat}")

    with tempfile.TemporaryDirectory(prefix="bsk-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        # Set before any kernel starts: kernels inherit this process's environment.
        os.environ["BACKSTRETCH_DATA_DIR"] = str(data_dir)
        cache_dir = Path(tmp) / "cache"
        os.environ["BACKSTRETCH_CACHE_DIR"] = str(cache_dir)
        work_dir = Path(tmp) / "notebooks"
        shutil.copytree(NOTEBOOKS_DIR, work_dir)
        paths = sorted(work_dir.glob("*.ipynb"))
        if args.only:
            paths = [p for p in paths if p.name.startswith(tuple(args.only))]
        if not paths:
            wanted = f" matching {' '.join(args.only)}" if args.only else ""
            raise SystemExit(f"no notebooks{wanted} found in {NOTEBOOKS_DIR}")
        originals = {p.name: nbformat.read(p, as_version=4) for p in paths}
        floor = floor_notebook()

        # One untimed floor run first, so the first timed run does not pay for cold caches.
        timed_run(floor_notebook(), work_dir)

        floor_runs: list[Run] = []
        nb_runs: dict[str, list[Run]] = {name: [] for name in originals}
        for _ in range(args.repeat):
            for name, original in originals.items():
                floor_runs.append(timed_run(floor_notebook(), work_dir))
                if args.cold_pictures:
                    shutil.rmtree(cache_dir, ignore_errors=True)
                nb_runs[name].append(timed_run(nbformat.from_dict(original), work_dir))

    floor_s = statistics.median(r.total_s for r in floor_runs)
    print(
        f"Notebook full runs (nbclient, kernel '{KERNEL}'), median of {args.repeat} runs each,"
        f" floor median of {len(floor_runs)} interleaved runs"
    )
    print(f"floor notebook: `import pandas, matplotlib, ipywidgets`, goal: each <= {GOAL_RATIO}x")
    pictures = "empty for every run" if args.cold_pictures else "kept from the first run on"
    print(f"pictogram cache: {pictures}\n")
    print(f"{'notebook':<36} {'median s':>9} {'min s':>7} {'max s':>7} {'ratio':>7}")
    floor_totals = [r.total_s for r in floor_runs]
    print(
        f"{FLOOR_NAME:<36} {floor_s:9.2f} {min(floor_totals):7.2f} {max(floor_totals):7.2f}"
        f" {1.0:7.2f}"
    )
    medians: dict[str, float] = {}
    for name, runs in nb_runs.items():
        totals = [r.total_s for r in runs]
        medians[name] = statistics.median(totals)
        print(
            f"{name:<36} {medians[name]:9.2f} {min(totals):7.2f} {max(totals):7.2f}"
            f" {medians[name] / floor_s:7.2f}"
        )
    total_s = sum(medians.values())
    print(f"{'total (sum of notebook medians)':<36} {total_s:9.2f}")
    print(f"{'total / (floor x notebooks)':<36} {total_s / (floor_s * len(medians)):9.2f}\n")

    over = []
    for name, median_s in medians.items():
        ratio = median_s / floor_s
        meets = ratio <= GOAL_RATIO
        if not meets:
            over.append(name)
        verdict = "meets" if meets else "MISSES"
        print(f"{name}: {ratio:.2f}x the floor, {verdict} the {GOAL_RATIO}x goal")
    print(f"{len(medians) - len(over)} of {len(medians)} notebooks meet the goal")

    print_breakdown(FLOOR_NAME, floor, floor_runs)
    for name in originals:
        if args.all_cells or name in over:
            print_breakdown(name, originals[name], nb_runs[name])


if __name__ == "__main__":
    main()
