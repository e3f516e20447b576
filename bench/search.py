"""The search index on 10,000 synthetic articles: full index, one changed article, size, queries.

Builds the same content with plain Pelican (portal and glossary plugins) and with the
search_index plugin added, in alternating order, and prints the wall time of each, what the
plugin reported for its own work, the time to re-index after one article changed, the
index's size on disk, and query latencies through the library and through the ticketapi's
`GET /api/v1/search` (`query_latencies`), turn about in the same process.
Targets (issue #6): one changed article re-indexed in under 1 s; the full index adds at
most 50% to the plain Pelican build; query p95 through the API at most 15 ms.

Usage: python bench/search.py [--articles 10000] [--repeat 1] [--queries-only [--words N]]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import markdown

from bench.build import BIN, run
from bench.synthetic import WORDS, article, paragraph, write_settings, write_site
from helpdesk import ENGINE_ROOT
from helpdesk.search.indexer import Document, index_documents
from helpdesk.search.query import search
from helpdesk.search.reader import open_reader
from helpdesk.search.store import IndexStore
from ticketapi import create_app
from ticketapi.auth import services as auth
from ticketapi.cli import upgrade_database
from ticketapi.extensions import db
from ticketapi.people.models import Agent
from ticketapi.timeutil import utcnow

PLAIN = ["portal", "glossary"]
LOGGED = re.compile(
    r"search index: (.+?) \((\d+\.\d+) s of the build's time, (\d+\.\d+) s writing\)"
)


def log_plugin_to(settings: Path, log: Path) -> None:
    """Send the plugin's own report to a file: Pelican's --verbose would slow the build."""
    settings.write_text(
        settings.read_text()
        + "import logging\n"
        + "_log = logging.getLogger('search_index')\n"
        + f"_log.addHandler(logging.FileHandler({str(log)!r}))\n"
        + "_log.setLevel(logging.INFO)\n_log.propagate = False\n"
    )


def pelican(root: Path, settings: Path) -> float:
    """Build root/content into root/output with plain `pelican`; its wall seconds."""
    shutil.rmtree(root / "output", ignore_errors=True)
    command = [str(BIN / "pelican"), "content", "--output", str(root / "output")]
    wall, _, _ = run([*command, "--settings", str(settings)], root)
    return wall


def plugin_report(log: Path) -> tuple[str, float, float]:
    """What the search_index plugin logged about its last run: what, build's seconds, writing."""
    found = LOGGED.findall(log.read_text()) if log.exists() else []
    if not found:
        raise SystemExit(f"the search_index plugin logged nothing to {log}")
    what, blocking, writing = found[-1]
    return what, float(blocking), float(writing)


def change_one_article(root: Path) -> None:
    path = root / "content" / "articles" / "cat7" / "article-7.md"
    path.write_text(path.read_text() + "\nOne more sentence about kayak backups.\n")


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# --- Query latency: the library alone, and through the ticketapi's /api/v1/search -------------


def latency_queries() -> list[tuple[str, str | None]]:
    """A mix like people's: (query, section). One word, two or three, a phrase, misspellings,
    a title number, a miss, and a tab of the results page (a section filter)."""
    words = [(word, None) for word in WORDS[:12]]
    several = [
        ("restore snapshot", None),
        ("sync conflict version", None),
        ("network proxy error", None),
        ("backup schedule retention", None),
        ("team member role", None),
        ("install client update", None),
        ("synthetic article 4242", None),
    ]
    typos = [("snapshto", None), ("retension policy", None), ("netwrok proxy", None),
             ("confict", None), ("quotta", None)]  # fmt: skip
    other = [('"backup schedule"', None), ("kayak", None)]
    tabs = [("restore snapshot", "article"), ("backup", "news"), ("policy", "download"),
            ("sync conflict version", "article")]  # fmt: skip
    return words + several + typos + other + tabs + typing_queries()


def typing_queries() -> list[tuple[str, str | None]]:
    """What a search-as-you-type box sends: the last word partly typed. `tag1` begins 111
    tags (tag1, tag10…tag199): more completions than a prefix may stand for."""
    return [("resto", None), ("snap", None), ("sync conf", None), ("net", None),
            ("backup sched", None), ("retent", None), ("tag1", None), ("inst", None),
            ("restore snapsh", "article"), ("upl", None)]  # fmt: skip


def percentiles(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[max(0, int(len(ordered) * 0.95) - 1)],
        "max": ordered[-1],
        "queries": len(ordered),
    }


