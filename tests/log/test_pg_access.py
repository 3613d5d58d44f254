"""Row-level security on PostgreSQL: a patient's connection sees and writes only their rows.

Checked twice: through SessionLog, and with raw SQL on the patient's own
psycopg connection, so that what is proven is the database's policy and not
the workbook's good manners.
"""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest

from backstretch_kit.log import LogError, SessionLog, clinic

from .records import T0

ROLES = {"ann": "ann_patient", "bo": "bo_patient", "cy": "cy_patient"}
THERAPIST = "physio_kim"


@pytest.fixture
def clinic_db(pg_server, pg_url):
    """A clinic log: Ann and Bo in Kim's care, Cy in no one's; two sessions each."""
    suffix = pg_url.rsplit("_", 1)[-1]  # role names are server-wide: one set per database
    roles = {person: f"{role}_{suffix}" for person, role in ROLES.items()}
    therapist = f"{THERAPIST}_{suffix}"
    clinic.add_therapist(pg_url, therapist, password="kim-secret")
    pg_server.add_password(therapist, "kim-secret")
    for person, role in roles.items():
        care = therapist if person in ("ann", "bo") else None
        clinic.add_patient(pg_url, person, role, therapist=care, password=f"{person}-secret")
        pg_server.add_password(role, f"{person}-secret")
    sessions = {}
    with SessionLog(pg_url) as admin:
        for person in roles:
            sid = admin.start_session(person, "morning", pain_before=4, started_at=T0)
            for rep in (1, 2, 3):
                admin.record_hold(sid, "sphinx", "both", rep, 30, 30, started_at=T0)
            admin.finish_session(sid, pain_after=2, ended_at=T0 + timedelta(minutes=5))
            sessions[person] = admin.start_session(person, started_at=T0 + timedelta(days=1))
        ids = {
            p: admin._store.rows("SELECT person_id FROM people WHERE person = :n", {"n": p})[0][0]
            for p in roles
        }
    database = pg_url.rsplit("/", 1)[-1]
    return {
        "server": pg_server,
        "database": database,
        "roles": roles,
        "therapist": therapist,
        "sessions": sessions,
        "ids": ids,
    }


def _url(db, role: str) -> str:
    return db["server"].url(role, db["database"])


def _raw(db, role: str) -> psycopg.Connection:
    """The role's own connection, its password from the pgpass file (as libpq finds it)."""
    return psycopg.connect(db["server"].dsn(role, db["database"]), autocommit=True)


def test_a_patient_log_shows_and_takes_only_their_own_records(clinic_db) -> None:
    """Through SessionLog, Ann sees Ann; her holds go in; Bo's session is unknown to her."""
    db = clinic_db
    with SessionLog(_url(db, db["roles"]["ann"])) as mine:
        assert mine.people() == ["ann"]
        assert set(mine.sessions()["person"]) == {"ann"} and len(mine.holds()) == 3
        assert set(mine.daily_totals()["person"]) == {"ann"}
        assert mine.weekly_minutes().to_numpy().sum() == pytest.approx(1.5)  # her 90 s only
        mine.record_hold(db["sessions"]["ann"], "sphinx", "both", 1, 30, 30)
        with pytest.raises(LogError, match="unknown session"):
            mine.record_hold(db["sessions"]["bo"], "sphinx", "both", 1, 30, 30)
        with pytest.raises(LogError, match=r"may not .*administrator"):
            mine.start_session("bo")
        with pytest.raises(LogError, match="no person named 'bo'"):
            mine.forget_person("bo")
        with pytest.raises(LogError, match="may not forget 'ann'.*nothing was written"):
            mine.forget_person("ann")  # erasure goes through the clinic
        assert len(mine.holds()) == 4  # and the failed call left everything
        assert mine.holds("bo").empty and mine.sessions("cy").empty
    with SessionLog(_url(db, "postgres")) as admin:
        assert len(admin.holds("ann")) == 4 and len(admin.holds("bo")) == 3


