"""The PostgreSQL log: URLs, the environment variable, plain errors, schema versions, totals."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from backstretch_kit.log import LogError, SessionLog, _pg_schema

from .records import T0, dump, fill


def _database(url: str) -> str:
    return url.rsplit("/", 1)[-1]


# --------------------------------------------------------------------------- where the log is


def test_sqlite_urls_and_plain_paths_open_the_same_file(tmp_path: Path) -> None:
    """sqlite:///PATH is the same log as the plain path."""
    with SessionLog(tmp_path / "a.sqlite") as plain:
        plain.log_activity("me", "sphinx", 60, when=T0)
    with SessionLog(f"sqlite:///{tmp_path / 'a.sqlite'}") as by_url:
        assert by_url.people() == ["me"] and by_url.backend == "sqlite"
        assert by_url.path == tmp_path / "a.sqlite" and by_url.url is None


def test_the_environment_variable_picks_the_database(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """SessionLog() opens BACKSTRETCH_DATABASE_URL when set; an explicit path still wins."""
    monkeypatch.setenv("BACKSTRETCH_DATABASE_URL", pg_url)
    with SessionLog() as log:
        assert log.backend == "postgresql" and log.path is None
        assert log.where.startswith("postgres@127.0.0.1:") and log.where in repr(log)
        log.log_activity("me", "sphinx", 60, when=T0)
    with SessionLog(tmp_path / "own.sqlite") as own:
        assert own.people() == []
    with SessionLog(pg_url) as again:
        assert again.people() == ["me"]
    monkeypatch.setenv("BACKSTRETCH_DATABASE_URL", "postgresql+psycopg://u:pw@h/db")
    with pytest.raises(LogError, match=r"from BACKSTRETCH_DATABASE_URL\) has a password"):
        SessionLog()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql+psycopg://ann:hunter2@127.0.0.1/clinic", "has a password in it.*pgpass"),
        ("postgresql+psycopg://ann@127.0.0.1", "names no database"),
        ("mysql://ann@127.0.0.1/clinic", "scheme 'mysql'"),
        ("sqlite://", "sqlite:///PATH"),
    ],
    ids=["password in the URL", "no database", "other engine", "empty sqlite URL"],
)
def test_bad_urls_are_refused_plainly(url: str, message: str) -> None:
    """A bad URL is one LogError; a password in it is never repeated in the message."""
    with pytest.raises(LogError, match=message) as refused:
        SessionLog(url)
    assert "hunter2" not in str(refused.value)


