"""The safety rules: which catalog caution tags conflict with which conditions.

One table, :data:`SAFETY_RULES`, read both by :func:`check_routine` (to warn
about a stretch) and by :func:`conflicting_cautions` (to hide it in the catalog
browser), so the two always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..vocab import CAUTIONS
from ._profile import Profile

#: Each caution tag of the catalog in plain words, for handouts and the catalog browser.
CAUTION_WORDS: dict[str, str] = {
    "flexion": "Rounds the lower back forward. Leave it out if bending forward makes your "
    "back pain worse.",
    "extension": "Arches the back. Leave it out if bending backward makes your pain worse.",
    "end-range rotation": "Twists the spine toward its limit. Turn only as far as is "
    "comfortable; with osteoporosis or in pregnancy, leave it out or ask your doctor or "
    "physiotherapist.",
    "osteoporosis": "Loads the spine while it is bent. With osteoporosis or low bone "
    "density, talk to a doctor or physiotherapist first.",
    "pregnancy": "Lies on the back or front, or twists deeply. In pregnancy, especially "
    "from the middle months, ask your midwife, doctor or physiotherapist first.",
    "hip replacement": "Bends the hip deeply, crosses the leg over the middle or turns the "
    "hip inward. After a hip replacement, wait until your surgeon says it is safe.",
    "nerve tension": "Stretches the back of the leg with the leg straight, which also "
    "pulls on the sciatic nerve. With pain or tingling down a leg, choose the lying strap "
    "hamstring stretch instead, and stop if the leg symptoms grow.",
    "neck": "Moves the neck: go gently, and stop if you feel dizzy or tingling in an arm.",
    "knee": "Kneels or bends the knees deeply: pad the knees, and leave it out if they hurt.",
    "balance": "Needs some balance: keep a chair or a wall within reach.",
}


@dataclass(frozen=True)
class _Rule:
    """A profile condition, the caution tags that conflict with it, and what to say."""

    applies: Callable[[Profile], bool]
    tags: frozenset[str]
    level: str
    code: str
    reason: str


def _field(name: str) -> Callable[[Profile], bool]:
    return lambda profile: bool(getattr(profile, name))


SAFETY_RULES: tuple[_Rule, ...] = (
    _Rule(
        _field("flexion_intolerant"),
        frozenset({"flexion"}),
        "caution",
        "flexion-intolerant",
        "this stretch bends the lower back forward, and sustained or repeated forward "
        "bending tends to aggravate back pain that is worse when bending forward. Leave it "
        "out, or ask your physiotherapist for an alternative.",
    ),
    _Rule(
        _field("extension_intolerant"),
        frozenset({"extension"}),
        "caution",
        "extension-intolerant",
        "this stretch arches the back, and bending backward tends to aggravate back pain "
        "that is worse when bending backward. Leave it out, or ask your physiotherapist for "
        "an alternative.",
    ),
    _Rule(
        _field("leg_pain"),
        frozenset({"nerve tension"}),
        "caution",
        "leg-pain",
        "this stretch pulls on the sciatic nerve with the leg straight, which can flare "
        "pain or tingling down a leg. The lying strap hamstring stretch is a gentler "
        "choice; stop if the leg symptoms grow.",
    ),
    _Rule(
        _field("osteoporosis"),
        frozenset({"osteoporosis", "flexion", "end-range rotation"}),
        "caution",
        "osteoporosis",
        "loaded or end-range forward bending and twisting are usually avoided with "
        "osteoporosis, as they load the bones of the spine. Ask your doctor or "
        "physiotherapist whether this stretch suits you.",
    ),
    _Rule(
        _field("pregnancy"),
        frozenset({"pregnancy", "end-range rotation"}),
        "caution",
        "pregnancy",
        "in pregnancy, long holds lying flat on the back, lying face down and deep twists "
        "are usually avoided, especially from the middle months on. Check with your "
        "midwife, doctor or physiotherapist first.",
    ),
    _Rule(
        _field("hip_replacement"),
        frozenset({"hip replacement"}),
        "stop",
        "hip-replacement",
        "after a hip replacement, deep hip bending, crossing the leg over the middle and "
        "turning the hip inward are avoided until your surgeon says they are safe. Leave "
        "this stretch out until then.",
    ),
    _Rule(
        _field("neck_problem"),
        frozenset({"neck"}),
        "caution",
        "neck-problem",
        "this stretch moves the neck. With a neck problem, go very gently, and leave it out "
        "if it makes you dizzy or sends tingling into an arm; ask your physiotherapist.",
    ),
    _Rule(
        _field("knee_problem"),
        frozenset({"knee"}),
        "caution",
        "knee-problem",
        "this stretch kneels or bends the knees deeply. Pad the knees, or leave it out if "
        "they hurt.",
    ),
    _Rule(
        _field("older_adult"),
        frozenset({"balance"}),
        "info",
        "balance",
        "this stretch asks for some balance: keep a chair or a wall within reach.",
    ),
)


def conflicting_cautions(profile: Profile | None) -> frozenset[str]:
    """The catalog caution tags that conflict with a profile's conditions.

    The same rules :func:`check_routine` applies, so a catalog browser that hides
    these stretches agrees with the routine check. (Stretches of a recently
    operated area are left out by :func:`check_routine` by area, not by tag.)

    Examples
    --------
    >>> sorted(conflicting_cautions(Profile(flexion_intolerant=True)))
    ['flexion']
    """
    if profile is None:
        return frozenset()
    tags: set[str] = set()
    for rule in SAFETY_RULES:
        if rule.applies(profile):
            tags |= rule.tags
    return frozenset(tags)


def unreachable_cautions() -> frozenset[str]:
    """Caution tags of the vocabulary that no profile condition checks (should be none)."""
    return frozenset(CAUTIONS) - frozenset().union(*(rule.tags for rule in SAFETY_RULES))
