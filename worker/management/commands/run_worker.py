"""The background worker: runs queued tasks (django-tasks-db's worker loop) and keeps the
schedule (worker.schedule). Run one or more in production (docs/deployment.md); `make run`
starts one beside the development server."""

import os
import signal
import sys
import time
from argparse import BooleanOptionalAction

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from worker.schedule import enqueue_due

SCHEDULE_EVERY_SECONDS = 30


class Command(BaseCommand):
    help = "Run the background worker: queued tasks (mail, reminders) and the schedule."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds to wait when the queue is empty"
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="start what the schedule says is due, run every ready task, then stop",
        )
        parser.add_argument("--worker-id", default="", help="unique per worker (default: random)")
        parser.add_argument(
            "--reload",
            action=BooleanOptionalAction,
            default=None,
            help="restart on code changes (default: on with DEBUG, never with --once)",
        )

    def handle(self, *args, interval=1.0, once=False, worker_id="", reload=None, **options):
        worker_id = worker_id or f"{os.uname().nodename[:40]}-{get_random_string(8)}"
        reload = settings.DEBUG if reload is None else reload
        loop = WorkerLoop(worker_id=worker_id, interval=interval, once=once, out=self.stdout)
        if once:
            loop.run()
        elif reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                loop.configure_signals()
            run_with_reloader(loop.run)
        else:
            loop.configure_signals()
            loop.run()


class WorkerLoop:
    """Drain the queue with the library's own worker (batch mode: claim, run, record each
    ready task under `SELECT … FOR UPDATE SKIP LOCKED`), start due scheduled jobs, wait."""

    def __init__(self, *, worker_id: str, interval: float, once: bool, out):
        self.worker_id = worker_id
        self.interval = interval
        self.once = once
        self.out = out
        self.running = True
        self.busy = False
        self.last_schedule = 0.0
        self.current = None  # the library's worker draining the queue now

    def configure_signals(self):
        for name in ("SIGINT", "SIGTERM", "SIGQUIT"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), self.stop)

    def stop(self, signum, frame):
        if not self.busy:
            sys.exit(0)
        # Let the task that is running finish, then stop (no further task of the batch);
        # a second signal ends it at once.
        self.running = False
        if self.current is not None:
            self.current.running = False
        signal.signal(signum, signal.SIG_DFL)

    def run(self):
        self.out.write(f"Worker {self.worker_id} started")
        while self.running:
            if self.once or time.monotonic() - self.last_schedule >= SCHEDULE_EVERY_SECONDS:
                self.last_schedule = time.monotonic()
                for name in enqueue_due():
                    self.out.write(f"Scheduled job started: {name}")
            self.busy = True
            try:
                self.drain()
            finally:
                self.busy = False
            if self.once:
                return
            time.sleep(self.interval)

    def drain(self):
        self.current = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )
        self.current.run()
