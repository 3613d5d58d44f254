"""Is this routine a sensible dose, and is it safe for this person?

Pure data and rules, no charts and no widgets: :func:`check_routine` reads a
:class:`~backstretch_kit.routine.Routine` and an optional :class:`Profile` and
returns :class:`Finding` objects, most serious first. Messages are written for
the person who will stretch: plain, calm, and never a diagnosis.

Where the figures come from
---------------------------
- Dose, after the American College of Sports Medicine's flexibility guidance:
  hold each stretch 10 to 30 s (30 to 60 s may help older adults), 2 to 4
  repetitions, about 60 s of stretching per muscle group per session. These
  figures are about *static holds*; a repeated movement (knee to chest 15 s x
  10, chin tuck 5 s x 8) keeps its own dose and is not judged by them. Here a
  muscle group is the stretch's main ``body_area``, and an each-side stretch
  counts once per side (the left and right are different muscles).
- Safety, from common physiotherapy advice: sustained or repeated forward
  bending tends to aggravate flexion-intolerant low back pain, and bending
  backward extension-intolerant pain; loaded or end-range forward bending and
  twisting are avoided with osteoporosis; after a hip replacement, deep hip
  bending, crossing the midline and turning the hip inward wait until the
  surgeon clears them; in later pregnancy, long holds lying flat on the back
  and deep twists are avoided.
- Red flags, in :data:`RED_FLAGS`, each with its urgency: emergency care now,
  a doctor within a day or two (and no stretching until then), or, for back
  pain lasting more than 3 to 4 weeks, a talk with a doctor or physiotherapist.

"Slightly off" gives an ``info`` finding, "far off" a ``caution``; the
thresholds are constants importable from here (``HOLD_RANGE_S`` and the
rest), so tests and notebooks can show them.

Inside, one module per object, each importing only those above it in this list:
``_findings`` (:class:`Finding`, :class:`GuidanceError`, the levels),
``_screen`` (the red-flag screen, the pain advice and the pain figures),
``_profile`` (:class:`Profile`), ``_safety`` (the caution tags each condition
rules out) and ``_check`` (:func:`check_routine` and the dose figures it judges
by). Each figure sits beside the one rule that uses it. Import from here, not
from them.
"""

from __future__ import annotations

from ._check import (
    AREA_FAR_S,
    AREA_OK_S,
    AREA_TARGET_S,
    HOLD_FAR_LONG_FACTOR,
    HOLD_FAR_SHORT_S,
    HOLD_RANGE_OLDER_S,
    HOLD_RANGE_S,
    REPS_FAR_MANY,
    REPS_RANGE,
    check_routine,
)
from ._findings import FINDING_LEVELS, Finding, GuidanceError
from ._profile import AGE_GROUPS, PROFILE_QUESTIONS, Profile
from ._safety import CAUTION_WORDS, conflicting_cautions, unreachable_cautions
from ._screen import (
    ALL_CLEAR,
    LASTING_PAIN_LABEL,
    LASTING_PAIN_QUESTION,
    NOT_EASING_WEEKS,
    PAIN_CHANGE_THAT_MATTERS,
    RED_FLAGS,
    URGENCIES,
    URGENCY_HEADINGS,
    RedFlag,
    pain_change_advice,
    red_flag_table,
    screen_red_flags,
    warning_signs_text,
)

# Reprs, tracebacks and help() name these where users import them from, not their private
# modules (as poses/ does for PoseError).
for _public in (Finding, GuidanceError, Profile, RedFlag):
    _public.__module__ = __name__
del _public

# The dose figures and the lasting-pain words joined __all__ when guidance became a package:
# they were always public constants (programs and tests read them), now said so.
__all__ = [
    "AGE_GROUPS",
    "ALL_CLEAR",
    "AREA_FAR_S",
    "AREA_OK_S",
    "AREA_TARGET_S",
    "CAUTION_WORDS",
    "FINDING_LEVELS",
    "HOLD_FAR_LONG_FACTOR",
    "HOLD_FAR_SHORT_S",
    "HOLD_RANGE_OLDER_S",
    "HOLD_RANGE_S",
    "LASTING_PAIN_LABEL",
    "LASTING_PAIN_QUESTION",
    "NOT_EASING_WEEKS",
    "PAIN_CHANGE_THAT_MATTERS",
    "PROFILE_QUESTIONS",
    "RED_FLAGS",
    "REPS_FAR_MANY",
    "REPS_RANGE",
    "URGENCIES",
    "URGENCY_HEADINGS",
    "Finding",
    "GuidanceError",
    "Profile",
    "RedFlag",
    "check_routine",
    "conflicting_cautions",
    "pain_change_advice",
    "red_flag_table",
    "screen_red_flags",
    "unreachable_cautions",
    "warning_signs_text",
]
