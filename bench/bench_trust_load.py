"""Trust under load (issue 9): a registration burst (1,000 attempts paced over 60 s at 350
seats, 32 clients) and a door rush (3,500 scans from 32 scanners), against gunicorn on
PostgreSQL over loopback. Prints throughput, p50/p99, errors, oversold seats, lost or
duplicated registrations and double admissions; fails when any of those is not 0.
The scenarios live in bench/load.py (run it alone for other sizes)."""

import sys

from load import door_rush, failures, print_figures, registration_burst


def main():
    rows = [registration_burst(), door_rush()]
    print_figures(rows)
    bad = sum(failures(row) for row in rows)
    print(f"\nFailures (errors, oversold, lost, duplicated, double admissions): {bad}.")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
