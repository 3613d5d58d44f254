"""The fixed, ordered vocabularies every part of backstretch-kit speaks.

They live apart from the catalog loader so that the log, the charts, the
pictograms and the widgets can share them without importing pandas code
they do not need. Order matters: charts and tables follow it.
"""

from __future__ import annotations

__all__ = [
    "AREA_COLOURS",
    "BODY_AREAS",
    "CAUTIONS",
    "DOSE_STYLES",
    "EQUIPMENT",
    "LEVELS",
    "MAX_HOLD_S",
    "MAX_NAME_CHARS",
    "MOVEMENTS",
    "PHASE_KINDS",
    "POSITIONS",
    "SIDES",
]

#: Body areas, from the head down, so a chart reads like a body.
BODY_AREAS: tuple[str, ...] = (
    "neck",
    "chest and shoulders",
    "upper back",
    "mid back",
    "lower back",
    "hips and glutes",
    "hip flexors",
    "hamstrings",
)

POSITIONS: tuple[str, ...] = ("lying", "seated", "standing", "kneeling", "all fours")

#: What the spine does during the stretch.
MOVEMENTS: tuple[str, ...] = ("flexion", "extension", "rotation", "side bend", "neutral")

SIDES: tuple[str, ...] = ("both together", "each side")

#: The phases of a played routine, in the order a timer meets them within a stretch.
PHASE_KINDS: tuple[str, ...] = ("get ready", "hold", "switch side", "rest", "next stretch")

#: Longest hold anything accepts, in seconds: ten minutes. A longer one is a typo,
#: not a stretch (catalog rows, routine items and logged holds alike).
MAX_HOLD_S = 600.0

#: Longest name of a person or a routine, in characters: room for a full name or a
#: descriptive title, and a bound on what lands in titles, file names and the log.
MAX_NAME_CHARS = 200

#: How a stretch is dosed. A static hold is held still for its time, and the ACSM
#: flexibility figures (10-30 s, 2-4 times, about 60 s per area) are about holds like it.
#: A repeated movement (knee to chest 15 s x 10, chin tuck 5 s x 8) is a short position
#: done many times; it keeps its own dose and those figures do not apply to it.
DOSE_STYLES: tuple[str, ...] = ("static hold", "repeated movement")

LEVELS: tuple[str, ...] = ("beginner", "intermediate", "advanced")

EQUIPMENT: tuple[str, ...] = ("mat", "chair", "wall", "doorway", "strap", "foam roller", "step")

#: Caution tags. "flexion" marks every stretch that rounds the lower back.
#: "hip replacement" marks deep hip flexion, crossing the midline or turning the hip
#: inward, all avoided after a hip replacement until the surgeon clears them.
#: "nerve tension" marks a long-sitting fold or straight-leg position that stretches
#: the sciatic nerve, which people with pain down a leg may not tolerate.
#: Recent surgery is not a tag: it depends on where the operation was, so it is a rule.
CAUTIONS: tuple[str, ...] = (
    "flexion",
    "extension",
    "end-range rotation",
    "osteoporosis",
    "pregnancy",
    "hip replacement",
    "nerve tension",
    "neck",
    "knee",
    "balance",
)

#: One colour per body area, the same in every chart and pictogram.
#: Okabe-Ito palette (safe for the common colour-vision deficiencies), with
#: grey standing in for its black so stacked bars stay readable.
AREA_COLOURS: dict[str, str] = dict(
    zip(
        BODY_AREAS,
        (
            "#CC79A7",  # neck: reddish purple
            "#E69F00",  # chest and shoulders: orange
            "#56B4E9",  # upper back: sky blue
            "#0072B2",  # mid back: blue
            "#009E73",  # lower back: bluish green
            "#D55E00",  # hips and glutes: vermillion
            "#F0E442",  # hip flexors: yellow
            "#999999",  # hamstrings: grey
        ),
        strict=True,
    )
)
