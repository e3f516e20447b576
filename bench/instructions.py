"""Instruction counts (valgrind's callgrind) of the same builds the other benchmarks time.

Wall time on a shared 2-core machine varies by a quarter from one run to the next; the
number of instructions a build executes does not. This runs small builds under callgrind
and prints instruction ratios for the two targets:

* `helpdesk build` against plain `pelican` (glossary and search plugins off), with the check
  run before Pelican and in parallel to it; for the parallel build, the main process (the
  critical path) and all processes together are shown;
* `pelican` with the glossary plugin against without it.

Each configuration runs at two sizes, so the cost of one more article (what dominates a
10,000-article site) is told apart from fixed costs such as start-up and the glossary page.

`--core` counts instead, in one process, what the glossary plugin adds per article: the
annotation itself, and Pelican's link rewriting (Content._update_content, one regular
expression over every tag) of the annotated page against the plain one.

Usage: python bench/instructions.py [--sizes 100 200] [--terms 500] [--core]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.build import BIN
from bench.synthetic import write_glossary, write_settings, write_site
from helpdesk import ENGINE_ROOT

TOTALS = re.compile(r"^(?:summary|totals): (\d+)", re.MULTILINE)
#: Run by --core under callgrind: make the pages, then (step a) annotate them, then rewrite
#: their links as Pelican does (step l) or with the plugin's quicker pattern (step q, where the
#: plugin has one); argv: glossary, articles, steps.
CORE = """
import sys
from pathlib import Path
from types import SimpleNamespace
sys.path[:0] = [{root!r}, {root!r} + "/plugins"]
from bench.glossary import synthetic_pages
from glossary.annotate import annotate
from helpdesk.publish import glossary as glossary_file
from helpdesk.publish.problems import Report
from helpdesk.publish.terms import TermMatcher
from pelican.contents import Article, Content
from pelican.settings import DEFAULT_CONFIG
pages = synthetic_pages(int(sys.argv[2]))
matcher = TermMatcher(glossary_file.load(Path(sys.argv[1]), Report()).terms)
links = Content._get_intrasite_link_regex(SimpleNamespace(settings=DEFAULT_CONFIG))
steps = sys.argv[3]
if "a" in steps:
    pages = [annotate(html, matcher) for html in pages]
if "q" in steps:
    try:
        from glossary import quick_link_pattern
        links = quick_link_pattern(Article("", settings=DEFAULT_CONFIG, context={{}}))()
    except ImportError:  # a version of the plugin without it
        pass
if "l" in steps or "q" in steps:
    pages = [links.sub(lambda found: found[0], html) for html in pages]
"""


def instructions(command: list[str], cwd: Path, label: str) -> tuple[int, int]:
    """(instructions of the main process, of all its processes) for one run under callgrind."""
    out = cwd / f"callgrind-{label}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--trace-children=yes",
            f"--callgrind-out-file={out}/%p.out",
            *command,
        ],
        cwd=cwd,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    counts = {}
    for path in out.glob("*.out"):
        found = TOTALS.search(path.read_text(errors="replace"))
        if found:
            counts[int(path.stem)] = int(found.group(1))
    main = counts[min(counts)]  # the first process started is the command itself
    return main, sum(counts.values())


def measure(articles: int, terms: int, only: list[str] | None = None) -> dict[str, tuple[int, int]]:
    with tempfile.TemporaryDirectory(prefix="bench-instructions-") as tmp:
        root = write_site(Path(tmp), articles)
        write_glossary(root, terms)
        plain = write_settings(root, ENGINE_ROOT, ["portal"], "plain.py")
        parallel = write_settings(root, ENGINE_ROOT, ["portal"], "parallel.py")
        with parallel.open("a") as handle:
            handle.write("PARALLEL_CHECK_MIN_DOCUMENTS = 0\n")
        annotated = write_settings(root, ENGINE_ROOT, ["portal", "glossary"], "annotated.py")
        helpdesk = [str(BIN / "helpdesk"), "build", "--output", "out", "--settings"]
        runs = {
            "pelican": [str(BIN / "pelican"), "content", "-o", "out", "-s", str(plain)],
            "helpdesk build, check first": [*helpdesk, str(plain)],
            "helpdesk build, check in parallel": [*helpdesk, str(parallel)],
            "pelican + glossary": [
                str(BIN / "pelican"),
                "content",
                "-o",
                "out",
                "-s",
                str(annotated),
            ],
        }
        counts = {}
        for label, command in runs.items():
            if only and label not in only and label != "pelican":
                continue
            shutil.rmtree(root / "out", ignore_errors=True)
            counts[label] = instructions(command, root, label.replace(" ", "-").replace(",", ""))
            main, total = counts[label]
            print(
                f"  {articles:>5} articles  {label:<34} main {main:>15,}  all {total:>15,}",
                flush=True,
            )
        return counts


def core(articles: int, terms: int) -> None:
    """Per article: the annotation, and Pelican's link rewriting of annotated against plain."""
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="bench-instructions-") as tmp:
        glossary = write_glossary(Path(tmp), terms)
        code = CORE.format(root=str(root))
        counts = {}
        for steps in ["", "a", "l", "al", "aq"]:
            command = [sys.executable, "-c", code, str(glossary), str(articles), steps or "-"]
            counts[steps] = instructions(command, Path(tmp), f"core-{steps or 'pages'}")[0]
            print(
                f"  {articles} articles, steps {steps or '-':<3} {counts[steps]:>15,}", flush=True
            )
    annotating = (counts["a"] - counts[""]) / articles
    plain = counts["l"] - counts[""]
    rewriting = (counts["al"] - counts["a"] - plain) / articles
    quick = (counts["aq"] - counts["a"] - plain) / articles
    print(
        f"\nPer article ({terms} terms): annotation {annotating:,.0f} instructions; link "
        f"rewriting of the annotated page, more than of the plain one: {rewriting:,.0f} with "
        f"Pelican's pattern, {quick:,.0f} with the plugin's."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[100, 200])
    parser.add_argument("--terms", type=int, default=500)
    parser.add_argument("--only", nargs="+", help="measure only these configurations (and pelican)")
    parser.add_argument("--core", action="store_true", help="the glossary plugin's core only")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind")
    if args.core:
        core(args.sizes[1], args.terms)
        return
    small, large = (measure(size, args.terms, args.only) for size in args.sizes)
    print()
    print(
        f"| {args.terms} terms | instructions at {args.sizes[0]} / {args.sizes[1]} articles (main process) "
        "| ratio to pelican, whole build | ratio to pelican, per added article (main / all) |"
    )
    print("|---|---:|---:|---:|")
    plain_step = large["pelican"][0] - small["pelican"][0]
    for label in small:
        main_step = large[label][0] - small[label][0]
        all_step = large[label][1] - small[label][1]
        print(
            f"| {label} | {small[label][0]:,} / {large[label][0]:,} "
            f"| {large[label][0] / large['pelican'][0]:.3f}x "
            f"| {main_step / plain_step:.3f}x / {all_step / plain_step:.3f}x |"
        )
    print(
        "\nPer added article is what a large site pays; the whole-build ratio includes fixed costs."
    )


if __name__ == "__main__":
    main()
