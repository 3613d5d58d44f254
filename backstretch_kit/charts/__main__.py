"""Regenerate the docs pictures: ``python -m backstretch_kit.charts [folder]``.

The folder defaults to ``docs/charts`` (run from a checkout). Each file written
is printed; look at them before committing, since a chart change shows there.
"""

from __future__ import annotations

import sys

from ._docs import save_demo_charts

if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    for written in save_demo_charts(sys.argv[1] if len(sys.argv) > 1 else "docs/charts"):
        print(written)
