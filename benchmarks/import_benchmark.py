"""How much `import backstretch_kit` adds to `import pandas` (target: within 30 ms).

Each figure is the median of fresh interpreters, so module caches never help.
Run: .venv/bin/python benchmarks/import_benchmark.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys

RUNS = 9


def median_ms(code: str) -> float:
    timed = f"import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"
    runs = [
        float(subprocess.run([sys.executable, "-c", timed], capture_output=True, text=True,
                             check=True).stdout)
        for _ in range(RUNS)
    ]  # fmt: skip
    return statistics.median(runs) * 1000


def main() -> None:
    pandas_ms = median_ms("import pandas")
    face_ms = median_ms("import backstretch_kit")
    catalog_ms = median_ms("import pandas, backstretch_kit, backstretch_kit.catalog")
    print(f"median of {RUNS} fresh interpreters each")
    print(f"import pandas                               {pandas_ms:7.1f} ms")
    print(f"import backstretch_kit (the lazy face)      {face_ms:7.1f} ms")
    print(f"import pandas + backstretch_kit.catalog     {catalog_ms:7.1f} ms")
    print(
        f"added to pandas by the catalog module       {catalog_ms - pandas_ms:7.1f} ms (goal < 30)"
    )


if __name__ == "__main__":
    main()
