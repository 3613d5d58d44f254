"""Tests for backstretch_kit.handout: HTML and PDF handouts, escaping and the picture hook."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from pathlib import Path

import pypdf
import pytest

from backstretch_kit import handout_content
from backstretch_kit.guidance import CAUTION_WORDS, RED_FLAGS, Profile
from backstretch_kit.handout import write_handout
from backstretch_kit.routine import (
    Routine,
    RoutineError,
    format_duration,
    load_routine,
)
from backstretch_kit.words import dose_text

DAY = dt.date(2026, 3, 14)


@pytest.fixture(scope="module")
def routine() -> Routine:
    """The shipped lower-back routine, with an item note added."""
    made = load_routine("lower-back")
    made.change(1, note="Keep the other leg relaxed.")
    return made


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def test_html_lists_every_stretch_with_steps_dose_and_time(
    tmp_path: Path, routine: Routine
) -> None:
    """The HTML names each stretch with numbered steps, its dose, side and time, and the total."""
    path = write_handout(routine, tmp_path / "h.html", date=DAY, pictures=False)
    page = path.read_text(encoding="utf-8")
    catalog = routine.catalog
    for number, item in enumerate(routine, start=1):
        assert f"{number}. {html.escape(catalog.at[item.stretch_id, 'name'])}" in page
        assert html.escape(dose_text(item)) in page
        for step in catalog.at[item.stretch_id, "instructions"]:
            assert f"<li>{html.escape(step)}</li>" in page
    assert page.count('<ol class="steps">') == len(routine)
    assert "on each side (left side first)" in page
    total = format_duration(routine.total_seconds())
    assert f"about {total} in all" in page and f"Total time: about {total}" in page
    assert "14 March 2026" in page
    assert "Keep the other leg relaxed." in page


def test_html_is_self_contained_and_print_ready(tmp_path: Path, routine: Routine) -> None:
    """One file: inline CSS with @page rules, no external links, scripts or images."""
    page = write_handout(routine, tmp_path / "h.html", date=DAY, pictures=False).read_text()
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "@page" in page
    assert "@media print" in page
    assert not re.search(r"(src|href)\s*=", page)
    assert "<script" not in page and "http" not in page.replace("http-equiv", "")


def test_html_escapes_everything_typed(tmp_path: Path) -> None:
    """A routine named <script> and typed notes show as text, never as markup."""
    evil = "<script>alert(1)</script>"
    routine = load_routine("desk-break")
    routine.name = evil
    routine.notes = 'Notes with "quotes" & <b>bold</b>'
    routine.change(0, note="<img src=x onerror=alert(2)>")
    page = write_handout(
        routine,
        tmp_path / "evil.html",
        person="<i>Sam</i> & co",
        notes="</style><script>alert(3)</script>",
        date=DAY,
        pictures=False,
    ).read_text()
    assert "<script" not in page and "<img" not in page and "<b>bold" not in page
    assert "<i>Sam" not in page and "</style><script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "For &lt;i&gt;Sam&lt;/i&gt; &amp; co" in page
    assert "&quot;quotes&quot; &amp; &lt;b&gt;bold&lt;/b&gt;" in page


def test_findings_for_the_profile_are_printed(tmp_path: Path, routine: Routine) -> None:
    """Cautions from the profile, the weeks rule and the safety note appear."""
    profile = Profile(osteoporosis=True, symptom_weeks=6)
    page = write_handout(routine, tmp_path / "p.html", profile, date=DAY, pictures=False)
    text = page.read_text()
    assert 'data-code="osteoporosis"' in text and "usually avoided with osteoporosis" in text
    assert 'data-code="symptoms-weeks"' in text
    assert "If pain increases sharply" in text  # the standing safety note
    plain = write_handout(routine, tmp_path / "plain.html", date=DAY, pictures=False)
    assert 'data-code="osteoporosis"' not in plain.read_text()


def test_each_stretchs_cautions_are_printed_with_no_profile(
    tmp_path: Path, routine: Routine
) -> None:
    """With no profile at all, each stretch still carries its cautions in plain words."""
    text = write_handout(routine, tmp_path / "c.html", date=DAY, pictures=False).read_text()
    tagged = [item for item in routine if len(routine.catalog.at[item.stretch_id, "cautions"])]
    assert tagged, "the lower-back routine has stretches with cautions"
    for item in tagged:
        for tag in routine.catalog.at[item.stretch_id, "cautions"]:
            assert html.escape(CAUTION_WORDS[tag]) in text
    pdf = pdf_text(write_handout(routine, tmp_path / "c.pdf", date=DAY, pictures=False))
    first_tag = routine.catalog.at[tagged[0].stretch_id, "cautions"][0]
    assert re.sub(r"\s+", " ", CAUTION_WORDS[first_tag]) in pdf


def test_the_safety_note_lists_every_warning_sign(tmp_path: Path, routine: Routine) -> None:
    """The handout's safety box names each sign of the one red-flag table, and 3-4 weeks."""
    text = write_handout(routine, tmp_path / "s.html", date=DAY, pictures=False).read_text()
    for flag in RED_FLAGS:
        assert html.escape(flag.label) in text, flag.key
    assert "emergency department" in text and "3 to 4 weeks" in text


