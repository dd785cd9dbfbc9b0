"""Background tasks of the imports app (run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from jiuye.imports import services
from jiuye.imports.models import ImportJob


@task()
def run_import_job(job_id: int) -> None:
    job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)
    services.import_run(job=job)
