"""Every character a user can type comes out of every PDF the portal makes.

The test walks the URL configuration like tests/test_downloads.py, after every free-text field
holds text with arrows, dashes, Danish and German quotes, the euro sign, emoji and Greek,
Arabic and Polish letters, and reads each generated PDF back with pypdf: each character must
be in the extracted text, or (for what the embedded font has no glyph for, here CJK and newer
emoji) the visible replacement character must be. Bitstream Vera printed "Mere sprog → flere
job." as "Mere sprog   flere job." (an empty glyph).
"""

import re
from io import BytesIO

from django.apps import apps
from django.core.cache import caches
from django.db import models
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from pypdf import PdfReader

from grants.models import Application
from grants.services.letters import issue_letters
from portal.models import User
from tests.test_downloads import (
    NOT_TEXT,
    arguments,
    body,
    first_answer,
    kind_of,
    objects,  # noqa: F401 - the fixture
    url_patterns,
)

TYPED = "Mere sprog → flere job — „citat“ »citat« 5 € 😀 Ωμέγα عربي Łódź 中 🚀"
# What DejaVu Sans has no glyph for, and what lies beyond the Basic Multilingual Plane
# (ReportLab cannot map it back to text): printed as the replacement character.
NO_GLYPH = {"中", "🚀", "😀"}
REPLACEMENT = "\ufffd"
# The generated PDFs; the attachments are the users' own files, passed on unchanged.
GENERATED = {
    "mine:pdf",
    "mine:letter",
    "sekretariat:letter",
    "dokumenter:action-plan-pdf",
    "dokumenter:recommendation-pdf",
}


def plant_typed_text() -> None:
    """Every free-text field of every row starts with TYPED (cut to the field's length)."""
    for app in ("portal", "grants", "policies", "indicators"):
        for model in apps.get_app_config(app).get_models():
            if model._meta.proxy or model.__name__.startswith("Historical"):
                continue
            if not isinstance(model._meta.pk, models.AutoField):  # e.g. the search words
                continue
            for field in model._meta.concrete_fields:
                if (
                    isinstance(field, models.CharField | models.TextField)
                    and not field.choices
                    and field.name not in NOT_TEXT
                ):
                    # Plus the row's id, so unique names stay unique.
                    text = TYPED[: field.max_length - 8] if field.max_length else TYPED
                    id_text = Cast("pk", models.CharField())
                    model.objects.update(**{field.name: Concat(models.Value(text + " "), id_text)})
    for cache in caches.all():
        cache.clear()


def extracted(content: bytes) -> str:
    reader = PdfReader(BytesIO(content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_every_character_typed_comes_out_of_every_generated_pdf(objects):  # noqa: F811
    plant_typed_text()
    funded = Application.objects.get(pk=objects["ansoegninger"])
    staff = User.objects.get(username="frb-sekretariat")
    # The letters are made when issued: issue them again from the planted text.
    letters = issue_letters(decision=funded.decision, actor=staff)
    assert len(letters) >= 2  # the decision letter and the cooperation agreement
    found = set()
    for letter in letters:
        for name in ("mine:letter", "sekretariat:letter"):
            objects["breve"] = letter.pk
            found |= check_pdfs(objects, only={name}, label=f"{name} {letter}")
    found |= check_pdfs(objects, only=GENERATED - {"mine:letter", "sekretariat:letter"})
    assert found == GENERATED


def check_pdfs(objects, *, only: set[str], label: str = "") -> set[str]:  # noqa: F811
    checked = set()
    for name, route, _pattern in url_patterns():
        if name not in only:
            continue
        response = first_answer(reverse(name, kwargs=arguments(route, objects)))
        assert response is not None and kind_of(response) == "pdf", name
        text = extracted(body(response))
        missing = [
            c
            for c in TYPED.replace(" ", "")
            if c not in text and not (c in NO_GLYPH and REPLACEMENT in text)
        ]
        assert missing == [], f"{label or name}: {missing}"
        checked.add(name)
    return checked


def test_line_breaks_typed_stay_line_breaks(client, caseworker, make_application):
    """The font check took a line break for a character without a glyph and dropped it:
    every paragraph and list in every PDF ran together on one line."""
    from grants.documents.pdf import printable

    assert printable("Første linje\nAnden linje") == "Første linje\nAnden linje"
    application = make_application(
        created_by=caseworker, description="Første linje\nAnden linje\n\nTredje afsnit"
    )
    client.force_login(caseworker)
    response = client.get(reverse("mine:pdf", args=[application.pk]))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    reader = PdfReader(BytesIO(content))
    lines = [line.strip() for page in reader.pages for line in page.extract_text().splitlines()]
    assert "Første linje" in lines and "Anden linje" in lines and "Tredje afsnit" in lines
