"""Pools open and close themselves at their dates, through the same service staff use
(`do_set_pool_status`), acting as the system (no user), so the change is checked against the
action table and recorded in the pool's history like any other.

Each date acts once: a `ScheduledRun` row per pool and date (unique) records that it was
acted on. So staff who reopen a pool after its deadline keep it open, and moving the
deadline (or the opening time) arms it again."""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from grants.models import Pool, PoolStatus
from grants.services.errors import DomainError
from grants.services.pools import do_set_pool_status
from worker.models import ScheduledRun

logger = logging.getLogger(__name__)


def _once(job: str, when: datetime.datetime) -> bool:
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(job=job, slot=when.strftime("%Y-%m-%dT%H:%M"))
    except IntegrityError:
        return False
    return True


def _act(pool: Pool, status: str, job: str, when: datetime.datetime) -> bool:
    try:
        with transaction.atomic():
            if not _once(job, when):
                return False
            do_set_pool_status(pool_id=pool.pk, actor=None, status=status)
    except DomainError as error:
        # E.g. a pool without a budget cannot open: staff see it still planned, and the
        # log says why. The date is not marked as done, so it opens once it is complete.
        logger.warning("Pool %s was not set to %s at its date: %s", pool.pk, status, error)
        return False
    logger.info("Pool %s set to %s at its date", pool.pk, status)
    return True


def open_and_close_pools(now: datetime.datetime | None = None) -> int:
    """Open planned pools whose opening time has come (and whose deadline has not passed);
    close open pools whose deadline has passed. Returns how many pools changed."""
    now = now or timezone.now()
    changed = 0
    for pool in Pool.objects.filter(
        status=PoolStatus.PLANNED, opens_at__lte=now, application_deadline__gt=now
    ):
        changed += _act(pool, PoolStatus.OPEN, f"pool-open:{pool.pk}", pool.opens_at)
    for pool in Pool.objects.filter(status=PoolStatus.OPEN, application_deadline__lte=now):
        changed += _act(pool, PoolStatus.CLOSED, f"pool-close:{pool.pk}", pool.application_deadline)
    return changed
