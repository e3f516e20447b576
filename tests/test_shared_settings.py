"""Settings both halves read mean the same to `helpdesk build`, plain `pelican` and the ticketapi.

SPEC §3: the search index, the site URL and the portal folder. Each test sets a HELPDESK_
variable once, builds the way a writer or a deployment does, then starts the ticketapi with
the same environment and checks that it finds what the build wrote.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from helpdesk import ENGINE_ROOT
from helpdesk.cli import main
from helpdesk.search.store import IndexStore
from tests.support.processes import free_port, group_alive, wait_for
from ticketapi import create_app
from ticketapi.cli import upgrade_database
from ticketapi.config import ConfigError

SETTINGS = ["--settings", str(ENGINE_ROOT / "pelicanconf.py")]
BIN = Path(sys.executable).parent


@pytest.fixture
def environment(monkeypatch):
    """No HELPDESK_ variable of the machine's leaks in; the test sets the ones it means."""
    for name in [name for name in os.environ if name.startswith("HELPDESK_")]:
        monkeypatch.delenv(name)

    def set_variables(**values: str) -> dict[str, str]:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        return {**os.environ}

    return set_variables


def ticketapi(tmp_path: Path, **config):
    """The ticketapi as `helpdesk serve` makes it: configured by the environment alone."""
    instance = tmp_path / "instance"
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_DIR": str(instance),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'helpdesk.db'}",
            **config,
        }
    )
    with app.app_context():
        upgrade_database()  # search looks up the usergroups of whoever asks
    return app


def found(app, query: str) -> list[str]:
    response = app.test_client().get(f"/api/v1/search?q={query}")
    assert response.status_code == 200, response.json
    return [result["url"] for result in response.json["results"]]


