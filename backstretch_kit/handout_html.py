"""The handout as one self-contained HTML page (inline CSS and SVG, all text escaped)."""

from __future__ import annotations

import html

from .guidance import Finding
from .handout_content import LEFT_OUT, SAFETY_NOTE, STOP_HEADING, HandoutContent
from .routine import RoutineItem
from .vocab import AREA_COLOURS
from .words import FINDING_TITLES, dose_text, format_duration

_CSS = """
@page { margin: 16mm 15mm; }
* { box-sizing: border-box; }
body { font-family: "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; color: #1f2328;
       line-height: 1.45; max-width: 46rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; }
h2 { font-size: 1.15rem; margin: 1.4rem 0 .4rem; }
h3 { font-size: 1.05rem; margin: 0 0 .25rem; }
.meta { color: #555; margin: 0 0 1rem; }
.notes p { margin: .3rem 0; white-space: pre-wrap; }
.safety { border: 1px solid #c9d1d9; border-radius: 6px; padding: .5rem 1rem; }
.safety ul { margin: .3rem 0; padding-left: 1.2rem; }
.finding { margin: .25rem 0; padding: .3rem .6rem; border-left: 4px solid #8c959f; }
.finding.stop { border-color: #b35900; background: #fff4e5; }
.finding.caution { border-color: #d4a72c; background: #fffbea; }
.finding.info { border-color: #8c959f; background: #f6f8fa; }
.level { font-weight: bold; }
.stop-banner { border: 3px solid #b00020; background: #fdecee; border-radius: 6px;
               padding: .6rem 1rem; margin: 1rem 0; }
.stop-banner h2 { color: #b00020; margin-top: .2rem; }
.stop-banner p { font-weight: bold; }
.cautions { margin: 0 0 .3rem; padding-left: 1.2rem; }
.cautions-title { margin: .4rem 0 0; font-weight: bold; }
.left-out { color: #555; }
ol.stretches { list-style: none; padding: 0; margin: 0; }
.stretch { border-left: 6px solid var(--area); padding: .4rem 0 .4rem .8rem; margin: 1rem 0;
           break-inside: avoid; page-break-inside: avoid; }
.stretch .area { color: #555; font-size: .9rem; }
.dose { font-weight: bold; margin: .25rem 0; }
.steps { margin: .3rem 0; padding-left: 1.4rem; }
.note { font-style: italic; white-space: pre-wrap; }
.picture { float: right; width: 10rem; margin: 0 0 .4rem .8rem; }
.picture svg { width: 100%; height: auto; }
.stretch::after { content: ""; display: block; clear: both; }
footer { color: #555; font-size: .85rem; border-top: 1px solid #c9d1d9; margin-top: 1.5rem;
         padding-top: .5rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  .finding, .safety { break-inside: avoid; }
}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _html_finding(finding: Finding) -> str:
    title = LEFT_OUT if finding.level == "stop" and finding.item is not None else None
    title = title or FINDING_TITLES[finding.level]
    return (
        f'<p class="finding {_e(finding.level)}" data-code="{_e(finding.code)}">'
        f'<span class="level">{_e(title)}:</span> {_e(finding.message)}</p>'
    )


def _svg_inline(svg: bytes) -> str:
    text = svg.decode("utf-8")
    start = text.find("<svg")
    # Drop the XML declaration and DOCTYPE: inside HTML only the <svg> element belongs.
    return text[start:] if start >= 0 else ""


def render_html(content: HandoutContent) -> str:
    """The whole page, as text."""
    routine = content.routine
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(routine.name)}: stretching routine</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_e(routine.name)}</h1>",
        f'<p class="meta">{" · ".join(_e(part) for part in content.meta())}</p>',
        "</header>",
    ]
    stops = content.stops()
    if stops:
        # the person ticked a warning sign: that advice, and no stretches to try anyway
        parts.append(f'<section class="stop-banner" role="alert"><h2>{_e(STOP_HEADING)}</h2>')
        parts += [f'<p data-code="{_e(f.code)}">{_e(f.message)}</p>' for f in stops]
        parts.append("</section>")
    notes = [text for text in (routine.notes, content.notes) if text]
    if notes and not stops:
        parts.append('<section class="notes">')
        parts += [f"<p>{_e(text)}</p>" for text in notes]
        parts.append("</section>")
    parts.append('<section class="safety"><h2>Stretch safely</h2><ul>')
    parts += [f"<li>{_e(line)}</li>" for line in SAFETY_NOTE]
    parts.append("</ul></section>")
    general = content.general_findings()
    if general:
        parts.append('<section class="findings"><h2>Before you start</h2>')
        parts += [_html_finding(finding) for finding in general]
        parts.append("</section>")
    if not stops:
        parts.append("<h2>The stretches</h2>")
        parts.append('<ol class="stretches">')
        for index, item in enumerate(routine):
            parts.append(_html_item(content, index, item))
        parts.append("</ol>")
    parts.append(
        f"<footer>Total time: about {_e(content.total)}. Prepared on "
        f"{_e(content.printed_date())} with backstretch-kit. This handout does not replace "
        "advice from your doctor or physiotherapist.</footer>"
    )
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _html_item(content: HandoutContent, index: int, item: RoutineItem) -> str:
    area = content.areas[index]
    colour = AREA_COLOURS.get(area, "#999999")
    parts = [f'<li class="stretch" id="stretch-{index + 1}" style="--area: {_e(colour)}">']
    left_out = content.left_out(index)
    if left_out:  # not how to do it: why it is left out
        parts.append(f'<h3 class="left-out">{index + 1}. {_e(content.names[index])}</h3>')
        parts += [_html_finding(finding) for finding in left_out]
        parts.append("</li>")
        return "\n".join(parts)
    # Picture hook: the pictogram from backstretch_kit.poses, inline, when there is one.
    svg = content.picture(item.stretch_id, "svg")
    if svg is not None:
        parts.append(f'<div class="picture" role="img">{_svg_inline(svg)}</div>')
    parts.append(f"<h3>{index + 1}. {_e(content.names[index])}</h3>")
    parts.append(
        f'<div class="area">{_e(area)} · about {_e(format_duration(content.item_seconds[index]))}'
        "</div>"
    )
    parts.append(f'<p class="dose">{_e(dose_text(item))}</p>')
    steps = content.steps(item.stretch_id)
    if steps:
        parts.append('<ol class="steps">')
        parts += [f"<li>{_e(step)}</li>" for step in steps]
        parts.append("</ol>")
    if item.note:
        parts.append(f'<p class="note">{_e(item.note)}</p>')
    cautions = content.cautions(index)
    if cautions:
        parts.append('<p class="cautions-title">Cautions:</p><ul class="cautions">')
        parts += [f"<li>{_e(words)}</li>" for words in cautions]
        parts.append("</ul>")
    parts += [_html_finding(finding) for finding in content.item_findings(index)]
    parts.append("</li>")
    return "\n".join(parts)
