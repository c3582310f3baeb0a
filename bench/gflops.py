#!/usr/bin/env python3
"""Turns a JMH JSON result of GemmBench (-rf json) into GFLOPS: median and range of the iterations."""
import json, statistics, sys
for r in json.load(open(sys.argv[1])):
    p = r.get("params", {})
    m, k, n = (int(x) for x in p["shape"].split("x"))
    flop = 2.0 * m * n * k
    raw = [x for fork in r["primaryMetric"]["rawData"] for x in fork]  # us/op
    g = sorted(flop / (us * 1e3) for us in raw)
    extra = " ".join(f"{kk}={vv}" for kk, vv in p.items() if kk not in ("shape", "threads"))
    print(f"{r['benchmark'].split('.')[-1]:12s} {p['shape']:>15s} t={p['threads']} {extra} "
          f"median {statistics.median(g):6.1f} GFLOPS  range {g[0]:6.1f}..{g[-1]:6.1f}")