def plain_pelican(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """`pelican content` as a writer runs it, with a settings file that uses the engine's.

    A content repository's own settings start from the engine's; only the paths that are
    relative to the engine's folder are named again.
    """
    # Not named pelicanconf.py: Pelican imports a settings file under its own file name.
    (root / "writerconf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ENGINE_ROOT)!r})\n"
        "from pelicanconf import *  # noqa: F403\n"
        f"THEME = {str(ENGINE_ROOT / 'theme')!r}\n"
        f"PLUGIN_PATHS = [{str(ENGINE_ROOT / 'plugins')!r}]\n"
        "GLOSSARY_FILE = 'glossary.yml'\n"
    )
    # In a process of its own: Pelican's plugin signals stay connected for a process's life.
    return subprocess.run(
        [str(BIN / "pelican"), "content", "-s", "writerconf.py", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_helpdesk_build_writes_the_search_index_the_ticketapi_reads(
    site, runner, environment, tmp_path
):
    index = tmp_path / "private" / "search-index"
    environment(HELPDESK_SEARCH_INDEX=str(index))
    result = runner.invoke(main, ["build", *SETTINGS])
    assert result.exit_code == 0, result.output
    assert IndexStore(index).current() is not None
    assert not (site.root / "search-index").exists(), "no second index beside the output"
    assert found(ticketapi(tmp_path), "refund") == ["/kb/billing/refunds/", "/news/launch/"]


def test_plain_pelican_writes_the_search_index_the_ticketapi_reads(site, environment, tmp_path):
    index = tmp_path / "private" / "search-index"
    env = environment(HELPDESK_SEARCH_INDEX=str(index))
    built = plain_pelican(site.root, env, "-o", "output")
    assert built.returncode == 0, built.stdout + built.stderr
    assert IndexStore(index).current() is not None
    assert found(ticketapi(tmp_path), "invoices")[0] == "/kb/billing/invoices/"


def test_the_portal_folder_is_where_both_build_and_serve_look(site, runner, environment, tmp_path):
    portal = tmp_path / "srv" / "portal"
    environment(HELPDESK_PORTAL_DIR=str(portal))
    result = runner.invoke(main, ["build", *SETTINGS])  # no --output
    assert result.exit_code == 0, result.output
    assert not (site.root / "output").exists()
    assert (portal / "kb" / "billing" / "refunds" / "index.html").is_file()
    app = ticketapi(tmp_path, SERVE_PORTAL=True)
    page = app.test_client().get("/kb/billing/refunds/")
    assert page.status_code == 200 and b"Ask for a refund" in page.data
    page.close()
    # The index goes beside the portal folder, where the ticketapi looks by default.
    assert found(app, "refund") == ["/kb/billing/refunds/", "/news/launch/"]


def test_the_command_line_folder_wins_over_the_variable(site, runner, environment, tmp_path):
    environment(HELPDESK_PORTAL_DIR=str(tmp_path / "from-variable"))
    result = runner.invoke(main, ["build", *SETTINGS, "--output", "from-flag"])
    assert result.exit_code == 0, result.output
    assert (site.root / "from-flag" / "index.html").is_file()
    assert not (tmp_path / "from-variable").exists()


def test_plain_pelican_builds_into_the_portal_folder(site, environment, tmp_path):
    portal = tmp_path / "srv" / "portal"
    env = environment(HELPDESK_PORTAL_DIR=str(portal))
    built = plain_pelican(site.root, env)  # no -o: the variable decides, as for `helpdesk serve`
    assert built.returncode == 0, built.stdout + built.stderr
    assert (portal / "kb" / "billing" / "refunds" / "index.html").is_file()
    assert not (site.root / "output").exists()
    assert found(ticketapi(tmp_path), "refund") == ["/kb/billing/refunds/", "/news/launch/"]


def test_the_site_url_is_the_same_address_in_the_sitemap_and_in_search_links(
    site, runner, environment, tmp_path
):
    environment(HELPDESK_SITE_URL="https://help.acme.example/")
    assert runner.invoke(main, ["build", *SETTINGS]).exit_code == 0
    sitemap = (site.root / "output" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://help.acme.example/kb/billing/refunds/</loc>" in sitemap
    # Asked at the portal's own address: the only host the ticketapi then answers for.
    response = (
        ticketapi(tmp_path)
        .test_client()
        .get("/api/v1/search?q=refund", headers={"Host": "help.acme.example"})
    )
    assert response.json["results"][0]["link"] == "https://help.acme.example/kb/billing/refunds/"


@pytest.mark.parametrize(
    "value",
    ["help.acme.example", "ftp://help.acme.example", "https://", "https://acme.example/help"],
)
def test_a_site_url_neither_half_can_use_is_refused_by_both(
    site, runner, environment, tmp_path, value
):
    environment(HELPDESK_SITE_URL=value)
    result = runner.invoke(main, ["build", *SETTINGS])
    assert result.exit_code == 2
    assert f"HELPDESK_SITE_URL={value!r}" in result.output
    assert "Traceback" not in result.output
    assert not (site.root / "output").exists()
    with pytest.raises(ConfigError, match="HELPDESK_SITE_URL"):
        ticketapi(tmp_path)


def test_serve_warns_when_there_is_no_search_index_where_it_looks(environment, tmp_path):
    index = tmp_path / "nowhere" / "search-index"
    env = environment(
        HELPDESK_INSTANCE_DIR=str(tmp_path / "instance"),
        HELPDESK_PORTAL_DIR=str(tmp_path / "portal"),
        HELPDESK_SEARCH_INDEX=str(index),
    )
    server = subprocess.Popen(
        [str(BIN / "helpdesk"), "serve", "--port", str(free_port()), "--no-jobs"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    try:
        assert wait_for(lambda: lines.append(server.stdout.readline()) or "Serving" in lines[-1])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        server.stdout.close()
    assert not group_alive(server.pid)
    output = "".join(lines)
    assert f"No search index in {index}" in output
    assert "HELPDESK_SEARCH_INDEX" in output
