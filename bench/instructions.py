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

Usage: python bench/instructions.py [--sizes 100 200] [--terms 500]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[100, 200])
    parser.add_argument("--terms", type=int, default=500)
    parser.add_argument("--only", nargs="+", help="measure only these configurations (and pelican)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind")
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
