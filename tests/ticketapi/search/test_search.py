"""GET /api/v1/search: ranked results, escaped snippets, did-you-mean, sections, usergroups."""

from __future__ import annotations

import pytest

from helpdesk.search.indexer import Document, index_documents
from ticketapi.extensions import limiter
from ticketapi.permissions import Actor
from ticketapi.search import services

from .documents import DOCUMENTS, RESTORE, SAML


def urls(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [result["url"] for result in response.json["results"]]


def test_results_are_ranked_with_the_spec_fields(world, indexed):
    response = world.get("/api/v1/search?q=snapshot")
    answer = response.json
    assert set(answer) >= {"total", "results", "suggestion", "sections", "query"}
    assert urls(response)[0] == RESTORE, "the title match outranks body matches"
    assert answer["total"] == 3 and len(answer["results"]) == 3
    first = answer["results"][0]
    assert set(first) >= {"title", "url", "section", "snippet", "score", "link"}
    assert first["title"] == "Restore files from a snapshot" and first["section"] == "article"
    scores = [result["score"] for result in answer["results"]]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    assert "<mark>snapshot</mark>" in first["snippet"]
    assert answer["suggestion"] is None and answer["message"] is None


def test_a_result_links_to_the_portal_for_pasting_into_a_reply(app, world, indexed, monkeypatch):
    agent = world.agent("Sam")
    first = world.get("/api/v1/search?q=restore", agent).json["results"][0]
    assert first["link"] == "http://localhost" + RESTORE
    monkeypatch.setitem(app.config, "SITE_URL", "https://help.example.com")
    first = world.get("/api/v1/search?q=restore", agent).json["results"][0]
    assert first["link"] == "https://help.example.com" + RESTORE


def test_a_link_never_follows_a_host_the_helpdesk_does_not_answer_for(
    app, world, indexed, monkeypatch
):
    agent = world.agent("Sam")
    for host in ("evil.example", "localhost.evil.example", "evil.example:80@localhost"):
        response = world.get("/api/v1/search?q=restore", agent, headers={"Host": host})
        assert response.status_code == 400, host
        assert "HELPDESK_ALLOWED_HOSTS" in response.json["error"]["message"]
    # No proxy is trusted (HELPDESK_TRUSTED_PROXIES=0): X-Forwarded-Host is not read.
    forwarded = world.get(
        "/api/v1/search?q=restore", agent, headers={"X-Forwarded-Host": "evil.example"}
    )
    assert forwarded.json["results"][0]["link"] == "http://localhost" + RESTORE

    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["help.example.com", ".example.org"])
    for host in ("help.example.com", "docs.example.org:8080"):
        first = world.get("/api/v1/search?q=restore", agent, headers={"Host": host})
        assert first.json["results"][0]["link"] == f"http://{host}{RESTORE}"
    assert world.get("/api/v1/search?q=restore", agent).status_code == 400  # localhost
    # The configured address wins over any allowed Host.
    monkeypatch.setitem(app.config, "SITE_URL", "https://help.example.com")
    first = world.get("/api/v1/search?q=restore", agent, headers={"Host": "docs.example.org"})
    assert first.json["results"][0]["link"] == "https://help.example.com" + RESTORE


def test_snippets_are_escaped_html(world, indexed):
    snippet = world.get("/api/v1/search?q=widget").json["results"][0]["snippet"]
    assert "<script" not in snippet and "<img" not in snippet
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in snippet
    assert "&lt;img src=x onerror=alert(2)&gt;" in snippet
    assert snippet.startswith("The <mark>widget</mark> box")
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_a_misspelling_gets_a_suggestion_and_its_results(world, indexed):
    answer = world.get("/api/v1/search?q=snapshpt").json
    assert answer["suggestion"] == "snapshot" and answer["query"] == "snapshot"
    assert answer["results"][0]["url"] == RESTORE


def test_counts_per_section_and_a_section_filter(world, indexed):
    everywhere = world.get("/api/v1/search?q=console+backups").json
    assert everywhere["sections"] == {"download": 1, "news": 1}
    assert everywhere["total"] == 2
    agent = world.agent("Ada")
    as_agent = world.get("/api/v1/search?q=console+backups", agent).json
    assert as_agent["sections"] == {"article": 1, "download": 1, "news": 1}, "and SAML's"
    news = world.get("/api/v1/search?q=console+backups&section=news")
    assert urls(news) == ["/news/maintenance/"] and news.json["total"] == 1
    assert news.json["sections"] == everywhere["sections"], "tabs keep every section's count"


def test_pages_and_limits(world, indexed):
    first = urls(world.get("/api/v1/search?q=snapshot&limit=2"))
    second = urls(world.get("/api/v1/search?q=snapshot&limit=2&page=2"))
    assert len(first) == 2 and len(second) == 1 and not set(first) & set(second)
    assert world.get("/api/v1/search?q=snapshot&limit=2&page=2").json["total"] == 3


def test_an_empty_query_finds_nothing(world, indexed):
    for query in ("", "q=", "q=+++", "q=the"):
        answer = world.get(f"/api/v1/search?{query}").json
        assert answer["total"] == 0 and answer["results"] == [] and answer["sections"] == {}


