"""The test's overlay on deploy/jupyterhub_config.py: the same hub, with test logins and homes.

``jupyterhub -f tests/hub/hub_config.py`` loads the clinic configuration first, then changes
only what a test machine cannot have (Unix accounts, PAM, a long idle timeout), so the test
runs the deployed proxy, single-user command, Voila, database settings and culler service.
Everything specific to one run comes from environment variables set by conftest.py.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 - JupyterHub puts get_config in this file's namespace
load_subconfig(str(Path(__file__).resolve().parents[2] / "deploy" / "jupyterhub_config.py"))  # noqa: F821

# The maintained form of "DummyAuthenticator with a password" (DummyAuthenticator.password
# is deprecated since JupyterHub 5.3): one shared password, only the listed people.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["BACKSTRETCH_TEST_HUB_PASSWORD"]
c.Authenticator.allowed_users = set(os.environ["BACKSTRETCH_TEST_HUB_USERS"].split(","))

# No Unix accounts on a test machine: every server runs as the test's own user, each with a
# home of its own in the test's temporary folder. (So the people are separated by their
# homes and by the hub's permissions here, not by the kernel, as in the clinic.)
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = (
    os.environ["BACKSTRETCH_TEST_HUB_HOMES"] + "/{username}"
)
if os.geteuid() == 0:  # CI runs as root; jupyter_server refuses root unless told
    c.Spawner.args = ["--ServerApp.allow_root=True"]

# The test drives the hub through its REST API with this service's token, as an admin would.
c.JupyterHub.services.append(
    {"name": "hub-test", "api_token": os.environ["BACKSTRETCH_TEST_HUB_TOKEN"]}
)
c.JupyterHub.load_roles.append(
    {
        "name": "hub-test",
        "scopes": [
            "admin:users",
            "admin:servers",
            "tokens",
            "list:users",
            "read:users",
            "list:services",
            "read:services",
        ],
        "services": ["hub-test"],
    }
)

# The deployed culler, with the short timeout the test set in its environment, is told to
# stop only the one person the test leaves idle: the hub learns of the others' activity
# only every few minutes, so a short timeout would stop their servers in mid-test.
for service in c.JupyterHub.services:
    if service["name"] == "idle-culler":
        service["command"].append(f"--config={Path(__file__).with_name('culler_config.py')}")
        service["environment"] = {
            "BACKSTRETCH_TEST_CULL_ONLY": os.environ["BACKSTRETCH_TEST_HUB_IDLE_USER"]
        }
