"""The portal's own settings plus the benchmark's bare view; nothing else changes.

Used by gunicorn and by every script in bench/ (DJANGO_SETTINGS_MODULE=bench.bench_settings).
"""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"

# bench/run.sh generates its data with `generate_scale_data` (the development-only demo app).
if "demo" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405

# The benchmark records decisions (bench/concurrency.py), which queue notification mails;
# keep them in memory instead of trying an SMTP server on localhost.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

# collectstatic output of the benchmark stays inside bench/ (git-ignored there).
STATIC_ROOT = BASE_DIR / "bench" / ".staticfiles"  # noqa: F405
