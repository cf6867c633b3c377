"""The action plan's PDF asks the database the same number of times however many projects
the plan has (its queries are prefetches, never one per project; docs/performance.md,
"The action plan PDF")."""

from decimal import Decimal
from io import BytesIO

from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from grants.models import Pool
from portal.models import User
from tests.test_opendata import fund


def pdf(pool: Pool) -> tuple[int, str]:
    staff = Client()
    staff.force_login(User.objects.get(username="frb-sekretariat"))
    with CaptureQueriesContext(connection) as queries:
        response = staff.get(f"/sekretariat/handleplaner/{pool.action_plan_id}/handleplan.pdf")
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    return len(queries.captured_queries), text


def test_action_plan_pdf_queries_do_not_grow_with_its_projects(demo, make_application):
    pool = Pool.objects.filter(municipality__slug="frederiksberg", action_plan__isnull=False)
    pool = pool.exclude(budget=None).order_by("-year").first()
    before, _text = pdf(pool)
    Pool.objects.filter(pk=pool.pk).update(budget=F("budget") + Decimal("1000000"))
    for number in range(3):
        fund(make_application(target_pool=pool, title=f"Nyt projekt {number}"))
    after, text = pdf(pool)
    assert "Nyt projekt 2" in text
    assert after == before <= 20
