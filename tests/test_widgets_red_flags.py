"""RedFlagScreen asks the guidance module's questions and shows its findings live."""

from __future__ import annotations

from backstretch_kit.guidance import RED_FLAG_QUESTIONS
from backstretch_kit.widgets.red_flags import RedFlagScreen


def test_one_checkbox_per_question_and_all_clear_at_first():
    """Every red-flag question gets a checkbox; with none ticked the verdict is calm."""
    screen = RedFlagScreen()
    assert list(screen.boxes) == [q.key for q in RED_FLAG_QUESTIONS]
    assert screen.findings == []
    assert "Nothing here needs a doctor first" in screen.verdict.value


def test_a_ticked_red_flag_says_seek_care_now_and_reaches_the_profile():
    """Ticking a red flag gives a stop finding, calls back, and lands in profile()."""
    seen = []
    screen = RedFlagScreen(on_change=seen.append)
    screen.boxes["leg_weakness"].value = True
    assert [f.level for f in screen.findings] == ["stop"]
    assert "seek medical care now" in screen.verdict.value
    assert seen[-1] == screen.findings
    profile = screen.profile(flexion_intolerant=True)
    assert profile.red_flags["leg_weakness"] is True and profile.flexion_intolerant


def test_weeks_over_three_suggest_a_doctor_or_physiotherapist():
    """Five weeks of pain gives the 'talk to a doctor or physiotherapist' caution."""
    screen = RedFlagScreen()
    screen.weeks.value = 5
    assert [f.code for f in screen.findings] == ["symptoms-weeks"]
    assert "doctor or physiotherapist" in screen.verdict.value
    assert screen.symptom_weeks == 5.0
    screen.weeks.value = 0
    assert screen.symptom_weeks is None and screen.findings == []
