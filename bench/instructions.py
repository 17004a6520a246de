"""Instructions per event (valgrind callgrind), this checkout against a baseline checkout.

Wall-clock rates on a shared 2-core VM swing by +-30% between identical runs; instruction
counts do not. Each side runs the same work twice, with N events and with none, in its own
interpreter under callgrind; the difference divided by N is the cost of one event, free of
start-up. The event mix is the baseline's catalog, so both sides do the same work.

    python bench/instructions.py --baseline-src ../base/src [--n 3000]
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

WORK = r'''
import json, sys
try:
    from capmock.generator import Generator
except ImportError:  # before generate.py was renamed
    from capmock.generate import Generator
from capmock.jsonio import dumps
from capmock.schemas import default_validator
names = json.load(open(sys.argv[1]))
kind, n = sys.argv[2], int(sys.argv[3])
g = Generator(seed=1)
warm = [g.one(names[i % len(names)]) for i in range(2 * len(names))]
if kind == "generate":
    for i in range(n):
        dumps(g.one(names[i % len(names)]))
else:
    payloads = [g.one(names[i % len(names)]) for i in range(3000)]
    v = default_validator()
    for p in warm:
        v.validate(p)
    for p in payloads[:n]:
        v.validate(p)
'''


def instructions(src: str, names: Path, script: Path, kind: str, n: int) -> int:
    env = {**os.environ, "PYTHONPATH": src}
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg",
             sys.executable, str(script), str(names), kind, str(n)],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
    match = re.search(r"Collected : (\d+)", out.stderr)
    if match is None:
        raise SystemExit(f"callgrind printed no total:\n{out.stderr[-2000:]}")
    return int(match.group(1))


def per_event(src: str, names: Path, script: Path, kind: str, n: int) -> float:
    full = instructions(src, names, script, kind, n)
    return (full - instructions(src, names, script, kind, 0)) / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline-src", required=True, help="another checkout's src/")
    parser.add_argument("--n", type=int, default=3000)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    here = str(Path(__file__).resolve().parents[1] / "src")
    with tempfile.TemporaryDirectory() as tmp:
        script, names = Path(tmp) / "work.py", Path(tmp) / "names.json"
        script.write_text(WORK)
        listed = subprocess.run(
            [sys.executable, "-c", "import json; from capmock import catalog; "
             "print(json.dumps(catalog.names()))"],
            env={**os.environ, "PYTHONPATH": args.baseline_src}, capture_output=True,
            text=True, check=True,
        )  # fmt: skip
        names.write_text(listed.stdout)
        print(f"events in mix: {len(json.loads(listed.stdout))} (the baseline's catalog)")
        for kind in ("generate", "validate"):
            base = per_event(args.baseline_src, names, script, kind, args.n)
            now = per_event(here, names, script, kind, args.n)
            print(f"{kind:<9} instructions/event  baseline {base:>9,.0f}  this {now:>9,.0f}"
                  f"  ratio {now / base:.2f} (below 1: fewer)")


if __name__ == "__main__":
    main()
