"""The package installs, imports lightly, and declares the same dependencies everywhere."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs.extend(extra)
    return dict(_split_spec(spec) for spec in specs)


def _split_spec(spec: str) -> tuple[str, str]:
    # a pip extra ("psycopg[binary]") has no conda spelling: conda's package has it built in
    spec = re.sub(r"\[[^\]]*\]", "", spec)
    match = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)\s*(.*?)\s*", spec)
    assert match, spec
    return match.group(1).lower(), match.group(2).replace(" ", "")


def _environment_requirements() -> dict[str, str]:
    # environment.yml is simple enough to read without a YAML library: we only
    # need the plain "- name>=x" lines of the conda dependency list.
    found = {}
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        match = re.fullmatch(r"  - ([A-Za-z0-9_.-]+)(\S*)", line)
        if match and match.group(1) not in {"python", "pip"}:
            found[match.group(1).lower()] = match.group(2)
    return found


def test_environment_yml_matches_pyproject():
    """environment.yml lists exactly the dependencies and bounds that pyproject.toml does."""
    assert _environment_requirements() == _pyproject_requirements()


def test_import_does_not_load_heavy_libraries():
    """`import backstretch_kit` loads neither matplotlib, ipywidgets nor any Jupyter module."""
    code = (
        "import sys, backstretch_kit, backstretch_kit.catalog;"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'matplotlib', 'ipywidgets', 'IPython', 'jupyter_client', 'ipykernel', 'notebook'});"
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == ""


def test_public_names_resolve():
    """Every name in backstretch_kit.__all__ resolves to a real object."""
    import backstretch_kit

    missing = []
    for name in backstretch_kit.__all__:
        try:
            getattr(backstretch_kit, name)
        except (AttributeError, ImportError) as exc:
            missing.append(f"{name}: {exc}")
    assert missing == []


#: The public face, as notebooks and users call it: a restructuring must keep every name.
PUBLIC_NAMES = [
    "AREA_COLOURS", "BODY_AREAS", "CatalogError", "ChartError", "CueDue", "Finding",
    "HoldTimer", "LogError", "Phase", "PhaseFinished", "PhaseStarted", "PoseError", "Profile",
    "RED_FLAGS", "Routine", "RoutineEnded", "RoutineError", "RoutineItem", "SessionLog",
    "TimerError", "__version__", "check_routine", "draw_stretch", "import_free_exercise_db",
    "load_poses", "load_routine", "load_stretches", "pain_change_advice", "ready_routines",
    "red_flag_table", "sample_log", "screen_red_flags", "user_data_dir", "warning_signs_text",
    "write_handout",
]  # fmt: skip
WIDGET_NAMES = [
    "CatalogBrowser", "GuidedSession", "LogForm", "ProgramBuilder", "ProgressDashboard",
    "RedFlagScreen", "RoutineBuilder", "TimerWidget", "WorkshopPanel",
]  # fmt: skip


def test_the_public_names_stay_the_same():
    """backstretch_kit and backstretch_kit.widgets export exactly the names users rely on."""
    import backstretch_kit
    import backstretch_kit.widgets

    assert sorted(backstretch_kit.__all__) == sorted(PUBLIC_NAMES)
    assert sorted(backstretch_kit.widgets.__all__) == sorted(WIDGET_NAMES)
    for name in ("charts", "demo", "poses", "widgets"):
        assert getattr(backstretch_kit, name).__name__ == f"backstretch_kit.{name}"


def test_wheel_install_loads_catalog_from_elsewhere(tmp_path):
    """A non-editable install finds the shipped catalog from an unrelated working folder."""
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
            "--no-build-isolation", "--target", str(target), str(ROOT),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    assert (target / "backstretch_kit" / "data" / "stretches.csv").is_file()
    for front_end in ("timer.js", "timer.css"):  # the timer's page side ships in the wheel
        assert (target / "backstretch_kit" / "widgets" / front_end).is_file(), front_end
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = "import backstretch_kit as bk;df = bk.load_stretches();print(bk.__file__);print(len(df))"
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=elsewhere, env=env,
    )  # fmt: skip
    where, count = out.stdout.split()
    assert Path(where).is_relative_to(target)
    assert int(count) >= 40
