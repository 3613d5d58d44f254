"""The catalog browser: filters, the safety profile, the count and the detail pane."""

from __future__ import annotations

import re

import pytest

from backstretch_kit import load_stretches
from backstretch_kit.catalog import NO_EQUIPMENT
from backstretch_kit.guidance import Profile, check_routine
from backstretch_kit.routine import Routine
from backstretch_kit.widgets import catalog_browser
from backstretch_kit.widgets.catalog_browser import CatalogBrowser

#: The codes of check_routine's per-stretch safety findings, one per profile field.
SAFETY_CODES = {
    "flexion_intolerant": "flexion-intolerant",
    "extension_intolerant": "extension-intolerant",
    "leg_pain": "leg-pain",
    "osteoporosis": "osteoporosis",
    "pregnancy": "pregnancy",
    "hip_replacement": "hip-replacement",
    "neck_problem": "neck-problem",
    "knee_problem": "knee-problem",
}


def test_the_browser_offers_every_condition_that_hides_stretches(browser):
    """Each tag-based profile condition has a checkbox; recent surgery goes by area instead."""
    assert set(browser.safety) == set(SAFETY_CODES)


@pytest.fixture(scope="module")
def catalog():
    return load_stretches()


@pytest.fixture
def browser(catalog, monkeypatch):
    # Pictures have their own test; drawing 43 of them here would only slow the rest.
    monkeypatch.setattr(catalog_browser, "picture_bytes", lambda stretch_id, **kw: None)
    return CatalogBrowser(catalog, dpi=20)


def listed(browser: CatalogBrowser) -> list[str]:
    return [value for _, value in browser.results.options]


def test_starts_with_every_stretch_and_the_first_selected(browser, catalog):
    """With no filter every stretch is listed, counted, and the first one is shown."""
    assert listed(browser) == list(catalog.index)
    assert browser.count.value == f"{len(catalog)} of {len(catalog)} stretches"
    assert browser.selected_id == catalog.index[0]
    assert catalog.loc[catalog.index[0], "name"] in browser.detail.value


def test_area_filter_changes_list_and_count(browser, catalog):
    """Choosing an area lists the stretches whose main or secondary area it is."""
    browser.area.value = "hamstrings"
    expected = [
        sid
        for sid, row in catalog.iterrows()
        if row["body_area"] == "hamstrings" or "hamstrings" in row["secondary_areas"]
    ]
    assert 0 < len(expected) < len(catalog)
    assert listed(browser) == expected
    assert browser.count.value == f"{len(expected)} of {len(catalog)} stretches"
    assert browser.selected_id in expected


def test_results_filtered_by_a_secondary_area_say_both_areas(browser, catalog):
    """Each result names its main area; filtered by hips and glutes, a stretch listed for its
    secondary area says "lower back; also hips and glutes", as the routine builder does."""
    for label, sid in browser.results.options:
        assert label == f"{catalog.loc[sid, 'name']} ({catalog.loc[sid, 'body_area']})"
    browser.area.value = "hips and glutes"
    also = 0
    for label, sid in browser.results.options:
        row = catalog.loc[sid]
        if row["body_area"] == "hips and glutes":
            assert label == f"{row['name']} (hips and glutes)"
        else:
            also += 1
            assert label == f"{row['name']} ({row['body_area']}; also hips and glutes)"
    assert also


@pytest.mark.parametrize(
    ("control", "value", "keeps"),
    [
        ("position", "seated", lambda row: row["position"] == "seated"),
        ("level", "beginner", lambda row: row["level"] == "beginner"),
        ("equipment", "chair", lambda row: "chair" in row["equipment"]),
        ("equipment", NO_EQUIPMENT, lambda row: not row["equipment"]),
    ],
)
def test_other_filters_keep_only_matching_stretches(browser, catalog, control, value, keeps):
    """Position, level and equipment each narrow the list to the stretches that match."""
    getattr(browser, control).value = value
    expected = [sid for sid, row in catalog.iterrows() if keeps(row)]
    assert 0 < len(expected) < len(catalog)
    assert listed(browser) == expected
    assert browser.count.value.startswith(f"{len(expected)} of ")


def test_flexion_checkbox_hides_flexion_stretches(browser, catalog):
    """Ticking the flexion-intolerant box hides every stretch with the flexion caution."""
    flexion = {sid for sid, tags in catalog["cautions"].items() if "flexion" in tags}
    assert flexion & set(listed(browser))
    browser.safety["flexion_intolerant"].value = True
    assert not flexion & set(listed(browser))
    assert len(listed(browser)) == len(catalog) - len(flexion)
    assert browser.count.value == f"{len(catalog) - len(flexion)} of {len(catalog)} stretches"
    browser.safety["flexion_intolerant"].value = False
    assert listed(browser) == list(catalog.index)


