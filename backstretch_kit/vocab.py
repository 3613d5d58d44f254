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
    "EQUIPMENT",
    "LEVELS",
    "MOVEMENTS",
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

LEVELS: tuple[str, ...] = ("beginner", "intermediate", "advanced")

EQUIPMENT: tuple[str, ...] = ("mat", "chair", "wall", "doorway", "strap", "foam roller", "step")

#: Caution tags. "flexion" marks every stretch that rounds the lower back.
CAUTIONS: tuple[str, ...] = (
    "flexion",
    "extension",
    "end-range rotation",
    "osteoporosis",
    "pregnancy",
    "recent surgery",
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
