"""Two worker processes at once, on one database: each reminder still goes once.

Real `manage.py run_worker --once` processes, started together against the test database,
each keeping the schedule and taking tasks from the shared queue (`SELECT … FOR UPDATE SKIP
LOCKED`). The reminder job is queued several times so that both workers run it at the same
moment; the unique `SentReminder` row decides who sends. Needs a database two processes can
share: PostgreSQL, as in CI (`.ci/run`)."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from grants import tasks as grant_tasks
from grants.models import Application, Pool, PoolStatus
from policies.models import Policy
from portal.models import Department, Municipality, Role, User
from worker.models import MailStatus, OutgoingMail, ScheduledRun, SentReminder

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two processes need a shared database (PostgreSQL)"
)


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_a_reminder_once():
    municipality = Municipality.objects.create(name="Testrup Kommune", slug="testrup", code="998")
    department = Department.objects.create(municipality=municipality, name="Center for Integration")
    caseworker = User.objects.create_user(
        username="cw",
        email="cw@example.dk",
        role=Role.CASEWORKER,
        municipality=municipality,
        department=department,
    )
    policy = Policy.objects.create(
        municipality=municipality,
        title="Politik",
        slug="politik",
        period_start=2025,
        period_end=2028,
    )
    pool = Pool.objects.create(
        municipality=municipality,
        policy=policy,
        year=2026,
        title="Integrationspuljen",
        budget=100000,
        status=PoolStatus.OPEN,
        application_deadline=timezone.now() + datetime.timedelta(days=10),
    )
    Application.objects.create(
        municipality=municipality,
        pool=pool,
        department=department,
        created_by=caseworker,
        title="Lektiecafé",
    )
    for _ in range(6):
        grant_tasks.send_reminders.enqueue()

    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "tests.settings"}
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--once", "--worker-id", f"w{n}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in (1, 2)
    ]
    outputs = [worker.communicate(timeout=120)[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs

    reminders = OutgoingMail.objects.filter(kind="reminder_draft_deadline")
    assert [(m.to, m.status) for m in reminders] == [(["cw@example.dk"], MailStatus.SENT)]
    assert SentReminder.objects.filter(user=caseworker).count() == 1
    # Both workers kept the schedule; each job's slot was started by one of them only.
    runs = list(ScheduledRun.objects.values_list("job", "slot"))
    assert len(runs) == len(set(runs))
    assert "pool-dates" in {job for job, _ in runs}, outputs
