"""RedFlagScreen asks the guidance module's questions and shows its findings live."""

from __future__ import annotations

from backstretch_kit.guidance import ALL_CLEAR, RED_FLAGS
from backstretch_kit.widgets.red_flags import RedFlagScreen


def test_one_checkbox_per_question_and_all_clear_at_first():
    """Every red-flag question gets a checkbox; with none ticked the verdict is calm."""
    screen = RedFlagScreen()
    assert list(screen.boxes) == [flag.key for flag in RED_FLAGS]
    assert [box.description for box in screen.boxes.values()] == [f.question for f in RED_FLAGS]
    assert screen.findings == []
    assert ALL_CLEAR in screen.verdict.value
    assert "doctor" not in screen.verdict.value  # claims nothing about needing one
    assert screen.conditions == {}  # the profile is asked only when wanted


def test_a_ticked_red_flag_says_what_to_do_and_reaches_the_profile():
    """Ticking a red flag gives its own stop message, calls back, and lands in profile()."""
    seen = []
    screen = RedFlagScreen(on_change=seen.append)
    screen.boxes["both_legs_weak"].value = True
    assert [f.level for f in screen.findings] == ["stop"]
    assert "emergency care now" in screen.verdict.value
    assert seen[-1] == screen.findings
    profile = screen.profile(flexion_intolerant=True)
    assert profile.red_flags["both_legs_weak"] is True and profile.flexion_intolerant


def test_profile_conditions_add_to_a_prepared_profile():
    """Conditions ticked by the person add to the physiotherapist's profile, never remove."""
    from backstretch_kit.guidance import Profile

    screen = RedFlagScreen(ask_profile=True)
    screen.conditions["leg_pain"].value = True
    profile = screen.profile(Profile(osteoporosis=True))
    assert profile.leg_pain and profile.osteoporosis and not profile.pregnancy


def test_weeks_over_three_suggest_a_doctor_or_physiotherapist():
    """Five weeks of pain gives the 'talk to a doctor or physiotherapist' caution."""
    screen = RedFlagScreen()
    screen.weeks.value = 5
    assert [f.code for f in screen.findings] == ["symptoms-weeks"]
    assert "doctor or physiotherapist" in screen.verdict.value
    assert screen.symptom_weeks == 5.0
    screen.weeks.value = 0
    assert screen.symptom_weeks is None and screen.findings == []
