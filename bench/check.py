"""`helpdesk check` of this checkout against an earlier revision of the code, in the same run.

The baseline revision's code is exported with `git archive` and run by the same Python, so
only the code differs. Both check the demo content and synthetic sites of the given sizes,
alternating in ABBA order; prints every run, the best of each and their ratios.

Usage: python bench/check.py --baseline REV [--sizes 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.build import best_of
from bench.synthetic import write_settings, write_site
from helpdesk import ENGINE_ROOT

RUN_FROM = "import sys; sys.path.insert(0, sys.argv.pop(1)); from helpdesk.cli import main; main()"


def export(revision: str, target: Path) -> Path:
    """The code of a revision of this repository, in a folder of its own."""
    archive = subprocess.run(
        ["git", "-C", str(ENGINE_ROOT), "archive", revision], check=True, capture_output=True
    ).stdout
    target.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def check_command(source: Path, settings: Path, content: Path, glossary: Path) -> list[str]:
    return [
        sys.executable,
        "-c",
        RUN_FROM,
        str(source),
        "check",
        "--settings",
        str(settings),
        "--content",
        str(content),
        "--glossary",
        str(glossary),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="a git revision, e.g. HEAD~3")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        root = Path(tmp)
        sources = {"baseline": export(args.baseline, root / "baseline"), "this": ENGINE_ROOT}
        demo = {
            name: check_command(
                source,
                source / "pelicanconf.py",
                ENGINE_ROOT / "content",
                ENGINE_ROOT / "glossary.yml",
            )
            for name, source in sources.items()
        }
        rows.append(("demo content", best_of("demo content", demo, root, args.repeat)))
        for size in args.sizes:
            site = write_site(root / f"site-{size}", size)
            label = f"{size:,} articles"
            commands = {
                name: check_command(
                    source,
                    write_settings(site, source, ["portal"], f"checkconf-{name}.py"),
                    site / "content",
                    site / "glossary.yml",
                )
                for name, source in sources.items()
            }
            rows.append((label, best_of(label, commands, site, args.repeat)))
    print()
    print(
        f"| content | baseline ({args.baseline}) wall / CPU | this wall / CPU | wall ratio "
        "| peak memory baseline / this |"
    )
    print("|---|---:|---:|---:|---:|")
    for label, best in rows:
        base, this = best["baseline"], best["this"]
        print(
            f"| {label} | {base['wall']:.2f} / {base['cpu']:.2f} s "
            f"| {this['wall']:.2f} / {this['cpu']:.2f} s | {this['wall'] / base['wall']:.2f}x "
            f"| {base['peak']:.0f} / {this['peak']:.0f} MiB |"
        )


if __name__ == "__main__":
    main()
