"""Running the real background worker inside a test.

`run_worker()` runs `manage.py run_worker --once`'s loop (worker.management.commands.run_worker:
django-tasks-db's own worker claims, runs and records every ready task) in the test's
thread, so it sees the test's rows. Only the library's `close_old_connections` is switched off
for the call: inside a test's transaction it would close the test's own connection.

The `mailoutbox` fixture (tests/conftest.py) runs the worker's queue before it is read, so every
test that looks at sent mail sees what the worker delivered, through the real backend."""

import io
from unittest import mock

from worker.management.commands.run_worker import WorkerLoop

DB_WORKER = "django_tasks_db.management.commands.db_worker.close_old_connections"


def run_worker(*, schedule: bool = False) -> None:
    """Run every ready task (and, with `schedule`, start the scheduled jobs that are due
    first), as one pass of the worker process does."""
    loop = WorkerLoop(worker_id="test-worker", interval=0, once=True, out=io.StringIO())
    with mock.patch(DB_WORKER, lambda: None):
        if schedule:
            loop.run()
        else:
            loop.drain()


class WorkerOutbox:
    """Django's test outbox, read after the worker has delivered what is queued."""

    def __init__(self, outbox: list):
        self._outbox = outbox

    def _delivered(self) -> list:
        run_worker()
        return self._outbox

    def __iter__(self):
        return iter(self._delivered())

    def __len__(self):
        return len(self._delivered())

    def __getitem__(self, index):
        return self._delivered()[index]

    def __eq__(self, other):
        return self._delivered() == other

    def __bool__(self):
        return bool(self._delivered())

    def __repr__(self):
        return repr(self._outbox)

    def clear(self):
        self._delivered().clear()