@pytest.mark.parametrize("key", ["saddle_numbness", "night_pain"])
def test_a_red_flag_prints_a_stop_banner_and_no_stretches(
    tmp_path: Path, routine: Routine, key: str
) -> None:
    """A ticked warning sign: its own message in a STOP banner on top, and no stretch to do."""
    profile = Profile(red_flags={key: True})
    message = next(flag.message for flag in RED_FLAGS if flag.key == key)
    text = write_handout(routine, tmp_path / "r.html", profile, date=DAY, pictures=False)
    page = text.read_text()
    assert '<section class="stop-banner"' in page and html.escape(message) in page
    assert page.index("stop-banner") < page.index("Stretch safely")
    assert '<ol class="stretches">' not in page and "<h3>" not in page
    pdf = pdf_text(write_handout(routine, tmp_path / "r.pdf", profile, date=DAY, pictures=False))
    assert "Stop: do not do these stretches now" in pdf and message[:60] in pdf
    assert "The stretches" not in pdf
    for item in routine:
        assert str(routine.catalog.at[item.stretch_id, "name"]) not in pdf


def test_a_stretch_to_leave_out_is_named_without_its_steps(tmp_path: Path) -> None:
    """A stop about one stretch (the operated area) says to leave it out and gives no steps."""
    routine = Routine.from_stretches(["knee-to-chest", "chin-tuck"])
    profile = Profile(surgery_areas=("lower back",))
    page = write_handout(routine, tmp_path / "o.html", profile, date=DAY, pictures=False)
    text = page.read_text()
    assert "Leave this stretch out" in text
    assert text.count('<ol class="steps">') == 1  # the chin tuck's, not the knee to chest's


def test_pdf_opens_and_reads_back(tmp_path: Path, routine: Routine) -> None:
    """The PDF opens in pypdf, whose text has the name, stretches, total and findings."""
    profile = Profile(flexion_intolerant=True)
    path = write_handout(
        routine, tmp_path / "h.pdf", profile, person="Zoë Łukasz", date=DAY, pictures=False
    )
    assert path.read_bytes().startswith(b"%PDF-")
    text = pdf_text(path)
    assert routine.name in text
    for item in routine:
        assert str(routine.catalog.at[item.stretch_id, "name"]) in text
    assert f"Total time: about {format_duration(routine.total_seconds())}" in text
    assert "Zoë Łukasz" in text  # beyond latin-1, via the DejaVu font
    assert "forward bending tends to aggravate" in text
    assert "14 March 2026" in text
    assert pypdf.PdfReader(path).metadata.title == routine.name


