"""Tests for the ``backstretch`` command: real subprocesses, real routine and log files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from backstretch_kit.cli import COMMANDS, build_parser, main
from backstretch_kit.guidance import RED_FLAGS, warning_signs_text
from backstretch_kit.log import SessionLog
from backstretch_kit.routine import Routine

ROOT = Path(__file__).resolve().parents[1]


def backstretch(*args: str, **options) -> subprocess.Popen:
    """Start ``backstretch ARGS`` as a real process (as the console script would run it)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "backstretch_kit.cli", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
        **options,
    )


@pytest.fixture
def tiny_routine(tmp_path) -> Path:
    """One stretch, both sides together, 2 reps of 10 s (0.5 s each at --scale 0.05)."""
    routine = Routine.from_stretches(
        ["knee-to-chest"], hold_s=10.0, reps=2, sides="both together", rest_s=5.0
    )
    return routine.save(tmp_path / "tiny.json")


def test_play_runs_the_routine_and_logs_every_hold(tiny_routine, tmp_path):
    """play --no-questions counts the routine down and writes both holds and the session."""
    log_path = tmp_path / "log.sqlite"
    process = backstretch(
        "play",
        str(tiny_routine),
        "--log",
        str(log_path),
        "--scale",
        "0.05",
        "--no-questions",
        "--person",
        "Bo",
    )
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Hold · rep 1 of 2" in out and "Hold · rep 2 of 2" in out
    assert "Routine complete." in out
    assert "2 holds, 2 completed" in out
    log = SessionLog(log_path)
    holds = log.holds()
    assert len(holds) == 2 and holds["completed"].all()
    assert list(holds["side"]) == ["both", "both"]
    assert holds["planned_s"].tolist() == pytest.approx([0.5, 0.5])
    session = log.sessions().iloc[0]
    assert session["person"] == "Bo" and not pd.isna(session["ended_at"])
    assert pd.isna(session["pain_before"])


def test_play_asks_pain_before_and_after(tiny_routine, tmp_path):
    """Without --no-questions the answers on stdin become pain before, after and notes."""
    log_path = tmp_path / "log.sqlite"
    process = backstretch("play", str(tiny_routine), "--log", str(log_path), "--scale", "0.05")
    no_flags = "n\n" * len(RED_FLAGS)
    out, err = process.communicate(no_flags + "eleven\n6\n4\nknee felt fine\n", timeout=60)
    assert process.returncode == 0, err
    assert "whole number from 0 to 10" in out  # "eleven" was asked again
    assert "Pain 6 -> 4" in out
    session = SessionLog(log_path).sessions().iloc[0]
    assert session["pain_before"] == 6 and session["pain_after"] == 4
    assert session["notes"] == "knee felt fine"


def test_play_asks_every_warning_sign_and_refuses_on_an_emergency(tiny_routine, tmp_path):
    """A 'y' to a cauda equina sign: its emergency message, exit 1, and nothing logged."""
    log_path = tmp_path / "log.sqlite"
    process = backstretch("play", str(tiny_routine), "--log", str(log_path), "--scale", "0.05")
    answers = "maybe\ny\n" + "n\n" * (len(RED_FLAGS) - 1)  # 'maybe' is asked again
    out, err = process.communicate(answers, timeout=60)
    assert process.returncode == 1, err
    for flag in RED_FLAGS:
        assert flag.question in out
    assert "Please type y or n." in out
    assert RED_FLAGS[0].message in out and "emergency care now" in out
    assert "This routine will not start." in out
    assert not log_path.exists() or SessionLog(log_path).sessions().empty


def test_play_without_questions_still_shows_the_warning_signs(tiny_routine, tmp_path):
    """--no-questions lists every warning sign with what to do, then plays."""
    log_path = tmp_path / "log.sqlite"
    process = backstretch(
        "play", str(tiny_routine), "--log", str(log_path), "--scale", "0.05", "--no-questions"
    )
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    for flag in RED_FLAGS:
        assert flag.label in out
    assert warning_signs_text() in out and "3 to 4 weeks" in out


def test_play_says_to_ease_off_when_pain_rose_by_two_points(tiny_routine, tmp_path):
    """Pain 3 before and 6 after: the advice to ease off and see a physiotherapist."""
    log_path = tmp_path / "log.sqlite"
    process = backstretch("play", str(tiny_routine), "--log", str(log_path), "--scale", "0.05")
    out, err = process.communicate("\n" * len(RED_FLAGS) + "3\n6\n\n", timeout=60)
    assert process.returncode == 0, err
    assert "3 points higher" in out and "ease off" in out and "see a physiotherapist" in out


def test_ctrl_c_stops_cleanly_and_keeps_finished_holds(tmp_path):
    """SIGINT after the first hold stops the routine, exits 0 and keeps that hold."""
    routine = Routine.from_stretches(
        ["knee-to-chest"], hold_s=20.0, reps=3, sides="each side", rest_s=10.0
    )
    path = routine.save(tmp_path / "long.json")
    log_path = tmp_path / "log.sqlite"
    process = backstretch(
        "play", str(path), "--log", str(log_path), "--scale", "0.1", "--no-questions"
    )
    seen = []
    for line in process.stdout:  # one line per phase and per saved hold
        seen.append(line)
        if "saved" in line:
            break
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Stopped." in out
    holds = SessionLog(log_path).holds()
    assert holds.iloc[0]["completed"]
    assert len(holds) < 6  # it really stopped early
    session = SessionLog(log_path).sessions().iloc[0]
    assert not pd.isna(session["ended_at"])


