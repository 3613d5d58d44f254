"""jupyterhub-idle-culler's config in the hub test: cull only the test's idle person."""

import os

c = get_config()  # noqa: F821 - the culler's traitlets loader provides get_config
IDLE_USER_URL = f"/user/{os.environ['BACKSTRETCH_TEST_CULL_ONLY']}/"


def cull_only_the_idle_user(*, inactive, inactive_limit, server, **kwargs):
    """The culler's own rule (idle for the timeout), applied to one person's server."""
    if inactive is None or server["url"] != IDLE_USER_URL:
        return False
    return inactive.total_seconds() >= inactive_limit


c.IdleCuller.cull_arbiter_hook = cull_only_the_idle_user
