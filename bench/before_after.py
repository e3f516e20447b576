"""The same builds with another checkout of the engine and with this one: did a change cost?

Runs `helpdesk build` and plain `pelican` (portal, glossary and search_index plugins on) on
the same synthetic content with each checkout's code, plugins and theme, in ABBA order, and
prints every run's wall, user and system time, the best and median of each, and the ratios.
With `--instructions N`, also counts instructions with valgrind's callgrind on N articles
(with PYTHONHASHSEED=0, so that both sides hash alike): the figure that does not vary with
the machine's load. The other checkout runs with this virtualenv, its own package first on
PYTHONPATH: make one with `git worktree add /tmp/before <commit>`.

Usage: python bench/before_after.py --before /tmp/before [--sizes 1000] [--repeat 4]
       [--instructions 200]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.build import BIN
from bench.instructions import TOTALS
from bench.synthetic import write_settings, write_site
from helpdesk import ENGINE_ROOT

PLUGINS = ["portal", "glossary", "search_index"]
TOOLS = ("helpdesk build", "pelican")


def commands(root: Path, engines: dict[str, Path]) -> dict[tuple[str, str], tuple[list, dict]]:
    """(tool, side) -> (command, environment), each side with its own engine's code."""
    found = {}
    for side, engine in engines.items():
        settings = str(write_settings(root, engine, PLUGINS, f"{side}conf.py"))
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        if side == "before":
            env["PYTHONPATH"] = str(engine)
        output = ["--output", str(root / "output"), "--settings", settings]
        helpdesk = [str(BIN / "python"), "-c", "from helpdesk.cli import main; main()", "build"]
        found[("helpdesk build", side)] = ([*helpdesk, *output], env)
        found[("pelican", side)] = ([str(BIN / "pelican"), "content", *output], env)
    return found


def clean(root: Path) -> None:
    # Every run starts from nothing: a full index, no output to replace.
    shutil.rmtree(root / "output", ignore_errors=True)
    shutil.rmtree(root / "search-index", ignore_errors=True)


def timed(command: list[str], env: dict, root: Path) -> tuple[float, float, float]:
    """(wall, user, system) seconds of a command and its children."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return time.perf_counter() - started, usage.ru_utime, usage.ru_stime


def times(size: int, repeat: int, engines: dict[str, Path]) -> None:
    with tempfile.TemporaryDirectory(prefix=f"bench-before-after-{size}-") as tmp:
        root = write_site(Path(tmp), size)
        runs = commands(root, engines)
        figures: dict[tuple[str, str], list[tuple[float, float, float]]] = {k: [] for k in runs}
        for attempt in range(repeat):
            order = list(runs.items())  # ABBA: a machine slowing down favours neither side
            for key, (command, env) in order if attempt % 2 == 0 else reversed(order):
                clean(root)
                figures[key].append(timed(command, env, root))
                wall, user, system = figures[key][-1]
                print(f"  {size} {key[0]:<15} {key[1]:<6} run {attempt + 1}: {wall:6.2f} s wall "
                      f"{user:6.2f} s user {system:5.2f} s system", flush=True)  # fmt: skip
    print(f"\n| {size:,} articles | side | wall best / median | CPU best / median | CPU ratio |")
    print("|---|---|---:|---:|---:|")
    for tool in TOOLS:
        cpu = {}
        for side in engines:
            rows = figures[(tool, side)]
            walls, cpus = [r[0] for r in rows], [r[1] + r[2] for r in rows]
            cpu[side] = min(cpus)
            ratio = f"{cpu['after'] / cpu['before']:.3f}x" if side == "after" else ""
            print(f"| {tool} | {side} | {min(walls):.2f} / {statistics.median(walls):.2f} s "
                  f"| {min(cpus):.2f} / {statistics.median(cpus):.2f} s | {ratio} |")  # fmt: skip


def counted(command: list[str], env: dict, root: Path, label: str) -> list[int]:
    """Instructions of each process of one run under callgrind, the command's own first."""
    out = root / f"callgrind-{label}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    wrapped = ["valgrind", "--tool=callgrind", "--trace-children=yes",
               f"--callgrind-out-file={out}/%p.out", *command]  # fmt: skip
    env = dict(env, PYTHONHASHSEED="0")
    subprocess.run(wrapped, cwd=root, env=env, check=True, capture_output=True)
    counts = {}
    for path in out.glob("*.out"):
        found = TOTALS.search(path.read_text(errors="replace"))
        if found:
            counts[int(path.stem)] = int(found.group(1))
    return [counts[pid] for pid in sorted(counts)]


def instructions(size: int, engines: dict[str, Path]) -> None:
    with tempfile.TemporaryDirectory(prefix=f"bench-before-after-{size}-") as tmp:
        root = write_site(Path(tmp), size)
        found = {}
        for (tool, side), (command, env) in commands(root, engines).items():
            clean(root)
            found[(tool, side)] = counted(command, env, root, f"{tool}-{side}".replace(" ", "-"))
            print(f"  {size} {tool:<15} {side:<6} instructions by process: "
                  f"{', '.join(f'{n:,}' for n in found[(tool, side)])}", flush=True)  # fmt: skip
    print(f"\n| {size:,} articles | before: main / all processes | after | ratio |")
    print("|---|---:|---:|---:|")
    for tool in TOOLS:
        before, after = found[(tool, "before")], found[(tool, "after")]
        print(f"| {tool} | {before[0]:,} / {sum(before):,} | {after[0]:,} / {sum(after):,} "
              f"| {after[0] / before[0]:.4f}x / {sum(after) / sum(before):.4f}x |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the other checkout")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000])
    parser.add_argument("--repeat", type=int, default=4)
    parser.add_argument("--instructions", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if not (args.before / "helpdesk" / "__init__.py").is_file():
        raise SystemExit(f"{args.before} is not a checkout of the helpdesk: see --help")
    engines = {"before": args.before.resolve(), "after": ENGINE_ROOT}
    for size in args.sizes:
        print(f"{size} synthetic articles, {args.repeat} rounds in ABBA order", flush=True)
        times(size, args.repeat, engines)
    if args.instructions:
        print(f"\n{args.instructions} synthetic articles under callgrind", flush=True)
        instructions(args.instructions, engines)


if __name__ == "__main__":
    main()
