"""Sent when a job reaches one of its final states, so apps above `jobs` can react (notify its owner)
without the worker importing them."""

from django.dispatch import Signal

# Sent with `job` (the Job row, reloaded after its final update). Receivers must not raise: the job
# has already ended, and the worker goes on with the next one whatever they do.
job_finished = Signal()
