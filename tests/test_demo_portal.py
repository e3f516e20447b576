"""End to end: the demo content builds, and the built portal holds together like a real site."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from pelican.utils import slugify

from helpdesk import ENGINE_ROOT
from helpdesk.publish import settings as portal_settings
from tests.support.crawl import Site, is_external

CONTENT = ENGINE_ROOT / "content"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def site(demo_output) -> Site:
    return Site.load(demo_output)


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


def test_demo_content_is_as_big_as_a_real_help_centre():
    articles = list((CONTENT / "articles").glob("*/*.md"))
    assert len(articles) >= 24
    assert len({a.parent.name for a in articles}) >= 5
    assert len(list((CONTENT / "news").glob("*.md"))) >= 6
    assert len(list((CONTENT / "downloads").glob("*.md"))) >= 3
    glossary = yaml.safe_load((ENGINE_ROOT / "glossary.yml").read_text(encoding="utf-8"))
    assert len(glossary) >= 30
    for article in articles:
        assert len(article.read_text(encoding="utf-8").split()) > 250, f"{article} is too thin"


def test_no_internal_link_or_asset_is_broken(site):
    broken = []
    for url, page in sorted(site.pages.items()):
        for target in page.links() + page.assets():
            if not is_external(target) and (problem := site.resolve(target)):
                broken.append(f"{url} -> {problem}")
    for css, target in site.css_urls():
        if not is_external(target) and (problem := site.resolve(target)):
            broken.append(f"{css} -> {problem}")
    assert broken == []


def test_no_page_loads_anything_from_another_host(site):
    external = [
        (url, a) for url, page in site.pages.items() for a in page.assets() if is_external(a)
    ]
    external += [(css, target) for css, target in site.css_urls() if is_external(target)]
    assert external == []


def test_every_article_news_post_and_download_is_reachable_from_the_home_page(site):
    reachable = site.reachable_from("/")
    published = {url for url in site.pages if url.startswith(("/kb/", "/news/", "/downloads/"))}
    assert len([u for u in published if u.count("/") == 4 and u.startswith("/kb/")]) >= 23
    assert published - reachable == set()
    assert {"/glossary/", "/tags/", "/about/", "/contact/"} <= reachable


def test_restricted_article_is_not_published_and_links_go_to_the_portal(site, demo_output):
    restricted = [
        path
        for path in (CONTENT / "articles").glob("*/*.md")
        if front_matter(path).get("usergroups")
    ]
    assert restricted, "the demo should show a usergroup-restricted article"
    for path in restricted:
        assert not (demo_output / "kb" / path.parent.name / path.stem).exists()
        portal_url = f"/portal/kb/{path.parent.name}/{path.stem}/"
        assert all(path.stem not in url for url in site.pages)
        linked = [u for p in site.pages.values() for u in p.links() if u == portal_url]
        assert linked, f"public articles link to {path.stem} through {portal_url}"


def test_every_glossary_entry_has_its_slug_as_anchor(site):
    entries = yaml.safe_load((ENGINE_ROOT / "glossary.yml").read_text(encoding="utf-8"))
    glossary = site.pages["/glossary/"]
    subs = portal_settings.load(ENGINE_ROOT / "pelicanconf.py")["SLUG_REGEX_SUBSTITUTIONS"]
    for entry in entries:
        anchor = glossary.soup.find(id=slugify(entry["term"], regex_subs=subs))
        assert anchor is not None, entry["term"]
        assert entry["definition"].split()[0] in anchor.get_text()
    jump_links = [a["href"] for a in glossary.soup.select("nav.az a")]
    assert jump_links and all(glossary.soup.find(id=href[1:]) for href in jump_links)


def test_downloads_show_the_real_size_and_sha256(site):
    for path in (CONTENT / "downloads").glob("*.md"):
        meta = front_matter(path)
        data = (CONTENT / "downloads" / "files" / meta["file"]).read_bytes()
        page = site.pages[f"/downloads/{path.stem}/"].soup.get_text(" ")
        assert hashlib.sha256(data).hexdigest() in page
        assert f"{len(data):,} bytes" in page
        assert str(meta["version"]) in page


def test_news_feeds_are_valid_with_absolute_links(demo_output):
    config = portal_settings.load(ENGINE_ROOT / "pelicanconf.py")
    atom = ET.parse(demo_output / "feeds" / "news.atom.xml").getroot()
    entries = atom.findall(f"{ATOM}entry")
    assert len(entries) == len(list((CONTENT / "news").glob("*.md")))
    for entry in entries:
        assert entry.find(f"{ATOM}link").get("href").startswith(config["SITE_URL"] + "/news/")
    rss = ET.parse(demo_output / "feeds" / "news.rss.xml").getroot()
    assert len(rss.findall("channel/item")) == len(entries)


def test_sitemap_lists_every_public_page_with_absolute_urls(site, demo_output):
    config = portal_settings.load(ENGINE_ROOT / "pelicanconf.py")
    locations = [
        loc.text for loc in ET.parse(demo_output / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")
    ]
    assert all(loc.startswith(config["SITE_URL"] + "/") for loc in locations)
    paths = {loc.removeprefix(config["SITE_URL"]) for loc in locations}
    assert paths == set(site.pages) - {"/404.html"}


def test_article_page_has_breadcrumbs_toc_updated_date_related_and_a_way_to_ask(site):
    page = site.pages["/kb/backup-restore/restore-files-from-a-snapshot/"].soup
    crumbs = [li.get_text(strip=True) for li in page.select("nav.breadcrumbs li")]
    assert crumbs == ["Home", "Knowledgebase", "Backup & restore", "Restore files from a snapshot"]
    toc_targets = [a["href"][1:] for a in page.select("nav.toc a")]
    assert len(toc_targets) >= 3 and all(page.find(id=t) for t in toc_targets)
    assert page.select_one(".doc-header time")["datetime"] == "2026-10-03"
    assert page.select("aside.related a")
    # "Was this helpful?" appears once the ticketapi takes the answers (PORTAL_LINKS.feedback).
    asking = page.select_one("section.feedback")
    assert asking.find_all("button") == []
    assert asking.select_one('a[href="/portal/tickets/new"]').get_text() == "Submit a ticket"


def test_home_page_counts_articles_per_category(site):
    home = site.pages["/"].soup
    for card in home.select(".card"):
        category_url = card.find("a")["href"]
        listed = len(site.pages[category_url].soup.select(".item-list > li"))
        assert card.select_one(".meta").get_text(strip=True) == f"{listed} articles"


def test_markdown_extensions_render(site):
    html = "".join(str(p.soup) for p in site.pages.values() if p.url.startswith("/kb/"))
    for marker in (
        'class="admonition',
        "<details",
        'class="tabbed-set',
        'class="task-list',
        "<table",
        'class="highlight',
        'class="headerlink"',
    ):
        assert marker in html, marker


def test_every_glossary_annotation_points_at_an_entry_of_the_glossary_page(site):
    anchors = site.pages["/glossary/"].ids
    annotations = [
        (url, a) for url, page in site.pages.items() for a in page.soup.select("a[data-glossary]")
    ]
    assert len(annotations) > 100
    for url, annotation in annotations:
        assert annotation["data-glossary"] in anchors, url
        assert annotation["href"] == f"/glossary/#{annotation['data-glossary']}"
        assert annotation.find_parent(["h1", "h2", "h3", "pre", "code", "nav"]) is None, url
    assert site.pages["/glossary/"].soup.select("a[data-glossary]") == []


def test_search_landmarks_on_a_page_have_names_of_their_own(site):
    for url in ("/", "/404.html", "/kb/"):
        names = [form.get("aria-label") for form in site.pages[url].soup.select("[role=search]")]
        assert all(names) and len(names) == len(set(names)), (url, names)
