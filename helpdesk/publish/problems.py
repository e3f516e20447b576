"""Problems found in content, reported as `path:line: message`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, pinned to a file and line."""

    path: str
    line: int | None
    message: str
    severity: str = ERROR

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        label = "warning: " if self.severity == WARNING else ""
        return f"{where}: {label}{self.message}"


class ContentError(Exception):
    """Content that cannot be read; carries the line it was found on."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def display_path(path: str | os.PathLike) -> str:
    """Show a path relative to the working directory when it lies inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass
class Report:
    """The problems of one check or build, in the order a reader fixes them."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, path: str | os.PathLike, line: int | None, message: str) -> None:
        self.problems.append(Problem(display_path(path), line, message, ERROR))

    def warning(self, path: str | os.PathLike, line: int | None, message: str) -> None:
        self.problems.append(Problem(display_path(path), line, message, WARNING))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.path, p.line or 0, p.message))