def test_unreachable_server_wrong_password_and_missing_database_name_the_place(
    pg_server, pg_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Each failure to open is one LogError naming user, host, port and database."""
    database = _database(pg_url)
    closed_port = pg_server.port + 1
    with pytest.raises(LogError, match=rf"127.0.0.1:{closed_port}/{database}.*cannot be reached"):
        SessionLog(f"postgresql+psycopg://postgres@127.0.0.1:{closed_port}/{database}")
    with pytest.raises(LogError, match=r"/no_such_db: the database does not exist"):
        SessionLog(pg_server.url("postgres", "no_such_db"))
    # A pgpass file with the wrong password, then none at all.
    wrong = tmp_path / "pgpass"
    wrong.write_text(f"127.0.0.1:{pg_server.port}:*:postgres:not-it\n")
    wrong.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(wrong))
    with pytest.raises(LogError, match=rf"postgres@127.0.0.1:{pg_server.port}/{database}.*refused"):
        SessionLog(pg_url)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "missing"))
    with pytest.raises(LogError, match="no password was found|none was found"):
        SessionLog(pg_url)
    # PGPASSWORD from the environment is the other way in.
    monkeypatch.setenv("PGPASSWORD", pg_server.password)
    with SessionLog(pg_url) as log:
        assert log.people() == []


def test_a_pgpass_file_others_can_read_is_not_used(
    pg_server, pg_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """libpq ignores a pgpass file with group or other access, so the login finds no password."""
    loose = tmp_path / "pgpass"
    loose.write_text(f"127.0.0.1:{pg_server.port}:*:postgres:{pg_server.password}\n")
    loose.chmod(0o644)
    monkeypatch.setenv("PGPASSFILE", str(loose))
    with pytest.raises(LogError, match="none was found"):
        SessionLog(pg_url)
    loose.chmod(0o600)
    SessionLog(pg_url).close()


def test_a_foreign_or_newer_database_is_refused_untouched(pg_server, pg_url: str) -> None:
    """Another program's tables, or a newer format, are refused and left as they were."""
    with psycopg.connect(pg_server.dsn("postgres", _database(pg_url)), autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
        with pytest.raises(LogError, match="not a backstretch-kit session log.*invoices"):
            SessionLog(pg_url)
        conn.execute("DROP TABLE invoices")
        SessionLog(pg_url).close()
        conn.execute(f"UPDATE backstretch_schema SET version = {_pg_schema.SCHEMA_VERSION + 1}")
        with pytest.raises(LogError, match="newer backstretch-kit"):
            SessionLog(pg_url)
        assert conn.execute("SELECT version FROM backstretch_schema").fetchone() == (
            _pg_schema.SCHEMA_VERSION + 1,
        )


def test_a_version_1_database_is_upgraded_with_its_records(pg_server, pg_url: str) -> None:
    """A database made by step 1 only (no roles, no policies) opens upgraded, records kept."""
    with psycopg.connect(pg_server.dsn("postgres", _database(pg_url)), autocommit=True) as conn:
        conn.execute(_pg_schema.STEPS[1])
        conn.execute("INSERT INTO people (person, created_us) VALUES ('old timer', 0)")
    with SessionLog(pg_url) as log:
        assert log.people() == ["old timer"]
        sid = log.start_session("old timer", started_at=T0)
        log.record_hold(sid, "sphinx", "both", 1, 30, 30, started_at=T0)
    with psycopg.connect(pg_server.dsn("postgres", _database(pg_url))) as conn:
        assert conn.execute("SELECT version FROM backstretch_schema").fetchone() == (3,)
        secured = conn.execute(
            "SELECT relname FROM pg_class WHERE relrowsecurity ORDER BY 1"
        ).fetchall()
        assert [r[0] for r in secured] == [
            "care_team", "daily_totals", "holds", "people", "sessions", "weekly_totals",
        ]  # fmt: skip


def test_a_version_2_database_gains_weekly_totals_summed_from_its_daily_ones(
    pg_server, pg_url: str
) -> None:
    """Format 2 had daily totals only: the upgrade sums the weekly ones from them, exactly."""
    with psycopg.connect(pg_server.dsn("postgres", _database(pg_url)), autocommit=True) as conn:
        conn.execute(_pg_schema.STEPS[1])
        conn.execute(_pg_schema.STEPS[2])
        conn.execute("UPDATE backstretch_schema SET version = 2")
        conn.execute("INSERT INTO people (person, created_us) VALUES ('kept', 0)")
        conn.execute(
            "INSERT INTO daily_totals VALUES (1, 20514, 20514, 'sphinx', 30000000), "
            "(1, 20515, 20514, 'sphinx', 15000000), (1, 20521, 20521, 'chin-tuck', 60000000)"
        )
    with SessionLog(pg_url) as log:
        weekly = log.weekly_minutes("kept")
        assert weekly.loc["2026-03-02", "lower back"] == 0.75
        assert weekly.loc["2026-03-09", "neck"] == 1.0
    with psycopg.connect(pg_server.dsn("postgres", _database(pg_url))) as conn:
        assert conn.execute("SELECT * FROM weekly_totals ORDER BY 2").fetchall() == [
            (1, 20514, "sphinx", 45000000),
            (1, 20521, "chin-tuck", 60000000),
        ]


def test_a_role_that_may_not_create_tables_is_told_who_can(pg_server, pg_url: str) -> None:
    """A clinic role opening a database with no log yet is sent to the administrator."""
    role = f"early_{_database(pg_url)}"
    with pg_server.psql_superuser() as su:
        su.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'e'")
    pg_server.add_password(role, "e")
    with pytest.raises(LogError, match=rf"user '{role}' may not create.*clinic init"):
        SessionLog(pg_server.url(role, _database(pg_url)))


def test_two_programs_creating_one_new_database_at_once_both_succeed(pg_url: str) -> None:
    """The schema is made once, under an advisory lock, whoever comes first."""
    errors: list[BaseException] = []

    def opener() -> None:
        try:
            SessionLog(pg_url).close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


# --------------------------------------------------------------------------- totals and forgetting


_REBUILT = """
SELECT person_id, ((started_us + offset_s * 1000000::bigint) / 86400000000)::int AS day,
       stretch_id, SUM(CAST(actual_s * 1000000.0 + 0.5 AS bigint))::bigint
FROM holds GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""


def test_daily_totals_kept_per_hold_equal_a_rebuild_from_the_holds(pg_server, pg_url) -> None:
    """Totals kept in each hold's transaction are what a GROUP BY of every hold gives, exactly."""
    with SessionLog(pg_url) as log:
        fill(log)
        for when in (T0, T0 + timedelta(hours=15), T0 + timedelta(days=9)):
            log.log_activity("late", "sphinx", 33.3333337, when=when)
    with psycopg.connect(pg_server.dsn("postgres", _database(pg_url))) as conn:
        kept = conn.execute(
            "SELECT person_id, day, stretch_id, held_us FROM daily_totals ORDER BY 1, 2, 3"
        ).fetchall()
        assert kept == conn.execute(_REBUILT).fetchall() and len(kept) == 7
        weekly = conn.execute("SELECT * FROM weekly_totals ORDER BY 1, 2, 3").fetchall()
        summed = conn.execute(
            "SELECT person_id, week, stretch_id, SUM(held_us)::bigint FROM daily_totals "
            "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        ).fetchall()
        assert weekly == summed and len(weekly) == 6


def test_forget_person_removes_every_row_of_theirs_only(pg_url: str) -> None:
    """Forgetting deletes the person's sessions, holds, totals and name, and no one else's."""
    with SessionLog(pg_url) as log:
        fill(log)
        before = dump(log)
        assert log.forget_person("client A") == {"sessions": 2, "holds": 6}
        after = dump(log)
        assert log.people() == ["client B"]
    (gone,) = [row[0] for row in before["people"] if row[1] == "client A"]
    for table in ("sessions", "holds", "daily_totals"):
        column = 2 if table == "sessions" else (3 if table == "holds" else 0)
        assert [r for r in before[table] if r[column] != gone] == after[table], table


def test_many_threads_on_one_log_lose_nothing(pg_url: str) -> None:
    """Six threads share one PostgreSQL log (as Jupyter's subshells do): 1,200 holds, all kept."""
    errors: list[BaseException] = []
    with SessionLog(pg_url) as log:
        start = threading.Barrier(6)

        def writer(number: int) -> None:
            try:
                sid = log.start_session(f"person {number}")
                start.wait()
                for rep in range(1, 201):
                    log.record_hold(sid, "cat-stretch", "both", rep % 100 + 1, 10.0, 10.0)
                log.finish_session(sid, pain_after=1)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert len(log.holds()) == 1200
        assert log.daily_totals()["seconds"].sum() == 12000.0


def test_csv_is_refused_plainly_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    """CSV export and import say they are SQLite-only rather than failing obscurely."""
    with SessionLog(pg_url) as log:
        with pytest.raises(LogError, match="SQLite logs only"):
            log.export_csv(tmp_path / "out")
        with pytest.raises(LogError, match="SQLite logs only"):
            log.import_csv(tmp_path)


@pytest.mark.parametrize("ci", ["", "true"], ids=["developer machine", "CI"])
def test_no_postgresql_binaries_skip_with_advice_but_fail_on_ci(
    monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    """Without initdb and pg_ctl the server fixture skips saying what to install; on CI it fails."""
    import _postgres

    monkeypatch.setattr(_postgres, "find_bindir", lambda: None)
    monkeypatch.setenv("CI", ci)
    outcome = pytest.fail.Exception if ci else pytest.skip.Exception
    with pytest.raises(outcome, match="apt-get install postgresql"):
        next(_postgres.serve_for_pytest())
