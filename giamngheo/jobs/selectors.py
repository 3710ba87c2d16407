from django.shortcuts import get_object_or_404

from giamngheo.accounts.models import Role, User
from giamngheo.jobs.models import Job, WorkerHeartbeat


def job_list(*, actor: User):
    """A job's parameters and messages may name households: only its owner (or an admin) sees it."""
    jobs = Job.objects.select_related("owner")
    return jobs if actor.role == Role.SYSTEM_ADMIN else jobs.filter(owner=actor)


def job_get(*, actor: User, pk: int) -> Job:
    return get_object_or_404(job_list(actor=actor), pk=pk)


def worker_alive() -> bool:
    """Whether any `giamngheo worker` is running, so a page can say why a job does not start."""
    return any(heartbeat.is_alive() for heartbeat in WorkerHeartbeat.objects.all())
