"""Progress on a terminal, silence elsewhere: CI logs get only problems and the summary."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)


class Steps:
    """A rich progress display that shows named steps, or nothing when not on a terminal."""

    def __init__(self, console: Console | None = None):
        self.console = console or Console(stderr=True)
        self._progress: Progress | None = None

    @contextmanager
    def running(self) -> Iterator[Steps]:
        if not self.console.is_terminal:
            yield self
            return
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        with self._progress:
            yield self
        self._progress = None

    def step(self, description: str, total: int | None = None):
        """Start a step; returns a function that advances it by one."""
        if self._progress is None:
            return lambda *args, **kwargs: None
        for task in self._progress.tasks:
            if not task.finished:
                self._progress.update(task.id, total=task.completed, completed=task.completed)
        task_id = self._progress.add_task(description, total=total)
        progress = self._progress
        return lambda *args, **kwargs: progress.advance(task_id)
