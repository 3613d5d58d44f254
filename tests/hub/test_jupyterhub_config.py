"""deploy/jupyterhub_config.py as a clinic gets it: PAM, local processes, the culler, the
database URL per person, and no password anywhere in the configuration."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

traitlets_loader = pytest.importorskip("traitlets.config.loader")

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str):
    """The configuration JupyterHub would load, with only ``env`` set of our variables."""
    for name in [
        "BACKSTRETCH_HUB_URL",
        "BACKSTRETCH_HUB_DATABASE_URL",
        "BACKSTRETCH_HUB_IDLE_TIMEOUT",
        "BACKSTRETCH_HUB_CULL_EVERY",
        "BACKSTRETCH_HUB_ADMINS",
    ]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BACKSTRETCH_HUB_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("BACKSTRETCH_HUB_PROXY", "/opt/chp/configurable-http-proxy")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    loader = traitlets_loader.PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY))
    return loader.load_config()


def person(name: str, home: str) -> SimpleNamespace:
    """What the config's per-person settings read of a spawner: the user's name, the home."""
    return SimpleNamespace(user=SimpleNamespace(name=name), home_dir=home)


def test_the_clinic_defaults(monkeypatch, tmp_path) -> None:
    """Loopback until told otherwise, PAM for a group, a server per person, a 1 h culler,
    the hub's secrets in its state folder (0700), SQLite logs when no database is named."""
    config = load(monkeypatch, tmp_path)
    hub, spawner = config.JupyterHub, config.Spawner
    assert hub.bind_url == "http://127.0.0.1:8000"
    assert hub.authenticator_class == "pam"
    assert config.PAMAuthenticator.allowed_groups == {"backstretch"}
    assert hub.spawner_class == "localprocess"
    assert spawner.cmd[1] == str(DEPLOY / "singleuser.py")
    assert spawner.default_url == "/lab/tree/00-Start-Here.ipynb"
    assert hub.cookie_secret_file == str(tmp_path / "state" / "jupyterhub_cookie_secret")
    assert (tmp_path / "state").stat().st_mode & 0o777 == 0o700
    assert config.ConfigurableHTTPProxy.command == ["/opt/chp/configurable-http-proxy"]
    (culler,) = hub.services
    assert culler["command"][-2:] == ["--timeout=3600", "--cull-every=300"]
    (role,) = hub.load_roles
    assert role["services"] == ["idle-culler"] and "admin:users" not in role["scopes"]
    assert "BACKSTRETCH_DATABASE_URL" not in spawner.environment
    assert spawner.environment["PGPASSFILE"](person("alice", "/home/alice")) == (
        "/home/alice/.pgpass"
    )


def test_each_person_connects_as_their_own_role(monkeypatch, tmp_path) -> None:
    """The URL template gets each person's name (quoted for a URL)."""
    config = load(
        monkeypatch,
        tmp_path,
        BACKSTRETCH_HUB_DATABASE_URL="postgresql+psycopg://{username}@db:5432/backstretch",
        BACKSTRETCH_HUB_IDLE_TIMEOUT="900",
    )
    url = config.Spawner.environment["BACKSTRETCH_DATABASE_URL"]
    assert url(person("alice", "/home/alice")) == "postgresql+psycopg://alice@db:5432/backstretch"
    assert url(person("a/b", "/x")) == "postgresql+psycopg://a%2Fb@db:5432/backstretch"
    assert config.JupyterHub.services[0]["command"][-2:] == ["--timeout=900", "--cull-every=300"]


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql+psycopg://alice:secret@db/backstretch", "must contain {username}"),
        ("postgresql+psycopg://{username}:secret@db/backstretch", "holds a password"),
    ],
)
def test_a_url_with_a_password_or_one_role_for_all_is_refused(
    monkeypatch, tmp_path, url, says
) -> None:
    """The hub does not start with a password in its configuration, or everyone as one role."""
    with pytest.raises(SystemExit, match=says):
        load(monkeypatch, tmp_path, BACKSTRETCH_HUB_DATABASE_URL=url)
