"""Test settings: the production settings with test-only conveniences.

The database still comes from DATABASE_URL (PostgreSQL in CI), SQLite otherwise.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")

from portal.settings import *  # noqa: E402,F403
from portal.settings import STORAGES  # noqa: E402

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Two-factor login is tested explicitly (tests/test_two_factor.py); elsewhere staff log in
# with force_login.
REQUIRE_STAFF_2FA = False
# The demo data is the tests' common ground (tests/conftest.py), whatever DEBUG says.
if "demo" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405
# Absolute links take the test client's host (http://testserver) unless a test sets it.
PORTAL_BASE_URL = ""
# Generated open-data files of this test run only (the machine's temporary directory is shared).
OPEN_DATA_FILES_DIR = tempfile.mkdtemp(prefix="opendata-files-")
# Every prepared query's call also builds its queryset and checks the SQL it sends
# (portal.prepared_queries): a value kept from the first call would fail the test that
# meets it.
PREPARED_QUERIES_VERIFY = True
