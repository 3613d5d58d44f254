"""Stick-figure pictograms of the stretches, drawn from joint angles.

The poses live in ``data/poses.csv``, next to the catalog: one row per stretch
and phase (``start`` and ``stretch``). Each row gives the view, the joint
angles (see :mod:`backstretch_kit.poses._geometry` for what each angle means),
the body point resting on the floor, the props, the side drawn and the arrow
that shows the movement. A physiotherapist who adds a stretch to the catalog
adds two rows here and gets its picture.

Inside, one module per step: ``_parse`` reads and checks the file,
``_skeleton`` (the figure's tables), ``_geometry`` and ``_props`` pose the body
and place its kit (arithmetic only), ``_paint`` and ``_body_paint`` draw it with
matplotlib, and ``_render`` turns a stretch id into a Figure and a Figure into
file bytes. :func:`picture_bytes` is the one way to get
a picture's bytes, for the handout and the widgets alike. matplotlib is imported
only when something is drawn.

The pose file
-------------
``stretch_id``, ``phase``
    A catalog id, and ``start`` or ``stretch``; every posed stretch has both.
``view``
    ``side`` (the default for most), ``front`` (side bends, the butterfly, an arm
    across the chest), ``above`` (lying on the back, seen from the ceiling) or
    ``above-side`` (lying on one side, seen from the ceiling).
angle columns
    Degrees; a blank cell is 0. Joint ranges are checked: a knee or elbow bent
    backwards, or a neck past its range, is refused. ``nod`` (the chin dropping
    toward the viewer, front and above views only) may be left out of a file.
``rest_on``
    The body point that rests on the floor (or on the bed, if there is one);
    no other part may go through the floor.
``props``
    ``;``-separated, each ``kind`` or ``kind:point[+point]``, for instance
    ``chair``, ``step:near_ankle`` or ``strap:near_toe+near_hand``. A chair with
    a second point, ``chair:hip+far_hand``, is seen from its side with its back
    rest at that point: someone sitting sideways on it, holding the back.
``side_drawn``
    ``left`` or ``right`` for a stretch done on each side, else blank.
``arrow``
    On the stretch row: ``point [bend [shift [off]]]``, the body point whose move
    from the start pose the arrow shows, how much the arrow curves, how far it
    slides along its own direction and how far it stands off the body (0.07 by
    default; negative puts it on the other side of the point).
``tint``, ``scale`` (optional)
    Segments to tint in the area colour (default: by the catalog's body area),
    ``segment:back`` for only the half behind it (side views: ``neck:back`` is the
    nape, not the throat), and ``part=factor`` length factors for limbs pointing
    out of the picture.

Examples
--------
>>> from backstretch_kit.poses import draw_stretch, load_poses, picture_bytes
>>> poses = load_poses()
>>> sorted(poses["phase"].unique())
['start', 'stretch']
>>> fig = draw_stretch("knee-to-chest")
>>> picture_bytes("knee-to-chest", fmt="svg").startswith(b"<?xml")
True
"""

from __future__ import annotations

from ._load import load_poses
from ._parse import PHASES, PoseError
from ._render import (
    contact_sheet,
    draw_stretch,
    figure_bytes,
    picture_bytes,
    save_contact_sheet,
    save_stretch_picture,
    to_svg,
)

# Tracebacks and reprs name the error where users import it from, not its private module.
PoseError.__module__ = __name__

__all__ = [
    "PHASES",
    "PoseError",
    "contact_sheet",
    "draw_stretch",
    "figure_bytes",
    "load_poses",
    "picture_bytes",
    "save_contact_sheet",
    "save_stretch_picture",
    "to_svg",
]