def test_profile_argument_ticks_boxes_and_hides(catalog, monkeypatch):
    """A profile with osteoporosis starts with its box ticked and its stretches hidden."""
    monkeypatch.setattr(catalog_browser, "picture_bytes", lambda stretch_id, **kw: None)
    browser = CatalogBrowser(catalog, profile=Profile(osteoporosis=True, age_group="older adult"))
    assert browser.safety["osteoporosis"].value is True
    assert browser.safety["flexion_intolerant"].value is False
    avoided = {"osteoporosis", "flexion", "end-range rotation"}
    assert not any(avoided & set(catalog.loc[sid, "cautions"]) for sid in listed(browser))
    # The rest of the profile is kept when the boxes rebuild it.
    assert browser.profile.age_group == "older adult"


@pytest.mark.parametrize("field", sorted(SAFETY_CODES))
def test_hidden_stretches_are_the_ones_check_routine_flags(browser, catalog, field):
    """For each profile field, the browser hides exactly what check_routine warns about."""
    browser.safety[field].value = True
    hidden = set(catalog.index) - set(listed(browser))
    profile = Profile(**{field: True})
    flagged = set()
    for sid in catalog.index:
        findings = check_routine(Routine.from_stretches([sid], catalog), profile)
        if any(f.code == SAFETY_CODES[field] and f.stretch_id == sid for f in findings):
            flagged.add(sid)
    assert hidden == flagged


def test_detail_shows_numbered_steps_dose_and_cautions(browser, catalog):
    """The detail pane lists every step in order, the dose, and each caution in words."""
    browser.results.value = "knee-to-chest"
    row = catalog.loc["knee-to-chest"]
    text = browser.detail.value
    assert "<ol>" in text
    steps = re.findall(r"<li>(.*?)</li>", text.split("<ol>")[1].split("</ol>")[0])
    assert len(steps) == len(row["instructions"])
    assert f"Hold {int(row['hold_s'])} s, {row['reps']} times" in text
    assert "Leave it out if bending forward makes your back pain worse" in text
    assert "flexion" in row["cautions"]


def test_no_match_says_so(browser, catalog):
    """Filters that match nothing show 0, no selection and a hint, not an error."""
    browser.area.value = "neck"
    browser.position.value = "lying"
    assert listed(browser) == []
    assert browser.count.value == f"0 of {len(catalog)} stretches"
    assert browser.selected_id is None
    assert "No stretch matches" in browser.detail.value


def test_catalog_text_is_escaped(catalog, monkeypatch):
    """A stretch name with markup shows as text in the list and the detail pane."""
    monkeypatch.setattr(catalog_browser, "picture_bytes", lambda stretch_id, **kw: None)
    custom = catalog.copy()
    custom.loc["chin-tuck", "name"] = "<script>alert(1)</script> tuck"
    browser = CatalogBrowser(custom)
    browser.results.value = "chin-tuck"
    assert "<script>" not in browser.detail.value
    assert "&lt;script&gt;" in browser.detail.value


def test_picture_is_drawn_once_per_stretch(catalog, monkeypatch):
    """The pictogram is a PNG from poses.picture_bytes, drawn once and then taken from the cache."""
    from backstretch_kit import poses

    calls: list[str] = []

    def counting(stretch_id: str, *args, **kwargs):
        calls.append(stretch_id)
        return poses.picture_bytes(stretch_id, *args, **kwargs)

    monkeypatch.setattr(catalog_browser, "picture_bytes", counting)
    browser = CatalogBrowser(catalog, dpi=20)
    first = browser.selected_id
    assert bytes(browser.picture.value).startswith(b"\x89PNG")
    browser.results.value = "knee-to-chest"
    browser.results.value = first
    assert calls == [first, "knee-to-chest"]


def test_a_stretch_without_a_pose_shows_no_picture(catalog):
    """A stretch of your own with no pose is shown with its text and no picture."""
    custom = catalog.copy()
    custom = custom.rename(index={"chin-tuck": "my-own-chin-tuck"})
    browser = CatalogBrowser(custom, dpi=20)
    browser.results.value = "my-own-chin-tuck"
    assert bytes(browser.picture.value) == b""
    assert browser.picture.layout.display == "none"
    assert "Chin tuck" in browser.detail.value
    browser.results.value = "cat-stretch"
    assert bytes(browser.picture.value).startswith(b"\x89PNG")
    assert browser.picture.layout.display is None
