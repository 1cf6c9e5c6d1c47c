"""Registrations per second and latency under gunicorn on PostgreSQL, against the ceiling of a
bare insert endpoint measured in the same run. Also counts oversold seats (must be 0) and the
CPU a request costs the server (gunicorn's workers) and PostgreSQL.

Env: BENCH_REQUESTS (per run, default 1500), BENCH_WORKERS (default 4) and BENCH_THREADS (default
1): gunicorn's gthread workers, as the README deploys them (one request at a time per process).
Targets (issue 3): at least half the ceiling, p99 under 250 ms at 64 clients, zero oversold."""

import json
import os
import sys

from harness import (
    bench_env,
    cpu_per_request,
    cpu_split,
    fresh_database,
    gunicorn_process,
    manage,
    run_load,
    summary,
    table,
)

CAPACITY = 350
PER_RUN = int(os.environ.get("BENCH_REQUESTS", "1500"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "1"))


def main():
    url = fresh_database("summit_bench_registration")
    env = bench_env(url)
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--summit", "bench", "--attendees", "0", "--capacity", str(CAPACITY))
    rows = []
    oversold_total = 0
    print(
        f"gunicorn gthread, {WORKERS} workers x {THREADS} threads; load average before: {os.getloadavg()[0]:.2f}"
    )
    with gunicorn_process(env, app="bench.ceiling_wsgi", workers=WORKERS, threads=THREADS) as (server, port):
        # Warm up every worker's connection.
        run_load(port, [("GET", "/api/summits/bench/", None)] * 64, clients=16)
        for clients in (16, 64):
            bare = [
                ("POST", "/bench/bare-insert", {"email": f"c{clients}-{i}@example.org"})
                for i in range(PER_RUN)
            ]
            before = cpu_split(server)
            seconds, latencies, results = run_load(port, bare, clients=clients)
            bare_cpu = cpu_per_request(before, cpu_split(server), len(bare))
            ceiling = summary(seconds, latencies, len(bare))
            errors_bare = sum(1 for status, _ in results if status != 201)

            regs = [
                (
                    "POST",
                    "/api/summits/bench/registrations/",
                    {
                        "first_name": f"P{i}",
                        "email": f"r{clients}-{i}@example.org",
                        "sector": "resident",
                        "ticket_type": "community-resident",
                        "group_preferences": ["housing", "transit"],
                    },
                )
                for i in range(PER_RUN)
            ]
            before = cpu_split(server)
            seconds, latencies, results = run_load(port, regs, clients=clients)
            reg_cpu = cpu_per_request(before, cpu_split(server), len(regs))
            reg = summary(seconds, latencies, len(regs))
            errors = sum(1 for status, _ in results if status != 201)
            confirmed = sum(
                1 for status, body in results if status == 201 and json.loads(body)["status"] == "confirmed"
            )
            rows.append(
                [
                    f"bare insert (ceiling), {clients} clients",
                    PER_RUN,
                    f"{ceiling['rps']:.0f}",
                    f"{ceiling['p50']:.1f}",
                    f"{ceiling['p99']:.1f}",
                    errors_bare,
                    f"{bare_cpu[0]:.1f}",
                    f"{bare_cpu[1]:.1f}",
                    "",
                    "",
                ]
            )
            rows.append(
                [
                    f"registration, {clients} clients",
                    PER_RUN,
                    f"{reg['rps']:.0f}",
                    f"{reg['p50']:.1f}",
                    f"{reg['p99']:.1f}",
                    errors,
                    f"{reg_cpu[0]:.1f}",
                    f"{reg_cpu[1]:.1f}",
                    f"{reg['rps'] / ceiling['rps']:.0%}",
                    confirmed,
                ]
            )
    import psycopg

    with psycopg.connect(url) as conn:
        held = conn.execute(
            "SELECT count(*) FROM registrations_registration r JOIN summit_summit s ON s.id = r.summit_id "
            "WHERE s.slug = 'bench' AND r.status = 'confirmed'"
        ).fetchone()[0]
    oversold_total = max(held - CAPACITY, 0)
    table(
        [
            "run",
            "requests",
            "req/s",
            "p50 ms",
            "p99 ms",
            "errors",
            "server CPU ms/req",
            "PostgreSQL CPU ms/req",
            "share of ceiling",
            "confirmed",
        ],
        rows,
    )
    print(f"\nSeats: capacity {CAPACITY}, confirmed in the database {held}, oversold {oversold_total}.")
    return 1 if oversold_total else 0


if __name__ == "__main__":
    sys.exit(main())
