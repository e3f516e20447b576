"""What glossary annotation costs: a build with and without the plugin, in the same run.

10,000 synthetic articles and 500 terms by default. Prints wall and CPU time of `pelican`
with PLUGINS = [portal] and [portal, glossary], alternating, best of the repeats, and their
ratio (target: at most 1.05x, over 1.10x is not done). Also prints the annotation core's
throughput measured in this process, which is what the plugin adds.

Usage: python bench/glossary.py [--articles 10000] [--terms 500] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from markdown import Markdown

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))
from glossary.annotate import annotate

from bench.build import BIN, run
from bench.synthetic import article, write_glossary, write_settings, write_site
from helpdesk import ENGINE_ROOT
from helpdesk.publish import glossary as glossary_file
from helpdesk.publish import settings as portal_settings
from helpdesk.publish.problems import Report
from helpdesk.publish.terms import TermMatcher

PLUGIN_TIME = re.compile(
    r"glossary: annotated \d+ documents, \d+ unchanged from the cache \(([\d.]+) s\)"
)


def synthetic_pages(documents: int) -> list[str]:
    """The HTML of `documents` synthetic articles, as Pelican's Markdown reader makes it."""
    config = portal_settings.load(ENGINE_ROOT / "pelicanconf.py")
    markdown = Markdown(**{k: v for k, v in config["MARKDOWN"].items()})
    rng = random.Random(3)
    return [
        markdown.reset().convert(article(rng, i, 20, documents).split("---", 2)[2])
        for i in range(documents)
    ]


def annotation_throughput(glossary: Path, documents: int = 1000) -> tuple[float, float, int]:
    """(seconds to build the matcher, seconds to annotate `documents` articles, annotations)."""
    pages = synthetic_pages(documents)
    started = time.perf_counter()
    terms = glossary_file.load(glossary, Report()).terms
    matcher = TermMatcher(terms)
    built = time.perf_counter() - started
    best, count = float("inf"), 0
    for _ in range(3):
        started = time.perf_counter()
        out = [annotate(html, matcher) for html in pages]
        best = min(best, time.perf_counter() - started)
        count = sum(html.count(' data-glossary="') for html in out)
    return built, best, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--terms", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    os.environ["COLUMNS"] = "1000"  # Pelican's log lines, unwrapped, so the plugin's time is read
    with tempfile.TemporaryDirectory(prefix="bench-glossary-") as tmp:
        root = write_site(Path(tmp), args.articles)
        glossary = write_glossary(root, args.terms)
        built, seconds, count = annotation_throughput(glossary)
        print(
            f"Annotation core: matcher for {args.terms} terms built in {built * 1000:.0f} ms; "
            f"1,000 articles annotated in {seconds:.3f} s ({count:,} annotations)",
            flush=True,
        )
        variants = {
            "without glossary": write_settings(root, ENGINE_ROOT, ["portal"], "without.py"),
            "with glossary": write_settings(root, ENGINE_ROOT, ["portal", "glossary"], "with.py"),
        }
        best: dict[str, tuple[float, float]] = {}
        walls: dict[str, list[float]] = {name: [] for name in variants}
        plugin_seconds: list[float] = []
        for attempt in range(args.repeat):
            # ABBA order: a machine that slows down under load must not favour either variant.
            order = list(variants.items())
            for name, settings in order if attempt % 2 == 0 else reversed(order):
                output = root / f"output-{name.replace(' ', '-')}"
                shutil.rmtree(output, ignore_errors=True)
                command = [
                    str(BIN / "pelican"),
                    "content",
                    "--output",
                    str(output),
                    "--settings",
                    str(settings),
                    "--verbose",
                ]
                printed: list[str] = []
                wall, cpu, peak = run(command, root, printed)
                spent = PLUGIN_TIME.search(printed[0])
                if spent:
                    plugin_seconds.append(float(spent.group(1)))
                note = f"  (annotation {spent.group(1)} s)" if spent else ""
                print(
                    f"  {name:<17} run {attempt + 1}: {wall:6.2f} s wall  {cpu:6.2f} s CPU  {peak:5.0f} MiB{note}",
                    flush=True,
                )
                walls[name].append(wall)
                previous = best.get(name, (wall, cpu))
                best[name] = (min(previous[0], wall), min(previous[1], cpu))
    plain, annotated = best["without glossary"], best["with glossary"]
    print()
    print(
        "| articles | terms | without plugin wall / CPU | with plugin wall / CPU | wall ratio | CPU ratio |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {args.articles:,} | {args.terms} | {plain[0]:.1f} / {plain[1]:.1f} s | {annotated[0]:.1f} / {annotated[1]:.1f} s "
        f"| {annotated[0] / plain[0]:.3f}x | {annotated[1] / plain[1]:.3f}x |"
    )
    paired = sorted(
        w / p for w, p in zip(walls["with glossary"], walls["without glossary"], strict=True)
    )
    print(f"Ratio of each back-to-back pair: {', '.join(f'{r:.3f}x' for r in paired)}")
    if not plugin_seconds:
        raise SystemExit("the glossary plugin did not report its time: is it enabled?")
    own = min(plugin_seconds)
    print(
        f"The plugin's own work (glossary, matcher, annotating every document): {own:.2f} s, "
        f"{100 * own / plain[0]:.1f}% of the build without it."
    )
    ratio = annotated[0] / plain[0]
    verdict = (
        "meets the 1.05x target"
        if ratio <= 1.05
        else ("within 1.10x" if ratio <= 1.10 else "misses 1.10x")
    )
    print(f"\nWall-time ratio {ratio:.3f}x: {verdict}.")


if __name__ == "__main__":
    main()
