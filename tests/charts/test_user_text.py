"""Text people type is drawn as text: no mathtext from a '$', and other scripts in fallbacks."""

from __future__ import annotations

import io

import matplotlib
import pytest

from backstretch_kit import charts, demo, figure_text
from backstretch_kit.routine import Routine

HOSTILE = [r"My $5 stretch", r"$\frac{1}$", "cost $x_{$", "50% $^$"]


def _draws(figure) -> None:
    figure.savefig(io.BytesIO(), format="png", dpi=30)


@pytest.mark.parametrize("name", HOSTILE)
def test_a_routine_name_with_dollars_draws_as_typed(name: str):
    """The routine chart's title keeps the dollars and draws (mathtext would raise)."""
    figure = charts.routine_time_by_area(Routine.from_stretches(["chin-tuck"], name=name))
    _draws(figure)
    assert name in figure.axes[0].get_title(loc="left")


@pytest.mark.parametrize("chart", ["weekly_minutes_by_area", "side_balance", "pain_trend",
                                   "adherence_calendar"])  # fmt: skip
def test_progress_charts_draw_a_person_named_with_dollars(chart: str):
    """A person called '$x_{$' does not stop any progress chart from drawing."""
    sessions, holds = demo.sample_log(people=("$x_{$",), days=21, seed=2)
    frame = holds if chart in ("weekly_minutes_by_area", "side_balance") else sessions
    _draws(getattr(charts, chart)(frame))


def test_the_setting_stays_inside_the_chart_call():
    """Outside a chart, matplotlib's own rcParams are what they were."""
    before = matplotlib.rcParams["text.parse_math"], list(matplotlib.rcParams["font.family"])
    charts.routine_time_by_area(Routine.from_stretches(["chin-tuck"], name="$x$"))
    after = matplotlib.rcParams["text.parse_math"], list(matplotlib.rcParams["font.family"])
    assert before == after
    assert figure_text._families()[0] == "DejaVu Sans"


def test_a_stretch_name_with_dollars_in_a_user_catalog_draws_in_its_pictogram():
    """Pictogram titles come from the catalog, which may be the user's own."""
    from backstretch_kit import poses
    from backstretch_kit.catalog import load_stretches

    catalog = load_stretches().copy()
    catalog.loc["chin-tuck", "name"] = r"Chin $\frac{tuck"
    figure = poses.draw_stretch("chin-tuck", title=True, stretches=catalog)
    _draws(figure)
    assert any("$" in text.get_text() for ax in figure.axes for text in [ax.title, *ax.texts])
