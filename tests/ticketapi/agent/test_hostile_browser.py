"""Hostile text on every agent page in real Chromium: 42 known XSS vectors in ticket subjects,
message bodies, user, organization, agent, team, SLA and view names, labels, snippets, task
titles and article titles (hostile.furnish), shown on every family of pages (queues, saved
views and filters, a ticket's summary and page with its previews and search results, the
new ticket page, tasks, the account pages, the error page) without a script running: no
dialog opens and no vector's flag is set."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from helpdesk.search.indexer import index_documents
from tests.ticketapi.agent.hostile import ARTICLES, VECTORS, furnish, label_of
from tests.ticketapi.agent.pages import (
    browser_sign_in,
    serve_agent_pages,
    watched_page,
    with_password,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(app, portal_dir, tmp_path_factory):
    """The served app, its knowledgebase search answering with hostile article titles."""
    index = tmp_path_factory.mktemp("hostile-index") / "search-index"
    index_documents(index, ARTICLES)
    with serve_agent_pages(app, portal_dir, SEARCH_INDEX=str(index)) as url:
        yield url


@pytest.fixture
def hostile(world):
    found = furnish(world)
    with_password(found.agent)
    return found


def problems_of(page) -> list[str]:
    """A dialog, a script error, a failed file: what the page noted (pages.watched_page),
    but the vectors' <img src=x>, kept by the sanitizer (an image is allowed), which 404."""
    return [p for p in page.problems if not p.startswith("404 image ")]


class Visit:
    """One browser tab walking the pages; after each, no dialog and no flag."""

    def __init__(self, page, base_url: str, agent_name: str) -> None:
        self.page, self.base_url, self.agent_name = page, base_url, agent_name
        self.seen: list[str] = []

    def open(self, path: str, *, named: bool = True) -> None:
        self.page.goto(self.base_url + path)
        self.check(path, named=named)

    def check(self, where: str, *, named: bool = True) -> None:
        self.page.wait_for_load_state("load")
        # An autofocus or ontoggle handler runs after the load, were it allowed to.
        self.page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")
        assert self.page.evaluate("window.__xss") is None, where
        assert problems_of(self.page) == [], where
        # The agent's own name is a vector: every workspace page shows it, as text.
        if named:
            expect(self.page.locator(".signed-in-as strong")).to_have_text(self.agent_name)
        self.seen.append(where)


def queues(visit: Visit, hostile) -> None:
    team, views = hostile.team, hostile.view_ids
    label = quote(label_of(VECTORS[7]))
    paths = [
        "/agent/",
        "/agent/?queue=unassigned",
        f"/agent/?queue=team-{team.id}",
        "/agent/?queue=following",
        "/agent/?queue=at-risk",
        "/agent/?queue=status-awaiting_agent",
        "/agent/?queue=status-resolved",
        f"/agent/?queue=view-{views[0]}",  # every view's name is in every page's sidebar
        "/agent/?queue=filter&q=script",
        f"/agent/?queue=filter&label={label}",
        f"/agent/?queue=filter&organization_id={hostile.organizations[3].id}&agent_id=none",
        f"/agent/?queue=team-{team.id}&sort=urgency&page=2",
        f"/agent/?queue=team-{team.id}&ticket={hostile.hub.id}",
    ]
    for path in paths:
        visit.open(path)
    visit.open(f"/agent/?queue=team-{team.id}")
    expect(visit.page.locator(".ticket-list .ticket-subject")).to_have_count(25)
    subjects = visit.page.locator(".ticket-list .ticket-subject").all_inner_texts()
    assert set(subjects) <= set(VECTORS)  # shown as text, each whole
    # A bulk action's result page.
    visit.page.locator(".ticket-select").first.check()
    visit.page.get_by_label("Action", exact=True).select_option("follow")
    visit.page.get_by_role("button", name="Apply to the selected tickets").click()
    visit.check("the bulk result")


def ticket_page(visit: Visit, hostile) -> None:
    page = visit.page
    visit.open(f"/agent/tickets/{hostile.hub.id}?queue=view-{hostile.view_ids[0]}&at=0")
    expect(page.locator(".conversation .message")).to_have_count(1 + len(VECTORS))
    expect(page.locator(".task-list li")).to_have_count(len(VECTORS))
    # Search as you type: snippets and articles, drawn by the script.
    page.get_by_label("Insert a snippet").fill("a")
    expect(page.locator("#snippet-results button").first).to_be_visible()
    page.get_by_label("Link an article").fill("printer")
    expect(page.locator("#article-results button").first).to_contain_text("Printer")
    page.get_by_label("Message (Markdown)").fill("\n\n".join(VECTORS))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview-body")).to_be_visible()
    visit.check("the ticket page: snippets, articles and the preview as you type")
    # The same without the script's help: the form sent as a browser without it sends it.
    for action in ("find_snippets", "find_articles", "preview"):
        with page.expect_navigation():
            page.evaluate(
                """(action) => {
                    const form = document.getElementById("reply");
                    const field = Object.assign(document.createElement("input"),
                        {type: "hidden", name: "action", value: action});
                    form.append(field);
                    form.submit();
                }""",
                action,
            )
        visit.check(f"the ticket page's {action} answer")
    # A stale save: what changed meanwhile, in words, with every hostile name.
    with page.expect_navigation():
        page.evaluate(
            """() => {
            const form = document.querySelector("form.properties");
            form.querySelector('[name="version"]').value = "0";
            form.querySelector('[name="seen"]').value = "0";
            form.querySelector('[name="urgency"]').value = "9";
            form.submit();
        }"""
        )
    expect(page.locator(".stale-choice")).to_be_visible()
    visit.check("the stale-save choice")
    visit.open(f"/agent/tickets/{hostile.tickets[4].id}")


def new_ticket(visit: Visit, hostile) -> None:
    visit.open("/agent/tickets/new")
    visit.page.get_by_label("Find the user by email or name").fill("hostile")
    expect(visit.page.locator("#requester-choices li").nth(9)).to_be_visible()
    visit.check("the new ticket page's people found as you type")
    visit.open("/agent/tickets/new?find=hostile")
    visit.page.get_by_role("button", name="Open the ticket").click()
    visit.check("the new ticket page with its errors")


def task_pages(visit: Visit, hostile) -> None:
    for tab in ("", "?tab=teams", "?tab=today", "?tab=overdue", "?tab=done"):
        visit.open("/agent/tasks" + tab)
    expect(visit.page.locator(".task-title").first).to_be_visible()
    visit.open(f"/agent/tasks/{hostile.task_ids[0]}/edit")


def account_pages(visit: Visit, hostile) -> None:
    visit.open("/agent/account/password")
    visit.open("/agent/account/two-step")
    visit.page.get_by_role("button", name="Set up two-step sign-in").click()
    visit.check("the two-step set-up page")
    visit.open("/agent/tickets/2147483647", named=False)  # the error page


FAMILIES = [queues, ticket_page, new_ticket, task_pages, account_pages]


def test_no_vector_runs_on_any_agent_page(browser, base_url, hostile):
    # Without the pages' CSP, which would block an inline handler that escaping let through:
    # the escaping itself is tested.
    context, page = watched_page(browser, bypass_csp=True)
    try:
        browser_sign_in(page, base_url, hostile.agent.row.email)
        page.wait_for_url(base_url + "/agent/")
        visit = Visit(page, base_url, hostile.agent.row.name)
        visit.check("the start page after signing in")
        for family in FAMILIES:
            family(visit, hostile)
        assert problems_of(page) == []
        assert len(visit.seen) > 30  # every family walked
    finally:
        context.close()
