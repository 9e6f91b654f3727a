"""`make soak`: every fault scenario at full size against the real stack, then the table.

Runs on a PostgreSQL cluster and a Redis server of its own (never the machine's shared ones).
`python -m soak.run [--short] [scenario-name ...]`
"""

from __future__ import annotations

import argparse
import signal
import sys
import time

from .scenarios import FULL, SCENARIOS, SHORT
from .stack import SoakStack
from .table import markdown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make soak")
    parser.add_argument("--short", action="store_true", help="small sizes: every scenario in a few minutes")
    parser.add_argument("only", nargs="*", help="scenario function names (default: all)")
    args = parser.parse_args(argv)
    # A stop signal still stops the stack and the private servers (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    size = SHORT if args.short else FULL
    chosen = [s for s in SCENARIOS if not args.only or s.__name__ in args.only]
    soak = SoakStack()
    started = time.monotonic()
    rows = []
    try:
        soak.start()
        product = soak.product("water", "SOAK-20L")
        for scenario in chosen:
            print(f"soak: {scenario.__name__} ...", file=sys.stderr, flush=True)
            rows.append(scenario(soak, size, product))
            print(markdown(rows[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    finally:
        soak.stop()
    print(f"\n`make soak` ({'short' if args.short else 'full'} sizes, {time.monotonic() - started:.0f} s)\n")
    print(markdown(rows))
    return 0 if all(r.lost == 0 and r.doubled == 0 and r.recovered for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
