"""Closed-loop HTTP load for bench/api.py: wrk when it is installed, else Python threads.

Both keep `concurrency` keep-alive connections busy for `seconds` and return a `Result`
(requests/s and latency percentiles in ms). wrk is the better client: it uses little CPU, so on
a 2-core machine it takes less from the server than the Python client does.
"""

from __future__ import annotations

import http.client
import json
import math
import random
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

INSTALL_WRK = "apt-get update && apt-get install -y wrk"


@dataclass
class Scenario:
    """One kind of request: a fixed method, path and headers, and a body per request.

    `body` is None for GETs; for POSTs it is a JSON template in which `{n}` becomes a request
    counter and `{user}` / `{org}` a random seeded user and their organization (the same
    substitution in Lua and Python).
    """

    name: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    users: int = 1
    organizations: int = 1
    expect: int = 200


@dataclass
class Result:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    client: str

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_path() -> str | None:
    return shutil.which("wrk")


def run(
    scenario: Scenario, base_url: str, *, concurrency: int, seconds: float, client: str
) -> Result:
    if client == "wrk":
        return run_wrk(scenario, base_url, concurrency=concurrency, seconds=seconds)
    return run_python(scenario, base_url, concurrency=concurrency, seconds=seconds)


# wrk -------------------------------------------------------------------------------------

LUA = r"""
local method = %(method)s
local headers = %(headers)s
local template = %(body)s
local users, orgs = %(users)d, %(orgs)d
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  math.randomseed(tid * 7919 + os.time())
  counter = tid * 100000000
end

function request()
  if template == nil then
    return wrk.format(method, nil, headers, nil)
  end
  counter = counter + 1
  local user = math.random(1, users)
  local body = template:gsub("{n}", tostring(counter))
  body = body:gsub("{user}", tostring(user)):gsub("{org}", tostring(user %% orgs))
  return wrk.format(method, nil, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH-RESULT %%d %%d %%d %%d %%d %%d %%d %%d %%d %%d\n",
    summary.duration, summary.requests, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    latency:percentile(90), 0))
end
"""


def lua_string(text: str | None) -> str:
    return "nil" if text is None else json.dumps(text)  # a JSON string is a valid Lua string


def lua_script(scenario: Scenario) -> str:
    headers = dict(scenario.headers)
    if scenario.body is not None:
        headers["Content-Type"] = "application/json"
    table = "{" + ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
    return LUA % {
        "method": lua_string(scenario.method),
        "headers": table + "}",
        "body": lua_string(scenario.body),
        "users": scenario.users,
        "orgs": scenario.organizations,
    }


def run_wrk(scenario: Scenario, base_url: str, *, concurrency: int, seconds: float) -> Result:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(lua_script(scenario))
        script = Path(file.name)
    try:
        command = [
            wrk_path() or "wrk",
            f"--threads={min(2, concurrency)}",
            f"--connections={concurrency}",
            f"--duration={max(1, round(seconds))}s",
            "--timeout=30s",
            f"--script={script}",
            base_url + scenario.path,
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    finally:
        script.unlink()
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH-RESULT")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")
    duration, requests, socket_errors, status_errors, p50, p95, p99, worst, _p90, _ = map(
        int, line.split()[1:]
    )
    return Result(
        requests=requests,
        seconds=duration / 1e6,
        errors=socket_errors + status_errors,
        p50_ms=p50 / 1000,
        p95_ms=p95 / 1000,
        p99_ms=p99 / 1000,
        max_ms=worst / 1000,
        client="wrk",
    )


# Python threads ----------------------------------------------------------------------------


def body_maker(scenario: Scenario) -> Callable[[int, random.Random], bytes | None]:
    def make(counter: int, rng: random.Random) -> bytes | None:
        if scenario.body is None:
            return None
        user = rng.randint(1, scenario.users)
        text = scenario.body.replace("{n}", str(counter)).replace("{user}", str(user))
        return text.replace("{org}", str(user % scenario.organizations)).encode()

    return make


def run_python(scenario: Scenario, base_url: str, *, concurrency: int, seconds: float) -> Result:
    """The fallback client: one thread and one keep-alive connection per concurrent request."""
    host, _, port = base_url.removeprefix("http://").partition(":")
    headers = dict(scenario.headers)
    if scenario.body is not None:
        headers["Content-Type"] = "application/json"
    make = body_maker(scenario)
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    start = threading.Barrier(concurrency + 1)
    deadline = [0.0]

    def worker(index: int) -> None:
        rng = random.Random(index)
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        counter = index * 100_000_000
        start.wait()
        while (now := time.perf_counter()) < deadline[0]:
            counter += 1
            try:
                connection.request(
                    scenario.method, scenario.path, body=make(counter, rng), headers=headers
                )
                response = connection.getresponse()
                response.read()
                ok = response.status == scenario.expect
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=30)
            latencies[index].append(time.perf_counter() - now)
            errors[index] += not ok
        connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    every = sorted(x for part in latencies for x in part)
    return Result(
        requests=len(every),
        seconds=elapsed,
        errors=sum(errors),
        p50_ms=percentile(every, 50) * 1000,
        p95_ms=percentile(every, 95) * 1000,
        p99_ms=percentile(every, 99) * 1000,
        max_ms=(every[-1] if every else 0.0) * 1000,
        client="python",
    )


def percentile(ordered: list[float], pct: float) -> float:
    if not ordered:
        return 0.0
    rank = max(0, math.ceil(pct / 100 * len(ordered)) - 1)
    return ordered[rank]