class ApiClient:
    """The ticketapi on the index, through the Flask test client: anonymous, and an agent."""

    def __init__(self, index_dir: Path, instance: Path):
        self.app = create_app(
            {
                "SECRET_KEY": "bench",
                "INSTANCE_DIR": str(instance),
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'bench.db'}",
                "SEARCH_INDEX": str(index_dir),
                "RATELIMIT_ENABLED": False,
            }
        )
        with self.app.app_context():
            upgrade_database()
            agent = Agent(email="sam@bench.example", name="Sam", permissions=[])
            db.session.add(agent)
            db.session.commit()
            _token, plain = auth.issue_token(agent, now=utcnow(), ttl=timedelta(days=1))
            db.session.commit()
        self.client = self.app.test_client()
        self.agent = {"Authorization": f"Bearer {plain}"}

    def search(self, query: str, section: str | None, as_agent: bool) -> dict:
        parameters = {"q": query, "limit": 10, **({"section": section} if section else {})}
        response = self.client.get(
            "/api/v1/search", query_string=parameters, headers=self.agent if as_agent else {}
        )
        if response.status_code != 200:
            raise SystemExit(f"/api/v1/search?q={query}: {response.status_code} {response.json}")
        return response.json


def query_latencies(index_dir: Path, instance: Path, repeat: int = 5) -> dict[str, dict]:
    """p50/p95 in ms of the same queries through the library and the API, turn about.

    Round 1 is the first time the process sees each word (its postings are read from the
    index then, see docs/search.md); it is counted, and also reported on its own.
    """
    reader = open_reader(index_dir)
    api = ApiClient(index_dir, instance)
    timings: dict[str, list[float]] = {
        "library": [], "api": [], "library cold": [], "api cold": [],
        "library typing": [], "api typing": [], "library whole": [], "api whole": [],
    }  # fmt: skip
    typing = set(typing_queries())
    for attempt in range(repeat):
        for number, (query, section) in enumerate(latency_queries()):
            as_agent = number % 4 == 3  # one in four is an agent linking an article
            for kind in ("library", "api") if (attempt + number) % 2 else ("api", "library"):
                started = time.perf_counter()
                if kind == "library":
                    search(reader, query, section=section, limit=10, is_agent=as_agent)
                else:
                    api.search(query, section, as_agent)
                elapsed = (time.perf_counter() - started) * 1000
                timings[kind].append(elapsed)
                if attempt == 0:
                    timings[f"{kind} cold"].append(elapsed)
                if (query, section) in typing:
                    timings[f"{kind} typing"].append(elapsed)
                    # The same words typed whole (a space after the last): the baseline.
                    started = time.perf_counter()
                    if kind == "library":
                        search(reader, query + " ", section=section, limit=10, is_agent=as_agent)
                    else:
                        api.search(query + " ", section, as_agent)
                    timings[f"{kind} whole"].append((time.perf_counter() - started) * 1000)
    return {kind: percentiles(values) for kind, values in timings.items()}


