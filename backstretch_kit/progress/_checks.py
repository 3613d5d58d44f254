"""ProgressError and the checks every table makes of the frame it is given."""

from __future__ import annotations

import pandas as pd


class ProgressError(ValueError):
    """Data a table (and so a chart) cannot be made from: a missing column, several people.

    :class:`backstretch_kit.charts.ChartError` is this same class: the charts
    refuse exactly what their tables refuse.
    """


# -- checks shared by every table -------------------------------------------------------
def require_columns(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    """Raise :class:`ProgressError` naming the columns ``frame`` lacks, and those it has."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        have = ", ".join(map(str, frame.columns)) or "none"
        raise ProgressError(f"{what}: missing column(s) {', '.join(missing)}; the frame has {have}")


def one_person(
    frame: pd.DataFrame, person: str | None, what: str, needs: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Keep one person's rows, with the columns ``what`` needs; refuse to mix people.

    A frame without a ``person`` column is taken as one person's.

    Raises
    ------
    ProgressError
        If the frame holds several people and ``person`` is not given (the
        message names them), or a column in ``needs`` is missing.
    """
    if "person" in frame.columns and person is not None:
        frame = frame[frame["person"] == person]
    elif "person" in frame.columns:
        people = sorted(map(str, frame["person"].dropna().unique()))
        if len(people) > 1:
            raise ProgressError(
                f"{what}: the data holds {len(people)} people ({', '.join(people)}); "
                "pass person=... to chart one of them"
            )
    require_columns(frame, needs, what)
    return frame
