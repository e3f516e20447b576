"""`helpdesk build` against plain `pelican` on the same synthetic content, in the same run.

Prints wall time, CPU time and peak memory of each, and their ratios (target: helpdesk build
at most 1.05x plain Pelican, with the glossary and search plugins off). Runs alternate between
the two tools so that a noisy machine affects both alike; the best of the repeats is compared.

Usage: python bench/build.py [--sizes 1000 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.synthetic import write_settings, write_site
from helpdesk import ENGINE_ROOT

BIN = Path(sys.executable).parent


def run(
    command: list[str], cwd: Path, output: list[str] | None = None
) -> tuple[float, float, float]:
    """Run a command; return (wall s, CPU s, peak RSS MiB) of that process and its children.

    What it prints goes to a file, read once it has ended (a pipe read only at the end could
    fill up and stall it); with `output`, that text is appended to the list.
    """
    with tempfile.TemporaryFile() as printed:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=printed, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        printed.seek(0)
        text = printed.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[0]} failed:\n{text}")
    if output is not None:
        output.append(text)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def commands(root: Path, output: Path) -> dict[str, list[str]]:
    # Both with the portal plugin only: the glossary and search plugins are off, as the target says.
    settings = str(write_settings(root, ENGINE_ROOT, ["portal"], "benchconf.py"))
    return {
        "pelican": [
            str(BIN / "pelican"),
            "content",
            "--output",
            str(output),
            "--settings",
            settings,
        ],
        "helpdesk build": [
            str(BIN / "helpdesk"),
            "build",
            "--output",
            str(output),
            "--settings",
            settings,
        ],
    }


def measure(size: int, repeat: int) -> dict[str, dict[str, float]]:
    """Best wall time, best CPU time and largest peak memory of each tool over the repeats."""
    with tempfile.TemporaryDirectory(prefix=f"bench-build-{size}-") as tmp:
        root = write_site(Path(tmp), size)
        output = root / "output"
        return best_of(
            f"{size:>6} articles",
            commands(root, output),
            root,
            repeat,
            prepare=lambda: shutil.rmtree(output, ignore_errors=True),
        )


def best_of(label: str, commands: dict[str, list[str]], cwd: Path, repeat: int, prepare=None):
    """Each command's best wall and CPU time and largest peak memory over `repeat` runs.

    ABBA order: a machine that slows down under load must not favour either command.
    `prepare` runs before each run (to start from an empty output folder, say).
    """
    best: dict[str, dict[str, float]] = {}
    for attempt in range(repeat):
        order = list(commands.items())
        for name, command in order if attempt % 2 == 0 else reversed(order):
            if prepare:
                prepare()
            wall, cpu, peak = run(command, cwd)
            print(
                f"  {label:<22} {name:<15} run {attempt + 1}: "
                f"{wall:6.2f} s wall  {cpu:6.2f} s CPU  {peak:5.0f} MiB",
                flush=True,
            )
            figures = best.setdefault(name, {"wall": wall, "cpu": cpu, "peak": peak})
            figures["wall"] = min(figures["wall"], wall)
            figures["cpu"] = min(figures["cpu"], cpu)
            figures["peak"] = max(figures["peak"], peak)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        repeat = args.repeat if size <= 2000 else max(1, args.repeat - 2)
        print(f"Building {size} synthetic articles, best of {repeat} ...", flush=True)
        best = measure(size, repeat)
        rows.append((size, best["pelican"], best["helpdesk build"]))
    print()
    print(
        "| articles | pelican wall / CPU | helpdesk build wall / CPU | wall ratio | CPU ratio "
        "| peak memory pelican / helpdesk | memory ratio |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size, plain, ours in rows:
        print(
            f"| {size:,} | {plain['wall']:.2f} / {plain['cpu']:.2f} s "
            f"| {ours['wall']:.2f} / {ours['cpu']:.2f} s "
            f"| {ours['wall'] / plain['wall']:.3f}x | {ours['cpu'] / plain['cpu']:.3f}x "
            f"| {plain['peak']:.0f} / {ours['peak']:.0f} MiB | {ours['peak'] / plain['peak']:.3f}x |"
        )
    worst = max(ours["wall"] / plain["wall"] for _, plain, ours in rows)
    verdict = "meets" if worst <= 1.05 else "misses"
    print(f"\nWorst wall-time ratio {worst:.3f}x: {verdict} the 1.05x target.")


if __name__ == "__main__":
    main()
