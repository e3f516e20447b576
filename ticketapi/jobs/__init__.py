"""Background jobs on huey: the queue, failed jobs kept for admins, and the worker."""
