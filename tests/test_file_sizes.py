"""Fresh eyes round 34: file sizes read "45 bytes" and "2,4 MB" (Django's binary units) beside
the limit's "højst 10 MB" and the refusal's "(2,5 MB)". One way, in decimal units with a Danish
comma, on every page that lists files (no template uses Django's filesizeformat)."""

from pathlib import Path

import pytest
from django.utils import translation

from portal.numbers import format_file_size

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.mark.parametrize(
    "size, said",
    [
        (45, "45 byte"),
        (1, "1 byte"),
        (12_345, "12,3 kB"),
        (2_500_000, "2,5 MB"),
        (2_000_000, "2 MB"),
    ],
)
def test_sizes_are_said_as_the_limits_are(size, said):
    with translation.override("da"):
        assert format_file_size(size) == said


def test_no_template_uses_djangos_binary_sizes():
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "filesizeformat" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