def test_raw_sql_on_a_patients_connection_reads_and_writes_only_theirs(clinic_db) -> None:
    """Ann's own connection: SELECTs see her rows only; writing Bo's rows is refused or void."""
    db = clinic_db
    ann, bo = db["ids"]["ann"], db["ids"]["bo"]
    with _raw(db, db["roles"]["ann"]) as conn:
        assert conn.execute("SELECT person FROM people").fetchall() == [("ann",)]
        assert conn.execute("SELECT DISTINCT person_id FROM sessions").fetchall() == [(ann,)]
        assert conn.execute("SELECT count(*), min(person_id) FROM holds").fetchone() == (3, ann)
        assert conn.execute("SELECT DISTINCT person_id FROM daily_totals").fetchall() == [(ann,)]
        assert conn.execute("SELECT count(*) FROM care_team").fetchone() == (0,)
        # Naming Bo's rows outright finds nothing to change.
        for statement in (
            "UPDATE sessions SET notes = 'x' WHERE person_id = %s",
            "UPDATE holds SET actual_s = 0 WHERE person_id = %s",
            "DELETE FROM holds WHERE person_id = %s",
            "DELETE FROM daily_totals WHERE person_id = %s",
        ):
            assert conn.execute(statement, (bo,)).rowcount == 0, statement
        refused = {
            "a hold for Bo": (
                "INSERT INTO holds (uuid, session_id, person_id, stretch_id, side, rep, planned_s, "
                "actual_s, completed, started_us, offset_s) VALUES (gen_random_uuid(), %s, %s, "
                "'sphinx', 'both', 1, 30, 30, true, 0, 0)",
                (db["sessions"]["bo"], bo),
            ),
            "a session for Bo": (
                "INSERT INTO sessions (uuid, person_id, kind, started_us, started_offset_s) "
                "VALUES (gen_random_uuid(), %s, 'routine', 0, 0)",
                (bo,),
            ),
            "Bo's daily total": (
                "INSERT INTO daily_totals VALUES (%s, 1, 0, 'sphinx', 1000000)",
                (bo,),
            ),
            "moving her session to Bo": (
                "UPDATE sessions SET person_id = %s WHERE person_id = %s",
                (bo, ann),
            ),
            "a new person": ("INSERT INTO people (person, created_us) VALUES ('eve', 0)", ()),
            "deleting a person": ("DELETE FROM people WHERE person_id = %s", (bo,)),
            "renaming herself": ("UPDATE people SET db_role = 'x' WHERE person_id = %s", (ann,)),
            "a care-team entry": (
                "INSERT INTO care_team VALUES (current_user, %s)",
                (bo,),
            ),
            "turning the policy off": ("ALTER TABLE holds DISABLE ROW LEVEL SECURITY", ()),
        }
        for what, (statement, params) in refused.items():
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement, params)
            assert what  # named for the reader of a failure
        # Her own rows she may write.
        conn.execute(
            "INSERT INTO sessions (uuid, person_id, kind, started_us, started_offset_s) "
            "VALUES (gen_random_uuid(), %s, 'routine', 0, 0)",
            (ann,),
        )
    with _raw(db, "postgres") as owner:
        counts = dict(owner.execute("SELECT person_id, count(*) FROM holds GROUP BY 1").fetchall())
        assert counts == {ann: 3, bo: 3, db["ids"]["cy"]: 3}
        notes = owner.execute("SELECT notes FROM sessions WHERE person_id = %s", (bo,)).fetchall()
        assert ("x",) not in notes


def test_a_physiotherapist_sees_and_writes_only_their_patients(clinic_db) -> None:
    """Kim cares for Ann and Bo: sees both, logs for both, and cannot see or touch Cy."""
    db = clinic_db
    with SessionLog(_url(db, db["therapist"])) as kims:
        assert kims.people() == ["ann", "bo"]
        kims.record_hold(db["sessions"]["bo"], "chin-tuck", "both", 1, 15, 15)
        with pytest.raises(LogError, match="unknown session"):
            kims.record_hold(db["sessions"]["cy"], "sphinx", "both", 1, 30, 30)
        assert set(kims.holds()["person"]) == {"ann", "bo"}
    with _raw(db, db["therapist"]) as conn:
        assert conn.execute("SELECT count(*) FROM holds").fetchone() == (7,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO sessions (uuid, person_id, kind, started_us, started_offset_s) "
                "VALUES (gen_random_uuid(), %s, 'routine', 0, 0)",
                (db["ids"]["cy"],),
            )


def test_a_login_that_is_no_one_in_the_log_sees_nothing(clinic_db) -> None:
    """A clinic role with no person behind it reads an empty log; a stranger role is refused."""
    db = clinic_db
    suffix = db["database"].rsplit("_", 1)[-1]
    nobody, stranger = f"nobody_{suffix}", f"stranger_{suffix}"
    clinic.add_therapist(_url(db, "postgres"), nobody, password="n")
    db["server"].add_password(nobody, "n")
    with SessionLog(_url(db, nobody)) as empty:
        assert empty.people() == [] and empty.holds().empty
    with db["server"].psql_superuser() as su:
        su.execute(f"CREATE ROLE {stranger} LOGIN PASSWORD 's'")
    db["server"].add_password(stranger, "s")
    with pytest.raises(LogError, match=f"user '{stranger}' may not open the session log"):
        SessionLog(_url(db, stranger))


def test_clinic_set_up_refuses_bad_roles_and_double_roles(clinic_db) -> None:
    """Role names are checked, and a person keeps one role, a role one person."""
    db = clinic_db
    admin = _url(db, "postgres")
    with pytest.raises(LogError, match="role name"):
        clinic.add_patient(admin, "dee", "Robert'); DROP TABLE people; --")
    with pytest.raises(LogError, match="reserved"):
        clinic.add_patient(admin, "dee", "backstretch_user")
    with pytest.raises(LogError, match="already 'bo'"):
        clinic.add_patient(admin, "dee", db["roles"]["bo"])
    with pytest.raises(LogError, match="already logs in as"):
        clinic.add_patient(admin, "ann", f"other_{db['database'].rsplit('_', 1)[-1]}")
    with pytest.raises(LogError, match="no role"):
        clinic.assign(admin, "no_such_physio", "cy")
    assert clinic.main(["--url", admin, "assign", db["therapist"], "cy"]) == 0
    with SessionLog(_url(db, db["therapist"])) as kims:
        assert kims.people() == ["ann", "bo", "cy"]
