"""A setting as `portal.settings` makes it from an environment: read in a fresh Python, since
the settings are computed once, at import."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setting_with(expression: str, *, without: tuple[str, ...] = (), **env):
    """`expression` (e.g. "settings.SESSION_ENGINE") evaluated with this process's
    environment less `without`, plus `env`; its value as JSON gives it back."""
    environment = {k: v for k, v in os.environ.items() if k not in without} | env
    environment["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    code = f"import json; from django.conf import settings; print(json.dumps({expression}))"
    found = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(found.stdout)