@pytest.mark.parametrize(
    ("who", "finds"),
    [("anonymous", False), ("member", True), ("outsider", False), ("agent", True)],
)
def test_restricted_articles_only_for_their_usergroups_and_agents(world, indexed, who, finds):
    # The article names "Administrators"; the usergroup is spelled in lower case.
    admins, partners = world.usergroup("administrators"), world.usergroup("Partners")
    accounts = {
        "member": lambda: world.user("Mia", usergroups=[admins]),
        "outsider": lambda: world.user("Otto", usergroups=[partners]),
        "agent": lambda: world.agent("Ada"),
    }
    account = accounts[who]() if who in accounts else None
    kwargs = {"who": account} if account else {}
    answer = world.get("/api/v1/search?q=saml+identity+provider", **kwargs).json
    assert (SAML in [r["url"] for r in answer["results"]]) is finds
    assert answer["total"] == (1 if finds else 0)
    assert answer["sections"] == ({"article": 1} if finds else {}), "counts reveal nothing"
    # A word only the restricted article has is suggested only to those who may read it.
    suggestion = world.get("/api/v1/search?q=federaton", **kwargs).json["suggestion"]
    assert suggestion == ("federation" if finds else None)


def test_a_published_build_is_seen_by_the_next_request(world, indexed):
    """The app never writes to the index; the next request sees what a build published."""
    before = sorted(p.relative_to(indexed) for p in indexed.rglob("*"))
    assert world.get("/api/v1/search?q=kayak").json["total"] == 0
    assert sorted(p.relative_to(indexed) for p in indexed.rglob("*")) == before
    kayak = Document(url="/kb/boats/kayak/", title="Back up a kayak club", section="article")
    index_documents(indexed, [*DOCUMENTS, kayak])
    assert urls(world.get("/api/v1/search?q=kayak")) == ["/kb/boats/kayak/"]
    index_documents(indexed, DOCUMENTS)
    assert world.get("/api/v1/search?q=kayak").json["total"] == 0


def test_before_the_first_build_the_answer_is_empty_and_says_why(world, index_dir):
    response = world.get("/api/v1/search?q=restore")
    assert response.status_code == 200
    assert response.json["total"] == 0 and response.json["results"] == []
    assert "not been built" in response.json["message"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("q=%00", "q"),
        ("q=" + "x" * 10_000, "q"),
        ("q=a&limit=0", "limit"),
        ("q=a&limit=51", "limit"),
        ("q=a&limit=abc", "limit"),
        ("q=a&page=0", "page"),
        ("q=a&page=101", "page"),
        ("q=a&section=x", "section"),
        ("q=a&section=%00", "section"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(world, indexed, query, field):
    response = world.get(f"/api/v1/search?{query}")
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]


def test_the_limit_at_its_bounds_is_fine(world, indexed):
    assert world.get("/api/v1/search?q=snapshot&limit=1").json["results"][0]["url"] == RESTORE
    assert world.get("/api/v1/search?q=snapshot&limit=50").json["total"] == 3


def test_search_is_rate_limited_per_client(app, world, indexed, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_RATE_LIMIT", "3 per minute")
    limiter.reset()
    try:
        codes = [world.get("/api/v1/search?q=restore").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        response = world.get("/api/v1/search?q=restore")
        assert response.json["error"]["code"] == "rate_limited"
    finally:
        limiter.reset()


def test_the_service_checks_its_input_for_direct_callers(app, indexed):
    anonymous = Actor(kind="anonymous")
    assert services.search_articles(anonymous, "restore").results[0].url == RESTORE
    with pytest.raises(services.Invalid) as refused:
        services.search_articles(anonymous, "restore", section="blog", limit=0)
    assert set(refused.value.fields) == {"section", "limit"}


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("resto", RESTORE),  # was "Nothing matched: these are the results for rest"
        ("snap", RESTORE),  # was corrected to "swap"
        ("snaps", RESTORE),  # was corrected to "stays"
    ],
)
def test_the_word_being_typed_matches_the_words_it_begins(world, indexed, q, first):
    answer = world.get(f"/api/v1/search?q={q}").json
    assert answer["results"][0]["url"] == first
    assert answer["query"] == q and answer["suggestion"] is None
    if q.startswith("snap"):
        assert set(urls(world.get(f"/api/v1/search?q={q}"))) == {
            RESTORE,
            "/kb/backup/snapshot-schedule/",
            "/news/maintenance/",
        }
        assert "<mark>snapshot</mark>" in answer["results"][0]["snippet"]


def test_a_space_after_the_last_word_means_it_is_typed_whole(world, indexed):
    answer = world.get("/api/v1/search?q=snap+").json
    assert answer["suggestion"] == "snapshot" and answer["query"] == "snapshot"
    assert world.get("/api/v1/search?q=snap").json["suggestion"] is None


def test_snippets_are_short_and_keep_cells_apart(world, index_dir):
    cells = "".join(f"<tr><td>Setting {n}</td><td>Good default {n}</td></tr>" for n in range(30))
    index_documents(
        index_dir,
        [
            Document(
                url="/kb/backup/defaults/",
                title="Backup defaults",
                section="article",
                body=f"<h2>Defaults</h2><table>{cells}</table><p>{'More words here. ' * 40}</p>",
            )
        ],
    )
    snippet = world.get("/api/v1/search?q=good+default").json["results"][0]["snippet"]
    shown = snippet.replace("<mark>", "").replace("</mark>", "")
    assert len(shown) <= 200
    assert "Setting 0 · Good default 0 · Setting 1" in shown
    assert "<mark>Good</mark> <mark>default</mark>" in snippet
