"""Instructions per ticket creation (valgrind's callgrind), beside the minimal app, per checkout.

Rates on a shared 2-core machine move with everyone else's load; the number of instructions a
request executes does not. This seeds a small help desk (bench/api_seed.py: people, two SLAs,
a default team) with each checkout's own code, then runs the same in-process POSTs (Flask's
test client: no HTTP server, no client) under callgrind twice, with `--few` and `--many`
requests, so that start-up cancels out: (many - few) / (many - few requests) is what one
creation costs. The minimal Flask + Flask-SQLAlchemy app (bench/api_minimal.py) is counted
the same way (with this checkout), and its share is the figure issue #11 asks for (>= 0.55x).

With `--before PATH` (a checkout: `git worktree add /tmp/before <commit>`), that checkout is
counted too, with this virtualenv and its own package first on PYTHONPATH, to show whether a
change cost anything.

Usage: python bench/create_instructions.py [--before /tmp/before] [--few 20] [--many 60]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLLECTED = re.compile(r"Collected : (\d+)")
SCENARIOS = ("agent", "public", "minimal")

# Run in a child process with the checkout's code first on sys.path: seed, or post N tickets.
CHILD = r"""
import json, random, sys
from pathlib import Path
mode, scenario, folder, count = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
sys.path.insert(0, {root!r})
database = folder / "helpdesk.db"
if scenario == "minimal":
    import os
    os.environ["BENCH_MINIMAL_DATABASE"] = str(database)
    from bench.api_minimal import create_app
    app = create_app()
    headers = {{}}
else:
    from ticketapi import create_app
    app = create_app({{
        "SECRET_KEY": "bench", "INSTANCE_DIR": str(folder / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{{database}}",
        "SUBMIT_RATE_LIMIT": "1000000 per minute",
    }})
    if mode == "seed":
        from bench.api_seed import seed
        seeded = seed(app, 2000, random.Random(7))
        (folder / "token").write_text(seeded.admin_token)
        raise SystemExit(0)
    token = (folder / "token").read_text()
    headers = {{"Authorization": f"Bearer {{token}}"}} if scenario == "agent" else {{}}
client = app.test_client()
for n in range(count):
    body = {{"subject": f"Bench ticket {{n}}: export fails", "name": f"User {{n % 50}}",
            "message": "Hello,\n\nthe export stops half way with an error.\n\nThanks",
            "email": f"user{{n % 50}}@org{{n % 7}}.example"}}
    response = client.post("/api/v1/tickets", json=body, headers=headers)
    assert response.status_code == 201, (response.status_code, response.get_data(as_text=True))
"""


def environment(checkout: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(checkout)
    env["PYTHONHASHSEED"] = "0"  # both sides hash alike
    return env


def child(checkout: Path, mode: str, scenario: str, folder: Path, count: int) -> list[str]:
    script = folder / "child.py"
    script.write_text(CHILD.format(root=str(checkout)))
    return [sys.executable, str(script), mode, scenario, str(folder), str(count)]


def instructions(checkout: Path, scenario: str, seeded: Path, count: int) -> int:
    """Instructions of a whole run posting `count` tickets on a copy of the seeded folder."""
    with tempfile.TemporaryDirectory(prefix="create-instr-") as scratch:
        folder = Path(scratch) / "run"
        shutil.copytree(seeded, folder)
        command = [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            *child(checkout, "run", scenario, folder, count),
        ]
        done = subprocess.run(command, env=environment(checkout), capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{scenario} failed under callgrind:\n{done.stderr[-3000:]}")
        return int(COLLECTED.findall(done.stderr)[-1])


def per_request(checkout: Path, scenario: str, few: int, many: int) -> float:
    with tempfile.TemporaryDirectory(prefix="create-seed-") as scratch:
        seeded = Path(scratch) / "seeded"
        seeded.mkdir()
        if scenario != "minimal":
            done = subprocess.run(
                child(checkout, "seed", scenario, seeded, 0),
                env=environment(checkout),
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise SystemExit(f"seeding with {checkout} failed:\n{done.stderr[-3000:]}")
        (seeded / "child.py").unlink(missing_ok=True)
        counts = {n: instructions(checkout, scenario, seeded, n) for n in (few, many)}
        return (counts[many] - counts[few]) / (many - few)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, help="another checkout to count beside this one")
    parser.add_argument("--few", type=int, default=20)
    parser.add_argument("--many", type=int, default=60)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind, then run again")
    if args.before and not (args.before / "ticketapi" / "__init__.py").exists():
        raise SystemExit(f"{args.before} is not a checkout of the helpdesk: see --help")
    sides = {"this checkout": ROOT, **({"before": args.before} if args.before else {})}
    figures: dict[str, dict[str, float]] = {}
    for side, checkout in sides.items():
        for scenario in SCENARIOS if side == "this checkout" else SCENARIOS[:2]:
            print(f"counting {scenario} with {side} ({args.few} and {args.many} requests)...")
            figures.setdefault(side, {})[scenario] = per_request(
                checkout, scenario, args.few, args.many
            )
    print()
    print("| checkout | scenario | instructions per request | minimal / this |")
    print("|---|---|---:|---:|")
    minimal = figures["this checkout"]["minimal"]
    for side, found in figures.items():
        for scenario in found:
            share = "" if scenario == "minimal" else f"{minimal / found[scenario]:.2f}x"
            print(f"| {side} | {scenario} | {found[scenario] / 1e6:.2f} M | {share} |")
    if args.before:
        print()
        for scenario in ("agent", "public"):
            ratio = figures["this checkout"][scenario] / figures["before"][scenario]
            print(f"{scenario}: this checkout / before = {ratio:.3f}")
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
