"""Jobs declare themselves: every module with a `@job` is found without a list kept by hand."""

from __future__ import annotations

import importlib
import pkgutil

import ticketapi
from ticketapi.jobs.queue import JOB_MODULES, JOBS, declaring_modules


def every_ticketapi_module() -> list[str]:
    return [
        module.name
        for module in pkgutil.walk_packages(ticketapi.__path__, "ticketapi.")
        if not module.name.startswith("ticketapi.migrations")
    ]


def test_every_module_that_declares_a_job_is_imported_by_the_queue():
    for name in every_ticketapi_module():
        importlib.import_module(name)
    declared_in = {job.function.__module__ for job in JOBS.values()}

    assert {name for name in declared_in if name.startswith("ticketapi.")} == set(JOB_MODULES)


def test_a_new_module_with_a_job_is_found(tmp_path):
    package = tmp_path / "ticketapi"
    (package / "reports").mkdir(parents=True)
    (package / "reports" / "weekly.py").write_text(
        'from ticketapi.jobs.queue import job\n\n\n@job("reports.weekly")\ndef weekly():\n    pass\n'
    )
    (package / "reports" / "views.py").write_text('"""Mentions @job in a docstring only."""\n')
    (package / "migrations").mkdir()
    (package / "migrations" / "env.py").write_text("@job\ndef never(): ...\n")

    assert declaring_modules(package) == ("ticketapi.reports.weekly",)