def test_unreadable_routine_fails_before_writing(tmp_path, capsys):
    """A missing routine file exits 2 with a message naming it, and creates no log."""
    log_path = tmp_path / "log.sqlite"
    status = main(["play", str(tmp_path / "nope.json"), "--log", str(log_path)])
    assert status == 2
    assert "nope.json" in capsys.readouterr().err
    assert not log_path.exists()


def test_bad_scale_is_a_usage_error(tiny_routine):
    """--scale 0 is refused by the parser (exit 2)."""
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["play", str(tiny_routine), "--scale", "0"])
    assert stop.value.code == 2


def test_parser_is_built_from_the_command_list():
    """Each entry of COMMANDS adds a subcommand; play is one and sets its runner."""
    parser = build_parser()
    args = parser.parse_args(["play", "r.json", "--person", "Ann", "--scale", "0.5"])
    assert args.command == "play" and args.person == "Ann" and args.scale == 0.5
    assert callable(args.run)
    assert len(COMMANDS) >= 1
    with pytest.raises(SystemExit):
        parser.parse_args([])  # a subcommand is required


def test_workshop_command_serves_the_shipped_workshop_notebook_on_loopback(capsys):
    """`backstretch workshop --print-command` names Voila, the workshop notebook and 127.0.0.1."""
    from backstretch_kit.cli import main

    assert main(["workshop", "--port", "9123", "--print-command"]) == 0
    command = capsys.readouterr().out.split()
    assert command[0].endswith("voila")
    assert command[1].endswith("05-Workshop.ipynb")
    assert "--port=9123" in command and "--Voila.ip=127.0.0.1" in command


def _bad_routine_files(tmp_path: Path) -> dict[str, Path]:
    """Routine files a careless user could pass, each with what the one line must say."""
    empty = tmp_path / "empty.json"
    Routine.from_stretches([], name="Nothing").save(empty)
    long_name = tmp_path / "long.json"
    data = Routine.from_stretches(["chin-tuck"], name="Neck").to_dict()
    data["name"] = "N" * 250
    long_name.write_text(json.dumps(data))
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    return {"no stretches": empty, "at most 200": long_name, "nested too deeply": deep,
            "is a folder": tmp_path}  # fmt: skip


@pytest.mark.parametrize(
    "case", ["no stretches", "at most 200", "nested too deeply", "is a folder", "blank person",
             "long person"],
)  # fmt: skip
def test_bad_input_to_play_is_one_line_and_status_2(tiny_routine, tmp_path, case):
    """Bad routine files and bad --person values: exit 2, one line on stderr, no traceback."""
    files = _bad_routine_files(tmp_path)
    routine, person, words = str(tiny_routine), "Bo", case
    if case == "blank person":
        person, words = "   ", "must name who is stretching"
    elif case == "long person":
        person, words = "P" * 201, "at most 200"
    else:
        routine = str(files[case])
    log_path = tmp_path / "log.sqlite"
    process = backstretch(
        "play", routine, "--person", person, "--log", str(log_path), "--no-questions"
    )
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2, (out, err)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert err.startswith("backstretch play: ") and words in err
    assert not log_path.exists()  # nothing was written


def test_recover_saves_a_damaged_log_into_a_new_one_and_says_what_was_lost(tmp_path):
    """`backstretch recover DAMAGED NEW`: exit 0, what was saved and lost; DAMAGED unchanged."""
    from tests.log.records import damage_page, table_leaves, thirty_sessions

    damaged, new = tmp_path / "log.sqlite", tmp_path / "new.sqlite"
    thirty_sessions(damaged)
    leaves = table_leaves(damaged, "holds")
    damage_page(damaged, leaves[len(leaves) // 2])
    before = damaged.read_bytes()
    process = backstretch("recover", str(damaged), str(new))
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert f"Saved into {new}: 3 people, 30 sessions," in out
    assert "Lost: " in out and "holds on damaged pages" in out
    assert damaged.read_bytes() == before
    with SessionLog(new) as log:
        assert len(log.sessions()) == 30 and 0 < len(log.holds()) < 180

    again = backstretch("recover", str(damaged), str(new))  # NEW exists now
    out, err = again.communicate(timeout=120)
    assert again.returncode == 2 and "Traceback" not in err
    assert err.startswith("backstretch recover: ") and "exists already" in err


def test_clinic_hands_its_arguments_to_the_clinic_setup(capsys):
    """`backstretch clinic ...` is the clinic's own parser; a server it cannot reach is one
    line naming the database, status 2, and nothing is asked of anyone."""
    assert main(["clinic", "--url", "postgresql+psycopg://nobody@127.0.0.1:1/clinic", "init"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("backstretch clinic: ") and "nobody@127.0.0.1:1/clinic" in err
    assert len(err.strip().splitlines()) == 1
    with pytest.raises(SystemExit):
        main(["clinic", "--help"])
    assert "add-patient" in capsys.readouterr().out
