"""The program chart: planned against done per week, the pain line, and plain user text."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from backstretch_kit.adherence import adherence
from backstretch_kit.charts import ChartError
from backstretch_kit.charts.program_adherence import program_adherence
from backstretch_kit.demo import sample_log
from backstretch_kit.program_file import load_program

from ._helpers import render


@pytest.fixture(scope="module")
def table():
    program = load_program("lower-back-six-weeks")
    sessions, holds = sample_log(("Client A",), days=42, start=program.start, seed=4)
    frame = adherence(program, sessions, holds)
    frame.loc[3, "dose_held"] = True
    return frame


def test_bars_show_planned_and_done_for_each_week(table):
    """Two bars a week, their heights the table's planned and done sessions."""
    fig = render(program_adherence(table))
    bars = fig.axes[0].patches
    assert len(bars) == 2 * len(table)
    assert [b.get_height() for b in bars[: len(table)]] == table["planned_sessions"].tolist()
    assert [b.get_height() for b in bars[len(table) :]] == table["done_sessions"].tolist()


def test_the_pain_line_is_drawn_on_the_0_to_10_scale(table):
    """A second axes carries the weekly pain after, from 0 to a little over 10."""
    fig = render(program_adherence(table))
    pain_ax = fig.axes[1]
    assert pain_ax.get_ylim()[0] == 0 and pain_ax.get_ylim()[1] >= 10
    assert list(pain_ax.lines[0].get_ydata()) == pytest.approx(table["pain_after"].tolist())


def test_a_held_week_is_marked(table):
    """The week the pain rule kept the dose says "dose kept" above its bars."""
    fig = render(program_adherence(table))
    assert [t.get_text() for t in fig.axes[0].texts] == ["dose kept"]


def test_minutes_can_be_shown_instead(table):
    """measure="minutes" draws planned and done minutes and says so on the axis."""
    fig = render(program_adherence(table, measure="minutes"))
    assert fig.axes[0].get_ylabel() == "Minutes held"
    assert fig.axes[0].patches[0].get_height() == pytest.approx(table["planned_minutes"].iloc[0])


def test_a_name_with_dollars_is_drawn_as_it_is(table):
    """A person called "$x^2$" stays "$x^2$": math parsing and LaTeX are off for the title."""
    fig = render(program_adherence(table, person="$x^2$ & co"))
    title = next(t for t in fig.findobj(Text) if t.get_text().startswith("$x^2$"))
    assert fig.axes[0].get_title(loc="left").startswith("$x^2$ & co:")
    assert title.get_parse_math() is False and title.get_usetex() is False


def test_an_empty_table_says_so(table):
    """No weeks in range: a calm panel, no error."""
    fig = render(program_adherence(table.iloc[:0], person="$A$"))
    assert isinstance(fig, Figure)
    assert "No program weeks" in fig.axes[0].texts[0].get_text()
    title = next(t for t in fig.findobj(Text) if t.get_text().startswith("$A$"))
    assert title.get_parse_math() is False


def test_a_table_missing_columns_or_a_bad_measure_is_refused(table):
    """ChartError names the missing column, or the measures there are."""
    with pytest.raises(ChartError, match="done_sessions"):
        program_adherence(table.drop(columns="done_sessions"))
    with pytest.raises(ChartError, match="sessions, minutes, holds"):
        program_adherence(table, measure="days")