def pseudo_words(count: int, seed: int = 13) -> list[str]:
    """`count` distinct made-up words of 2 to 4 syllables: a vocabulary as large as real
    articles have, for prefixes to be completed from (the synthetic prose has ~100 words)."""
    rng = random.Random(seed)
    syllables = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"] + ["con", "res", "pre"]
    found: dict[str, None] = {}
    while len(found) < count:
        found["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))] = None
    return list(found)


def synthetic_index(root: Path, articles: int, words: int = 0) -> Path:
    """Index the synthetic articles straight through the library (no Pelican): --queries-only.

    `words`: add a sentence of 20 made-up words to each article, drawn from a vocabulary of
    that many, the first ones most often (Zipf-like), so that prefixes have real lists to
    search and many completions to choose from.
    """
    rng = random.Random(7)
    vocabulary = pseudo_words(words) if words else []
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    renderer = markdown.Markdown(extensions=["extra", "admonition"])
    documents = []
    for number in range(articles):
        _, front, body = article(rng, number, 20, articles).split("---", 2)
        meta = dict(line.split(": ", 1) for line in front.strip().splitlines())
        if vocabulary:
            body += "\n" + " ".join(rng.choices(vocabulary, weights, k=20)).capitalize() + ".\n"
        documents.append(
            Document(
                url=f"/kb/cat{number % 20}/article-{number}/",
                title=meta["title"],
                section="article",
                category=f"cat{number % 20}",
                tags=tuple(tag.strip() for tag in meta["tags"].strip("[]").split(",")),
                summary=meta["summary"],
                body=renderer.reset().convert(body),
                date=meta["date"],
            )
        )
    for number in range(20):
        documents.append(
            Document(
                url=f"/news/post-{number}/",
                title=f"News {number}",
                section="news",
                body=f"<p>{paragraph(rng)}</p>",
            )
        )
    index_dir = root / "search-index"
    index_documents(index_dir, documents)
    return index_dir


def print_vocabulary(index_dir: Path) -> None:
    """How large the lists a prefix is completed from are, and what making them costs (once
    per generation, on its first query with a word being typed)."""
    tables = open_reader(index_dir).tables()
    started = time.perf_counter()
    vocabulary = tables.vocabulary()
    made = time.perf_counter() - started
    print(f"Vocabulary: {vocabulary.size()[0]:,} words as written, {vocabulary.size()[1]:,} "
          f"terms; made in {made * 1000:.0f} ms (once per generation).")  # fmt: skip


def print_latencies(articles: int, latencies: dict[str, dict]) -> None:
    library, api = latencies["library"], latencies["api"]
    print(f"\nQuery latency at {articles:,} articles, {library['queries']} queries each "
          "(p50 / p95 / max, ms):")  # fmt: skip
    for kind in ("library", "api", "library cold", "api cold"):
        row = latencies[kind]
        print(f"  {kind:<13} {row['p50']:6.1f} / {row['p95']:6.1f} / {row['max']:6.1f}")
    print(f"  API / library: p50 {api['p50'] / library['p50']:.2f}x, "
          f"p95 {api['p95'] / library['p95']:.2f}x")  # fmt: skip
    for side in ("library", "api"):
        typing, whole = latencies[f"{side} typing"], latencies[f"{side} whole"]
        print(f"  {side + ' typing':<14} {typing['p50']:5.1f} / {typing['p95']:6.1f} / "
              f"{typing['max']:6.1f}   the last word partly typed; the same typed whole: "
              f"{whole['p50']:.1f} / {whole['p95']:.1f} / {whole['max']:.1f} "
              f"(prefix / whole p50 {typing['p50'] / whole['p50']:.2f}x, "
              f"p95 {typing['p95'] / whole['p95']:.2f}x)")  # fmt: skip
    print(f"Query p95 through the API {api['p95']:.1f} ms (target at most 15 ms): "
          f"{'met' if api['p95'] <= 15 else 'missed'}.")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--queries-only",
        action="store_true",
        help="skip the builds: index the synthetic articles directly and time queries",
    )
    parser.add_argument(
        "--words",
        type=int,
        default=0,
        help="with --queries-only: add a made-up vocabulary of this many words (e.g. 30000)",
    )
    args = parser.parse_args()
    if args.queries_only:
        with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
            index_dir = synthetic_index(Path(tmp), args.articles, args.words)
            instance = Path(tmp) / "instance"
            print_vocabulary(index_dir)
            print_latencies(args.articles, query_latencies(index_dir, instance))
        return
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        root = write_site(Path(tmp), args.articles)
        plain = write_settings(root, ENGINE_ROOT, PLAIN, "plainconf.py")
        indexed = write_settings(root, ENGINE_ROOT, [*PLAIN, "search_index"], "searchconf.py")
        log_plugin_to(indexed, root / "search_index.log")
        index_dir = root / "search-index"
        print(
            f"{args.articles} synthetic articles, {args.repeat} round(s) in ABBA order", flush=True
        )
        walls: dict[str, list[float]] = {"pelican": [], "pelican + search_index": []}
        full_index: list[tuple[float, float]] = []  # (the build's seconds in it, writing)
        pairs: list[float] = []
        for attempt in range(args.repeat):
            order = ["pelican", "pelican + search_index"]
            for name in order if attempt % 2 == 0 else reversed(order):
                if name == "pelican":
                    wall = pelican(root, plain)
                else:
                    shutil.rmtree(index_dir, ignore_errors=True)  # a full index every time
                    wall = pelican(root, indexed)
                    what, blocking, writing = plugin_report(root / "search_index.log")
                    full_index.append((blocking, writing))
                    print(f"  plugin: {what}: {blocking:.2f} s of the build's time, "
                          f"{writing:.2f} s writing", flush=True)  # fmt: skip
                walls[name].append(wall)
                print(f"  round {attempt + 1} {name:<24} {wall:7.2f} s wall", flush=True)
            pairs.append(walls["pelican + search_index"][-1] / walls["pelican"][-1])
        change_one_article(root)
        wall = pelican(root, indexed)
        what, incremental, _ = plugin_report(root / "search_index.log")
        print(f"  one changed article: pelican + search_index {wall:.2f} s wall; plugin: {what}")
        generation = IndexStore(index_dir).current()
        size = folder_size(generation)
        latencies = query_latencies(index_dir, root / "instance")
    best_plain, best_indexed = min(walls["pelican"]), min(walls["pelican + search_index"])
    added = best_indexed / best_plain - 1
    print()
    blocking, writing = (min(run[i] for run in full_index) for i in (0, 1))
    library, api = latencies["library"], latencies["api"]
    print("| articles | pelican | pelican + search_index | added | full index: build's time / "
          "writing | one changed article | index size | query p50 / p95: library | "
          "through the API |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {args.articles:,} | {best_plain:.2f} s | {best_indexed:.2f} s | {added:+.1%} "
        f"| {blocking:.2f} / {writing:.2f} s | {incremental:.2f} s | {size / 2**20:.1f} MiB "
        f"| {library['p50']:.1f} / {library['p95']:.1f} ms | {api['p50']:.1f} / "
        f"{api['p95']:.1f} ms |"
    )
    print("Back-to-back pairs (with / without): " + ", ".join(f"{r:.3f}x" for r in pairs))
    print(f"\nFull index adds {added:.1%} to the build (target at most 50%): "
          f"{'met' if added <= 0.5 else 'missed'}.")  # fmt: skip
    print(f"One changed article re-indexed in {incremental:.2f} s (target under 1 s): "
          f"{'met' if incremental < 1 else 'missed'}.")  # fmt: skip
    print_latencies(args.articles, latencies)


if __name__ == "__main__":
    main()
