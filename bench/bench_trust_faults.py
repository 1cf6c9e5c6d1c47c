"""Trust under faults (issue 9), against gunicorn on PostgreSQL over loopback, each scenario
on a throwaway database (see bench/fault_scenarios.py):
  - a gunicorn worker SIGKILLed mid-registration, after writing the registration and its
    preferences (5 runs);
  - the local PostgreSQL cluster stopped and started under a paced registration load (1 run:
    it interrupts every other user of this PostgreSQL for a few seconds);
  - a badge sheet PDF stored on a full disk, a 16 KiB tmpfs (3 runs; needs root to mount).
Prints "fault runs, records lost" as a table; fails when any record is lost."""

import sys

from fault_scenarios import full_disk_badge_sheet, postgres_restart_under_load, worker_killed_mid_registration
from harness import table


def describe(figures, keys):
    return ", ".join(f"{key} {figures[key]}" for key in keys if key in figures)


def main():
    rows = []
    kill = worker_killed_mid_registration(runs=5)
    rows.append(
        [
            "gunicorn worker killed mid-registration",
            kill["runs"],
            kill["lost"],
            describe(
                kill, ["killed after writing", "half registrations", "leaked seats", "retries not registered"]
            ),
        ]
    )
    restart = postgres_restart_under_load(attempts=400, per_second=40, outage_seconds=2.0)
    rows.append(
        [
            "PostgreSQL restarted under registration load",
            1,
            restart["lost"],
            describe(
                restart,
                [
                    "attempts",
                    "acknowledged",
                    "acknowledged lost",
                    "duplicates",
                    "outage s",
                    "healthz while down",
                    "registration while down",
                    "healthz 503 seen",
                    "recovered s after start",
                    "healthz after",
                    "new registrations after",
                    "retries",
                    "retries failed",
                ],
            ),
        ]
    )
    disk = full_disk_badge_sheet(runs=3)
    if disk is None:
        rows.append(
            ["full disk while storing a badge sheet", 0, "", "not run: cannot mount a tmpfs (needs root)"]
        )
    else:
        rows.append(
            [
                "full disk while storing a badge sheet",
                disk["runs"],
                disk["lost"],
                describe(disk, ["failed jobs", "downloads 409", "downloads served", "partial files left"]),
            ]
        )
    table(["fault", "fault runs", "records lost", "figures"], rows)
    lost = sum(row[2] for row in rows if row[2] != "")
    runs = sum(row[1] for row in rows)
    print(f"\nFault runs {runs}, records lost {lost}.")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
