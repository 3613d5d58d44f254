"""Left against right: minutes held on each side of every each-side stretch."""

from __future__ import annotations

import pandas as pd

from ..vocab import BODY_AREAS
from ._checks import one_person


def _stretch_names(holds: pd.DataFrame, ids: pd.Index, stretches: pd.DataFrame | None) -> pd.Series:
    """Names for stretch ids: the holds' own ``name`` column, else the catalog, else the id."""
    known: dict[str, str] = {}
    if stretches is None and "name" not in holds.columns:
        from ..catalog import load_stretches

        stretches = load_stretches()
    if stretches is not None:
        known.update({str(k): str(v) for k, v in stretches["name"].items()})
    if "name" in holds.columns:
        named = holds.dropna(subset=["name"]).drop_duplicates("stretch_id")
        known.update(zip(named["stretch_id"].astype(str), named["name"].astype(str), strict=True))
    return pd.Series([known.get(str(i), str(i)) for i in ids], index=ids)


def side_table(
    holds: pd.DataFrame, *, person: str | None = None, stretches: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return minutes held on the left and right per each-side stretch.

    Rows are stretches in body-area order (head to toe), then by name; columns
    ``name``, ``body_area``, ``left_min``, ``right_min``. This is the table
    :func:`backstretch_kit.charts.side_balance` draws. Names come from the
    holds' ``name`` column (``SessionLog.holds()`` has one), else from
    ``stretches`` (the shipped catalog when ``None``); a stretch neither knows
    shows its id.
    """
    holds = one_person(
        holds, person, "side_balance", ("stretch_id", "body_area", "side", "actual_s")
    )
    sided = holds[holds["side"].isin(["left", "right"])]
    if sided.empty:
        return pd.DataFrame(columns=["name", "body_area", "left_min", "right_min"])
    minutes = (
        sided.pivot_table(
            index="stretch_id", columns="side", values="actual_s", aggfunc="sum", observed=True
        )
        .reindex(columns=["left", "right"])
        .fillna(0.0)
        / 60
    )
    area = sided.groupby("stretch_id", observed=True)["body_area"].first().astype(str)
    table = pd.DataFrame(
        {
            "name": _stretch_names(sided, minutes.index, stretches),
            "body_area": pd.Categorical(area.reindex(minutes.index), categories=BODY_AREAS),
            "left_min": minutes["left"],
            "right_min": minutes["right"],
        }
    )
    return table.sort_values(["body_area", "name"], kind="stable")
