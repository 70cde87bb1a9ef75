"""Throughput and latency of the API against a bare ASGI app serving the same bytes, in the same run.

    scripts/bench                  # every target, 3 repeats of 10 s
    scripts/bench --quick          # 1 repeat of 3 s, for a smoke check
    scripts/bench --quick --only offer,health   # the targets whose names contain either

The server runs on one core (taskset -c 1) and wrk on the other, as in ../shared/PERFORMANCE.md.
The machine is noisy, so only ratios against the bare app measured alongside are meaningful.
Exits non-zero if the 256-connection check times out or serves nothing (the session deadlock).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.targets import DEADLOCK_P99_GOAL_MS, DEADLOCK_TARGET, TARGETS, Target  # noqa: E402
from tests.support.live_server import free_port  # noqa: E402


def pinned(core: str) -> list[str]:
    return ["taskset", "-c", core] if shutil.which("taskset") and (os.cpu_count() or 1) >= 2 else []


@contextmanager
def server(app: str, env: dict[str, str], log: Path) -> Iterator[str]:
    port = free_port()
    cmd = [
        *pinned("1"),
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        # As the Dockerfile serves the app (and the bare app alike): the app, not uvicorn, decides
        # which proxies to trust, and no `server` header.
        "--no-proxy-headers",
        "--no-server-header",
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(base + "/health/live", timeout=1)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise RuntimeError(log.read_text()[-2000:]) from None
                    time.sleep(0.1)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def lua_for(target: Target, token: str | None, directory: Path) -> Path:
    headers = dict(target.headers)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if target.body is not None:
        headers.setdefault("Content-Type", "application/json")
    lines = [f'wrk.method = "{target.method}"']
    if target.body is not None:
        lines.append(f"wrk.body = {json.dumps(target.body)}")
    lines += [f'wrk.headers["{k}"] = {json.dumps(v)}' for k, v in headers.items()]
    path = directory / f"{abs(hash((target.name, token)))}.lua"
    path.write_text("\n".join(lines) + "\n")
    return path


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"wrk printed a latency this script cannot read: {text!r}")
    number, unit = match.groups()
    return float(number) * _UNITS[unit]


def wrk(url: str, script: Path, *, duration: int, connections: int, timeout: int = 2) -> dict[str, float]:
    out = subprocess.run(
        [
            *pinned("0"),
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            f"--timeout={timeout}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 60,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    timeouts = float(errors.group(4)) if errors else 0.0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "timeouts": timeouts,
        "non2xx": float(non2xx.group(1)) if non2xx else 0,
    }


def sign_in(base: str, account: str) -> str:
    response = httpx.post(
        f"{base}/v1/auth/token",
        data={"grant_type": "password", "username": account, "password": "demo"},
        timeout=10,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def record_bodies(
    base: str, targets: list[Target], tokens: dict[str, str | None]
) -> dict[str, dict[str, object]]:
    bodies: dict[str, dict[str, object]] = {}
    for target in targets:
        headers = dict(target.headers)
        if tokens.get(target.name):
            headers["Authorization"] = f"Bearer {tokens[target.name]}"
        response = httpx.request(
            target.method, base + target.path, content=target.body, headers=headers, timeout=10
        )
        if response.status_code >= 400:
            raise RuntimeError(f"{target.name}: {response.status_code} {response.text[:300]}")
        conditional = int(any(name.lower() == "if-none-match" for name in target.headers))
        bodies[f"{target.method} {target.path} {conditional}"] = {
            "status": response.status_code,
            "content_type": response.headers.get("content-type", "application/json"),
            "body": response.text,
        }
    return bodies


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1 repeat of 3 s, 1 s warm-up")
    parser.add_argument(
        "--only", help="Run the targets whose name contains this text (several, comma-separated: any of them)"
    )
    parser.add_argument(
        "--database-url",
        help="Benchmark on this (empty, throwaway) database instead of a new SQLite file, e.g. PostgreSQL",
    )
    args = parser.parse_args()
    if args.quick:
        args.duration, args.warmup, args.repeats = 3, 1, 1
    wanted = [part.strip() for part in (args.only or "").split(",") if part.strip()]
    targets = [t for t in TARGETS if not wanted or any(part in t.name for part in wanted)]
    # The 256-connection check runs unless --only leaves it out.
    check_deadlock = not wanted or any(part in DEADLOCK_TARGET.name for part in wanted)

    work = Path(tempfile.mkdtemp(prefix="local-offer-bench-"))
    db_url = args.database_url or f"sqlite:///{work / 'bench.db'}"
    env = {"LOCAL_OFFER_DATABASE_URL": db_url, "LOCAL_OFFER_DEMO": "true", "LOCAL_OFFER_LOG_LEVEL": "WARNING"}
    for command in (["migrate"], ["demo-data"]):
        subprocess.run(
            [sys.executable, "-m", "app", *command],
            cwd=ROOT,
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )

    results: dict[str, dict[str, list[float]]] = {}
    with server("app.main:app", env, work / "app.log") as app_base:
        tokens = {
            t.name: sign_in(app_base, t.account) if t.account else None for t in [*targets, DEADLOCK_TARGET]
        }
        bodies = record_bodies(app_base, targets, tokens)
        (work / "bodies.json").write_text(json.dumps(bodies))
        with server(
            "bench.bare_asgi:app", {"BENCH_BODIES": str(work / "bodies.json")}, work / "bare.log"
        ) as bare:
            for target in targets:
                script = lua_for(target, tokens[target.name], work)
                for base in (app_base, bare):
                    wrk(base + target.path, script, duration=args.warmup, connections=args.connections)
                for _ in range(args.repeats):  # interleaved, so drift hits both sides alike
                    for label, base in (("app", app_base), ("bare", bare)):
                        figures = wrk(
                            base + target.path, script, duration=args.duration, connections=args.connections
                        )
                        for key, value in figures.items():
                            results.setdefault(f"{target.name}|{label}", {}).setdefault(key, []).append(value)
        deadlock = None
        if check_deadlock:
            deadlock_script = lua_for(DEADLOCK_TARGET, tokens[DEADLOCK_TARGET.name], work)
            # A queue of 256 on one core takes a while to drain; a deadlock never drains, so allow 10 s.
            deadlock = wrk(
                app_base + DEADLOCK_TARGET.path,
                deadlock_script,
                duration=max(args.duration, 5),
                connections=256,
                timeout=10,
            )

    backend = db_url.split(":", 1)[0]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"\nLocal Offer API benchmark on {backend}: {args.repeats} x {args.duration}s, {args.connections} "
        f"connections, server on core 1, wrk on core 0 (medians); load average {load} at the end\n"
    )
    header = (
        f"{'target':<38} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'bare req/s':>11} {'x bare':>7} "
        f"{'goal':>6}  met"
    )
    print(header)
    print("-" * len(header))
    met, missed = [], []
    for target in targets:
        app_fig = {k: statistics.median(v) for k, v in results[f"{target.name}|app"].items()}
        bare_fig = {k: statistics.median(v) for k, v in results[f"{target.name}|bare"].items()}
        ratio = app_fig["rps"] / bare_fig["rps"] if bare_fig["rps"] else 0.0
        goal = target.goal_on(backend)
        verdict = "" if goal is None else ("yes" if ratio >= goal else "NO")
        if goal is not None:
            (met if ratio >= goal else missed).append(target.name)
        print(
            f"{target.name:<38} {app_fig['rps']:>9.0f} {app_fig['p50']:>8.2f} {app_fig['p99']:>8.2f} "
            f"{bare_fig['rps']:>11.0f} {ratio:>7.3f} {'' if goal is None else f'{goal:.2f}':>6}  {verdict}"
        )
        if app_fig["non2xx"]:
            print(f"  warning: {app_fig['non2xx']:.0f} non-2xx responses")
    print(
        f"Goals met: {len(met)} of {len(met) + len(missed)}"
        + (f"; missed: {', '.join(missed)}" if missed else "")
    )
    if deadlock is None:
        return 0
    deadlock_met = (
        deadlock["timeouts"] == 0 and deadlock["rps"] > 0 and deadlock["p99"] < DEADLOCK_P99_GOAL_MS
    )
    print(
        f"{DEADLOCK_TARGET.name}: {deadlock['rps']:.0f} req/s, p99 {deadlock['p99']:.1f} ms, "
        f"{deadlock['timeouts']:.0f} timeouts (goal: none, and p99 < {DEADLOCK_P99_GOAL_MS:.0f} ms: "
        f"{'met' if deadlock_met else 'NOT met'})"
    )
    if deadlock["rps"] == 0 or deadlock["timeouts"] > 0:
        print("FAIL: requests timed out or none were served at 256 connections (session deadlock?)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
