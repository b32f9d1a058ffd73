"""Labeling job states (§8.1) and what each means for create, delete and the reaper."""

from __future__ import annotations

INITIALIZING = "Initializing"
IN_PROGRESS = "InProgress"
COMPLETED = "Completed"
FAILED = "Failed"
STOPPING = "Stopping"
STOPPED = "Stopped"

ALL_STATUSES = (INITIALIZING, IN_PROGRESS, COMPLETED, FAILED, STOPPING, STOPPED)
# A job in one of these can be stopped, and bills or occupies workers until it is.
RUNNING_STATUSES = (INITIALIZING, IN_PROGRESS)
# Nothing left to stop: finished, failed, or already on its way out.
SETTLED_STATUSES = (COMPLETED, FAILED, STOPPING, STOPPED)


def needs_stop(status: str) -> bool:
    """Stop only what is running; StopLabelingJob on a settled job is at best a no-op (§8.2)."""
    return status in RUNNING_STATUSES
