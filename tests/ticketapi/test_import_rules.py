"""Which part of the ticketapi may import which: the table below, checked on every import.

Imports inside functions count like any other (a cycle hidden in a function is still a
cycle). The units are the folders and top-level modules of ticketapi/ (migrations aside):
* SHARED: the foundations every domain may use; they import only each other.
* ASSEMBLY: what puts the app together (create_app, the commands, the subscriptions);
  they may import anything, and nothing but each other imports them.
* the domains: each may import the shared modules and the domains ALLOWED names.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "ticketapi"

SHARED = {
    "core", "api", "errors", "extensions", "permissions", "schemas", "pagination", "text",
    "timeutil", "versions", "sqlhints", "bulk", "http_headers", "json_body", "rate_limits",
}  # fmt: skip
# mail_cli: the mail-in commands (ingest, smtpd, fetch-mail), beside cli.py's.
ASSEMBLY = {
    "__init__", "cli", "mail_cli", "config", "demo", "admin", "server", "site", "subscriptions",
}  # fmt: skip

ALLOWED: dict[str, set[str]] = {
    "mail": {"jobs"},  # sending is a job
    "jobs": {"auth"},  # views: the signed-in admin
    "auth": {"people", "jobs", "mail"},  # accounts are people's; reset links are mailed
    "people": {"auth"},  # passwords, and ending sign-ins when one changes
    "settings": {"auth", "people"},
    "tickets": {"auth", "people", "settings", "jobs", "mail"},
    "slas": {"auth", "people", "tickets", "jobs"},
    "notifications": {"auth", "people", "tickets", "slas", "jobs", "mail"},
    "snippets": {"auth", "people", "tickets"},
    "tasks": {"auth", "people", "tickets"},
    "community": {"auth", "people", "tickets"},  # tickets' sanitizing of bodies
    # Mail in becomes tickets and replies (tickets/by_email.py), by people, acknowledged by
    # outbound mail, parsed by a job.
    "inbound": {"auth", "people", "tickets", "jobs", "mail"},
    "search": {"auth"},
    "portal": {"auth", "people", "tickets", "search"},
    # The agents' pages sit on every domain, as the portal's do on theirs; the error pages
    # share the portal's family; the reset form shares the API's rate-limit scopes; the
    # email admin pages sit on inbound's services.
    "agent": {"portal", "auth", "people", "tickets", "slas", "search", "snippets", "tasks"}
    | {"inbound"},
}
# Subscribers that live inside the domain whose events they hear (the ticket search index):
# the assembly subscribes them, and no module of that domain imports them but the ones named
# (search_query reads the index for `q`: its table's name and engine).
INNER_SUBSCRIBERS = {"ticketapi.tickets.search": {"ticketapi.tickets.search_query"}}
# Two domains that import each other, each for a different layer (views of one, services of
# the other). Any other pair is a new cycle: untie it rather than list it here.
KNOWN_TWO_WAY = {frozenset({"auth", "people"}), frozenset({"auth", "jobs"})}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources() -> dict[str, str]:
    """Every module of ticketapi/ (the migrations aside), by dotted name."""
    return {
        module_name(path): path.read_text(encoding="utf-8")
        for path in sorted(ROOT.rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
    }


def imported(module: str, source: str, known: Iterable[str]) -> set[str]:
    """The ticketapi modules `module` imports anywhere in its text, functions included."""
    known = set(known)
    is_package = any(other.startswith(f"{module}.") for other in known)
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package up
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            # `from ticketapi.x import y`: y may be a module of x, or a name defined in x.
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != "ticketapi" and name != module:
                found.add(name)
    return found


def unit(module: str) -> str:
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def violations(modules: dict[str, str]) -> list[str]:
    """Every import the table does not allow, as `importer -> imported: why`."""
    known = set(modules)
    found = []
    for module, source in modules.items():
        importer = unit(module)
        for target in sorted(imported(module, source, known)):
            wanted = unit(target)
            if wanted == importer or importer in ASSEMBLY:
                continue
            if importer not in SHARED and importer not in ALLOWED:
                found.append(f"{module} -> {target}: {importer} is not in the table")
            elif wanted in ASSEMBLY:
                found.append(f"{module} -> {target}: only the assembly imports {wanted}")
            elif wanted in SHARED:
                continue
            elif importer in SHARED:
                found.append(f"{module} -> {target}: a shared module imports a domain")
            elif wanted not in ALLOWED[importer]:
                found.append(f"{module} -> {target}: {importer} may not import {wanted}")
    return found


def cycles(modules: dict[str, str]) -> list[list[str]]:
    """Groups of modules that import each other, directly or around a loop (Tarjan)."""
    known = set(modules)
    graph = {module: imported(module, source, known) for module, source in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in graph.get(module, ()):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while (member := stack.pop()) != module:
                group.append(member)
            if group:
                found.append(sorted([module, *group]))

    for module in graph:
        if module not in index:
            visit(module)
    return found


# The rules of today's code.


def test_every_import_between_the_parts_of_the_ticketapi_is_allowed():
    assert violations(sources()) == []


def test_no_modules_import_each_other_even_inside_functions():
    assert cycles(sources()) == []


def test_the_table_names_every_folder_and_module():
    units = {unit(module) for module in sources()}
    assert units - SHARED - ASSEMBLY - set(ALLOWED) == set()
    assert set(ALLOWED) - units == set()


def test_the_only_domains_allowed_to_import_each_other_are_the_known_pairs():
    two_way = {
        frozenset({domain, other})
        for domain, others in ALLOWED.items()
        for other in others
        if domain in ALLOWED.get(other, ())
    }
    assert two_way == KNOWN_TWO_WAY


def test_a_domain_does_not_import_the_subscribers_that_live_inside_it():
    modules = sources()
    found = [
        f"{module} -> {target}"
        for module, source in modules.items()
        for target in imported(module, source, modules)
        if target in INNER_SUBSCRIBERS
        and unit(module) == unit(target)
        and module not in INNER_SUBSCRIBERS[target]
    ]

    assert found == []


@pytest.mark.parametrize(
    ("announcer", "subscriber"),
    [
        ("tickets", "slas"),
        ("tickets", "notifications"),
        ("people", "tickets"),
        ("slas", "notifications"),
    ],
)
def test_a_domain_that_announces_changes_imports_none_of_its_subscribers(announcer, subscriber):
    assert subscriber not in ALLOWED[announcer]


# The checks themselves, on made-up modules: each catches what it is for.


def made_up(**sources_by_module: str) -> dict[str, str]:
    modules = {"ticketapi": "", "ticketapi.errors": ""}
    for name in ("tickets", "slas", "people"):
        modules[f"ticketapi.{name}"] = ""
    modules.update({name.replace("__", "."): text for name, text in sources_by_module.items()})
    return modules


def test_an_import_inside_a_function_is_caught():
    modules = made_up(
        ticketapi__slas__tracking="",
        ticketapi__tickets__services=(
            "def opened():\n    from ticketapi.slas import tracking\n    tracking.follow()\n"
        ),
    )

    assert violations(modules) == [
        "ticketapi.tickets.services -> ticketapi.slas.tracking: tickets may not import slas"
    ]


@pytest.mark.parametrize(
    "statement",
    [
        "import ticketapi.slas.tracking",
        "from ticketapi.slas import tracking",
        "from ticketapi.slas.tracking import follow",
        "from ..slas import tracking",
    ],
)
def test_every_spelling_of_an_import_is_caught(statement):
    modules = made_up(ticketapi__slas__tracking="", ticketapi__tickets__services=statement)

    assert len(violations(modules)) == 1


@pytest.mark.parametrize("module", ["models", "clock"])
def test_tickets_may_not_import_even_the_sla_clock_rows(module):
    modules = made_up(
        **{f"ticketapi__slas__{module}": ""},
        ticketapi__tickets__models=f"from ticketapi.slas.{module} import TicketSla\n",
    )

    assert violations(modules) == [
        f"ticketapi.tickets.models -> ticketapi.slas.{module}: tickets may not import slas"
    ]


def test_a_shared_module_that_imports_a_domain_is_caught():
    modules = made_up(ticketapi__errors="from ticketapi.tickets import models\n")
    modules["ticketapi.tickets.models"] = ""

    assert violations(modules) == [
        "ticketapi.errors -> ticketapi.tickets.models: a shared module imports a domain"
    ]


def test_a_cycle_through_a_function_import_is_caught():
    modules = made_up(
        ticketapi__tickets__services="from ticketapi.people import services\n",
        ticketapi__people__services="def renamed():\n    from ticketapi.tickets import services\n",
    )

    assert cycles(modules) == [["ticketapi.people.services", "ticketapi.tickets.services"]]