def _pdf_fonts(path: Path) -> set[str]:
    """The fonts a PDF's pages use, without their subset prefix (ABCDEF+)."""
    names = set()
    for page in pypdf.PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def test_the_oblique_face_is_read_only_for_a_routine_with_notes(
    tmp_path: Path, routine: Routine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item notes print in DejaVu Sans Oblique; without notes that font file is not read
    (fpdf2 reads every font it is given), and the PDF is printed in the same fonts."""
    import fpdf

    read: list[str] = []
    real_add_font = fpdf.FPDF.add_font

    def add_font(pdf, family=None, style="", fname=None, *args, **kwargs):
        read.append(Path(fname).name)
        return real_add_font(pdf, family, style, fname, *args, **kwargs)

    monkeypatch.setattr(fpdf.FPDF, "add_font", add_font)
    with_note = write_handout(routine, tmp_path / "n.pdf", date=DAY, pictures=False)
    assert "DejaVuSans-Oblique.ttf" in read
    assert _pdf_fonts(with_note) == {"DejaVuSansBook", "DejaVuSansBold", "DejaVuSansOblique"}
    assert "Keep the other leg relaxed." in pdf_text(with_note)
    read.clear()
    plain = write_handout(load_routine("desk-break"), tmp_path / "p.pdf", date=DAY, pictures=False)
    assert read == ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"]
    assert _pdf_fonts(plain) == {"DejaVuSansBook", "DejaVuSansBold"}


def test_pdf_letter_paper(tmp_path: Path, routine: Routine) -> None:
    """paper='Letter' gives US Letter pages (612 x 792 points)."""
    path = write_handout(routine, tmp_path / "l.pdf", date=DAY, pictures=False, paper="Letter")
    box = pypdf.PdfReader(path).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


@pytest.mark.parametrize("name", ["handout.docx", "handout", "handout.htm"])
def test_unknown_suffix_is_refused_before_writing(
    tmp_path: Path, routine: Routine, name: str
) -> None:
    """Only .html and .pdf are written; anything else raises naming the suffix, writing nothing."""
    with pytest.raises(RoutineError, match="not '") as caught:
        write_handout(routine, tmp_path / name, pictures=False)
    assert Path(name).suffix in str(caught.value) or "(none)" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def _fake_picture(stretch_id: str, phase: str = "stretch", fmt: str = "png", dpi: float = 120):
    """A small real PNG or SVG, standing in for poses.picture_bytes (drawing is tested there)."""
    from matplotlib.figure import Figure

    from backstretch_kit.poses import figure_bytes

    figure = Figure(figsize=(2, 1.5))
    figure.add_subplot().plot([0, 1], [0, 1])
    figure.suptitle(f"pose-of-{stretch_id}")
    return figure_bytes(figure, fmt, dpi=20)


def test_pictures_embed_inline_svg_and_png(
    tmp_path: Path, routine: Routine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With pictures, each stretch gets an inline <svg> in HTML and an image in the PDF."""
    monkeypatch.setattr(handout_content, "picture_bytes", _fake_picture)
    page = write_handout(routine, tmp_path / "pic.html", date=DAY).read_text()
    assert page.count('<div class="picture" role="img"><svg') == len(routine)
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    pdf = write_handout(routine, tmp_path / "pic.pdf", date=DAY)
    images = sum(len(page.images) for page in pypdf.PdfReader(pdf).pages)
    assert images == len(routine)
    none = write_handout(routine, tmp_path / "nopic.html", date=DAY, pictures=False)
    assert "<svg" not in none.read_text()


def test_stretch_without_a_pose_is_printed_without_picture(
    tmp_path: Path, routine: Routine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stretch with no picture (picture_bytes gives None) leaves out only that picture."""

    def picture(stretch_id: str, **kwargs):
        return None if stretch_id == "knee-to-chest" else _fake_picture(stretch_id, **kwargs)

    monkeypatch.setattr(handout_content, "picture_bytes", picture)
    page = write_handout(routine, tmp_path / "some.html", date=DAY).read_text()
    assert page.count("<svg") == len(routine) - 1


def test_pictures_off_never_draws(
    tmp_path: Path, routine: Routine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pictures=False asks poses for nothing, so no pose data is read or drawn."""

    def refuse(*args, **kwargs):
        raise AssertionError("picture_bytes called with pictures=False")

    monkeypatch.setattr(handout_content, "picture_bytes", refuse)
    write_handout(routine, tmp_path / "plain.html", date=DAY, pictures=False)
    write_handout(routine, tmp_path / "plain.pdf", date=DAY, pictures=False)


def test_real_pictograms_in_the_handout(tmp_path: Path) -> None:
    """With the real poses module and data, the desk-break handout carries its pictograms."""
    routine = load_routine("desk-break")
    page = write_handout(routine, tmp_path / "real.html", date=DAY).read_text()
    assert page.count('<div class="picture" role="img"><svg') == len(routine)


def test_a_pdf_prints_names_in_arabic_chinese_devanagari_and_emoji(tmp_path: Path) -> None:
    """Fallback fonts and shaping print every character typed; pypdf reads them back."""
    from backstretch_kit.pdf_fonts import unprintable

    name = "تمارين الظهر 颈部放松 पीठ 🙂"
    if unprintable([name]):
        how = "apt-get install fonts-noto-core fonts-wqy-microhei fonts-symbola"
        if os.environ.get("CI") == "true":
            pytest.fail(f"the fallback fonts are missing on CI; .ci/run should {how}")
        pytest.skip(f"the fallback fonts are not installed here ({how})")
    routine = Routine.from_stretches(["chin-tuck"], name=name)
    text = pdf_text(write_handout(routine, tmp_path / "intl.pdf", date=DAY, pictures=False))
    for word in ("颈部放松", "🙂", "الظهر"):
        assert word in text, word
    assert "could not be printed" not in text


def test_a_character_no_font_has_is_named_on_the_page(tmp_path: Path) -> None:
    """An Egyptian hieroglyph in a note is said by name on the PDF, and warned about."""
    routine = Routine.from_stretches(["chin-tuck"], name="Neck")
    with pytest.warns(UserWarning, match="could not be printed"):
        path = write_handout(routine, tmp_path / "rare.pdf", notes="\U00013000", pictures=False)
    assert "U+13000 (EGYPTIAN HIEROGLYPH A001)" in pdf_text(path)


def _font_names(path: Path) -> set[str]:
    fonts = set()
    for page in pypdf.PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def test_steps_in_a_script_of_a_catalogs_own_get_their_fallback_font(tmp_path: Path) -> None:
    """Fallbacks are read only when some text needs them: a catalog's own steps count."""
    from backstretch_kit.catalog import load_stretches
    from backstretch_kit.pdf_fonts import unprintable

    if unprintable(["颈部"]):
        pytest.skip("the Chinese fallback font is not installed here")
    catalog = load_stretches().copy()
    catalog.at["chin-tuck", "instructions"] = ["坐直，颈部放松。"]
    routine = Routine.from_stretches(["chin-tuck"], catalog=catalog)
    text = pdf_text(write_handout(routine, tmp_path / "b.pdf", date=DAY, pictures=False))
    assert "颈部放松" in text
    assert any("DejaVu" not in font for font in _font_names(tmp_path / "b.pdf"))
