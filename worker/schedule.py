"""The schedule the worker keeps: which task runs when.

Apps register their jobs in `AppConfig.ready()` with `register(...)`. Every worker process
(`manage.py run_worker`) calls `enqueue_due()` about once a minute; a job is due when its
current slot (today after its hour, or the current interval) has no `ScheduledRun` row yet.
The row and the enqueue happen in one transaction and the row is unique per job and slot, so
with several workers exactly one of them starts each run: the database decides, not a clock
or a lock file. A job that is late (the worker was stopped) runs once when the worker is back.
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    task: object  # a django.tasks Task taking no arguments
    every: datetime.timedelta = datetime.timedelta(days=1)
    at: datetime.time | None = None  # daily jobs: not before this local time

    def slot(self, now: datetime.datetime) -> str | None:
        """The period `now` falls in, or None when a daily job's hour has not come yet."""
        if self.at is not None:
            local = timezone.localtime(now)
            if local.time() < self.at:
                return None
            return local.date().isoformat()
        seconds = int(self.every.total_seconds())
        start = int(now.timestamp()) // seconds * seconds
        return datetime.datetime.fromtimestamp(start, tz=datetime.UTC).strftime("%Y-%m-%dT%H:%M")


JOBS: dict[str, Job] = {}


def register(job: Job) -> None:
    JOBS[job.name] = job


def enqueue_due(now: datetime.datetime | None = None) -> list[str]:
    """Start every job whose current slot has not run yet; returns the names started."""
    now = now or timezone.now()
    started = []
    for job in JOBS.values():
        slot = job.slot(now)
        if slot is None or ScheduledRun.objects.filter(job=job.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, slot=slot)
                # In the same transaction: the database backend writes the task row next to
                # the slot row, so a run is never recorded without its task or vice versa.
                job.task.enqueue()
        except IntegrityError:
            continue  # another worker started this slot a moment ago
        logger.info("Scheduled job %s started for %s", job.name, slot)
        started.append(job.name)
    return started
