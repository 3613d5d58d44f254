"""Tests for the PDF fonts: DejaVu always, the fallback fonts only when the text needs them."""

from __future__ import annotations

import pytest
from fpdf import FPDF

from backstretch_kit.pdf_fonts import _available_fallbacks, dejavu_prints, setup_fonts

DEJAVU_FACES = {"dejavu", "dejavuB", "dejavuI"}


def _registered(texts, **options) -> set[str]:
    pdf = FPDF()
    setup_fonts(pdf, texts, **options)
    return set(pdf.fonts)


def test_dejavu_prints_latin_greek_and_cyrillic_not_chinese_or_devanagari():
    assert dejavu_prints(["Knee to chest – 30 s × 2 · Ελληνικά · Кириллица\n"])
    assert not dejavu_prints(["颈部放松"])
    assert not dejavu_prints(["Back", "पीठ"])


def test_latin_text_registers_dejavu_alone():
    """A Latin handout reads three font files, not the second's worth of fallbacks."""
    assert _registered(["Chin tuck", "Sit tall."]) == DEJAVU_FACES


def test_only_the_styles_a_document_sets_are_registered():
    assert _registered(["Chin tuck"], styles=("", "B")) == {"dejavu", "dejavuB"}
    assert _registered(["Chin tuck"], styles=("",)) == {"dejavu"}


def test_other_scripts_and_unknown_text_register_every_fallback():
    if not _available_fallbacks():
        pytest.skip("no fallback font is installed here")
    everything = DEJAVU_FACES | {family.lower() for family, _file in _available_fallbacks()}
    assert _registered(["Back", "पीठ का खिंचाव"]) == everything
    assert _registered(None) == everything  # nothing said about the text: be ready for any
