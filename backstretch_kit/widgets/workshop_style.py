"""The workshop page's own CSS: the picker's cards, and the projector view of a running class.

While a class runs, the Voila page shows the workshop panel alone, over the whole window
(the title and prose cells are hidden), with the timer sized from the window's height so
every control stays on screen from 1024x768 to 1920x1080. In JupyterLab the panel stays in
its cell: the rules that take the window over apply only on a Voila page
(``body[data-voila]``).
"""

from __future__ import annotations

__all__ = ["CLASS_ON", "PICKER_CSS", "PROJECTOR_CSS"]

#: The CSS class the panel carries while a class runs.
CLASS_ON = "bk-class-on"

PICKER_CSS = """
.bk-workshop .bk-workshop-pick {
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(15em, 1fr));
  gap: 0.6em 1.2em;
  max-width: 64em;
}
.bk-workshop .bk-workshop-area {
  border: 1px solid var(--jp-border-color2, #ccc);
  border-radius: 6px;
  padding: 0.3em 0.6em 0.4em;
}
.bk-workshop .bk-workshop-area-name {
  font-weight: 600;
}
/* a long name wraps onto a second line inside its own row, never over the next one */
.bk-workshop .bk-workshop-check,
.bk-workshop .bk-workshop-check label {
  width: auto;
  height: auto;
  margin: 0;
  line-height: 1.3;
}
.bk-workshop .bk-workshop-check label {
  display: flex;
  align-items: flex-start;
  gap: 0.4em;
  padding: 0.15em 0;
  white-space: normal;
  overflow: visible;
}
.bk-workshop .bk-workshop-check input {
  margin: 0.15em 0 0;
  flex: 0 0 auto;
}
.bk-workshop .bk-workshop-use {
  align-self: flex-start;
}
.bk-workshop .bk-workshop-order {
  max-width: 40em;
}
.bk-workshop .bk-workshop-order .widget-button {
  width: 2.6em;
  padding: 0;
}
.bk-workshop .bk-workshop-summary {
  font-size: 1.05em;
}
"""

PROJECTOR_CSS = f"""
body[data-voila]:has(.{CLASS_ON}) .jp-Cell:not(:has(.{CLASS_ON})) {{
  display: none !important;
}}
body[data-voila]:has(.{CLASS_ON}) {{
  overflow: hidden;
}}
body[data-voila] .bk-workshop.{CLASS_ON} {{
  position: fixed;
  inset: 0;
  z-index: 1000;
  margin: 0;
  padding: 1vh 2vw;
  box-sizing: border-box;
  overflow: auto;
  background: #000;
  color: #fff;
  --jp-widgets-color: #fff;
  --jp-widgets-label-color: #fff;
  --jp-ui-font-color1: #fff;
  --jp-content-font-color1: #fff;
}}
body[data-voila] .{CLASS_ON} .widget-html-content,
body[data-voila] .{CLASS_ON} h3 {{
  color: #fff;
}}
body[data-voila] .{CLASS_ON} .bk-session h3 {{
  font-size: clamp(14px, 2.4vh, 30px);
}}
body[data-voila] .{CLASS_ON} .bk-timer.bk-large {{
  font-size: clamp(10px, min(2vh, 1.4vw), 28px);
  padding: 1.5vh 1.5vw;
}}
body[data-voila] .{CLASS_ON} .bk-timer.bk-large .bk-picture {{
  width: 17em;
}}
body[data-voila] .{CLASS_ON} .bk-timer.bk-large .bk-dial {{
  width: 21em;
  height: 21em;
}}
body[data-voila] .{CLASS_ON} .bk-findings li {{
  color: #cfe3ff !important;
}}
body[data-voila] .{CLASS_ON} .bk-workshop-again {{
  align-self: flex-start;
  background: #1d1d1d;
  color: #fff;
  border: 1px solid #666;
  font-size: clamp(12px, 1.9vh, 24px);
  height: auto;
  padding: 0.3em 0.9em;
}}
body[data-voila] .{CLASS_ON} .bk-workshop-farewell {{
  font-size: clamp(16px, 3vh, 40px);
  line-height: 1.4;
  max-width: 40em;
  margin: 2vh auto;
}}
"""
