"""Installs outside a checkout: the wheel carries every file `helpdesk` reads at run time.

The wheel is built from a copy of the checkout, installed into a new virtual environment,
and run from a folder that is not the checkout, as someone deploying it would.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from helpdesk import ENGINE_ROOT
from tests.support.processes import free_port, group_alive, wait_for

pytestmark = pytest.mark.slow

#: Top-level entries of a checkout that are not the project's source.
NOT_SOURCE = {
    ".git", ".venv", "output", "search-index", "instance", "build", "dist", "tests", "bench",
    "docs", "content", "node_modules", ".pytest_cache", ".ruff_cache", ".hypothesis",
}  # fmt: skip
#: Where the installed package keeps the engine's files (setup.py).
ENGINE = "helpdesk/engine"


def checkout_files(folder: str) -> list[str]:
    """The files of a folder of the checkout, as paths relative to the checkout."""
    return sorted(
        path.relative_to(ENGINE_ROOT).as_posix()
        for path in (ENGINE_ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )


def run(command: list[str], **options) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, **options)
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The project's wheel, built from a copy (a build leaves build/ in the source folder)."""
    source = tmp_path_factory.mktemp("source")
    for entry in ENGINE_ROOT.iterdir():
        if entry.name in NOT_SOURCE or entry.name.endswith(".egg-info"):
            continue
        if entry.is_dir():
            shutil.copytree(
                entry, source / entry.name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(entry, source / entry.name)
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(dist), str(source)])
    (built,) = dist.glob("helpdesk-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A new virtual environment with the wheel and its dependencies; its bin/ folder."""
    venv = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", "--without-pip", "--clear", str(venv)])
    python = venv / "bin" / "python"
    # This environment's pip installs into the new one (pip --python): no pip of its own needed.
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", str(wheel)])
    return venv / "bin"


def test_the_wheel_carries_every_file_the_engine_reads(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    engine = [f"{ENGINE}/{name}" for name in ["pelicanconf.py"]]
    engine += [f"{ENGINE}/{name}" for name in checkout_files("theme") + checkout_files("plugins")]
    # Templates, migrations and whatever else the packages open besides their modules.
    packages = checkout_files("helpdesk") + checkout_files("ticketapi")
    assert sorted(set(engine + packages) - names) == []


def test_an_installed_wheel_sets_up_builds_and_serves_from_another_folder(installed, tmp_path):
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("HELPDESK_", "PYTHON", "VIRTUAL_ENV"))
    }
    env["HELPDESK_INSTANCE_DIR"] = str(workdir / "instance")
    helpdesk = str(installed / "helpdesk")
    where = run(
        [str(installed / "python"), "-c", "import helpdesk; print(helpdesk.ENGINE_ROOT)"],
        cwd=workdir,
        env=env,
    )
    engine = Path(where.stdout.strip())
    assert engine.is_relative_to(installed.parent), "the checkout must not be what runs"

    upgraded = run([helpdesk, "db", "upgrade"], cwd=workdir, env=env)
    assert "✓ The database is at the current schema." in upgraded.stdout
    built = run(
        [helpdesk, "build", "--content", str(ENGINE_ROOT / "content"),
         "--glossary", str(ENGINE_ROOT / "glossary.yml")],
        cwd=workdir,
        env=env,
    )  # fmt: skip
    assert "✓ Built" in built.stdout and "into output/" in built.stdout
    assert (workdir / "output" / "index.html").is_file()
    # The build wrote beside the working folder, nothing into the installed package.
    assert sorted(p.name for p in engine.iterdir() if p.name != "__pycache__") == [
        "pelicanconf.py",
        "plugins",
        "theme",
    ]

    port = free_port()
    server = subprocess.Popen(
        [helpdesk, "serve", "--port", str(port)],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        page = wait_for(lambda: fetch(f"http://127.0.0.1:{port}/portal/search?q=backup"))
        css = fetch(f"http://127.0.0.1:{port}/theme/css/main.css")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert not group_alive(server.pid)
    assert page, f"the server never answered:\n{output}"
    assert '<header class="site-header">' in page
    assert "Tidewater Help Centre</a>" in page
    assert 'href="/kb/getting-started/create-your-first-backup-set/"' in page
    assert css and ".site-header" in css, "the theme's stylesheet is served from the build"
    assert "No search index" not in output and "No built portal" not in output


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode() if response.status == 200 else None
    except (urllib.error.URLError, ConnectionError):
        return None
