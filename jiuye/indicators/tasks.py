"""Background tasks of the indicators app (run by ``manage.py db_worker``)."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from jiuye.indicators import services


@task()
def recompute_stale_periods() -> list[str]:
    return [p.strftime("%Y-%m") for p in services.recompute_stale()]


def enqueue_recompute() -> None:
    """Queue one recompute unless one is already waiting (an import commits a batch every few
    seconds; a waiting task will pick up every month marked before it starts)."""
    if settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        path = f"{recompute_stale_periods.func.__module__}.{recompute_stale_periods.func.__qualname__}"
        if DBTaskResult.objects.filter(task_path=path, status="READY").exists():
            return
    recompute_stale_periods.enqueue()
