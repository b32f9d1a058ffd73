"""Results tools: `stats` and `export --format coco` against a plain JSON-decoding loop.

What is compared (see docs/performance.md, "Results: stats and export"):
  baseline  read the file line by line and json.loads every line, nothing else: the least any
            reader of the manifest must do.
  stats     tools.results.stats.compute_stats over the same file.
  coco      tools.results.export.export(..., "coco") into a temporary folder (both passes).
  peak      peak traced memory (tracemalloc) of stats and of the COCO export, for N and N/10
            lines: flat if they stream.
The file is a generated bounding-box output manifest (default 100,000 lines, 5 boxes a line, in
the shape of https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html), written to a
temporary folder. Timings are the best of R runs with time.perf_counter, the cases interleaved
so a busy machine slows each alike. Usage: python bench/bench_results.py [--lines N] [--repeat R]
[--strict] (--strict exits 1 when a target is missed).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from bench.timing import best_of_interleaved, traced_peak
from tools.results.export import export
from tools.results.read.jobdir import JobInput
from tools.results.stats import compute_stats

TARGET_STATS = 2.5
TARGET_COCO = 8.0
TARGET_PEAK_BYTES = 500 * 1024 * 1024
CLASSES = ("car", "bus", "person", "bicycle", "traffic light", "stop sign", "dog", "Straße ")


def write_manifest(path: Path, lines: int, boxes: int = 5, seed: int = 1) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(lines):
            annotations = []
            for _ in range(boxes):
                left, top = rng.randrange(0, 1500), rng.randrange(0, 900)
                annotations.append(
                    {"class_id": rng.randrange(len(CLASSES)), "left": left, "top": top,
                     "width": rng.randrange(10, 400), "height": rng.randrange(10, 300)}
                )  # fmt: skip
            used = sorted({box["class_id"] for box in annotations})
            line = {
                "source-ref": f"s3://bench-bucket/images/batch-{i // 5000:03d}/img-{i:07d}.jpg",
                "traffic": {
                    "image_size": [{"width": 1920, "height": 1080, "depth": 3}],
                    "annotations": annotations,
                },
                "traffic-metadata": {
                    "objects": [{"confidence": round(rng.random(), 2)} for _ in annotations],
                    "class-map": {str(c): CLASSES[c] for c in used},
                    "type": "groundtruth/object-detection",
                    "human-annotated": "yes",
                    "creation-date": "2026-11-20T10:00:00.000000",
                    "job-name": "labeling-job/bench-traffic",
                },
            }
            out.write(json.dumps(line, separators=(",", ":")) + "\n")


def json_loop(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        for raw in handle:
            json.loads(raw)
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Results stats/export benchmark (no AWS).")
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big, small = folder / "big.manifest", folder / "small.manifest"
        write_manifest(big, args.lines)
        write_manifest(small, max(1, args.lines // 10))
        job, small_job = JobInput(manifest=big), JobInput(manifest=small)
        quiet = io.StringIO()

        def coco(target: JobInput) -> None:
            with tempfile.TemporaryDirectory(dir=tmp) as out:
                export(target, "coco", Path(out), log=quiet)

        assert json_loop(big) == args.lines
        best = best_of_interleaved(
            args.repeat,
            {
                "json loop": lambda: json_loop(big),
                "stats": lambda: compute_stats(job),
                "coco": lambda: coco(job),
            },
        )
        peaks = {
            "stats": traced_peak(lambda: compute_stats(job)),
            "stats (N/10)": traced_peak(lambda: compute_stats(small_job)),
            "coco": traced_peak(lambda: coco(job)),
            "coco (N/10)": traced_peak(lambda: coco(small_job)),
        }
        size_mb = big.stat().st_size / 1e6
    base = best["json loop"]
    stats_ratio, coco_ratio = best["stats"] / base, best["coco"] / base
    mib = 1024 * 1024
    print(f"Results benchmark: {args.lines:,} box lines x 5 boxes ({size_mb:.0f} MB), best of {args.repeat}")
    print(f"Python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs\n")
    for name in ("json loop", "stats", "coco"):
        print(f"{name:<12}{best[name]:>8.2f} s{best[name] / base:>8.2f}x")
    print()
    for name, peak in peaks.items():
        print(f"peak traced memory, {name:<14}{peak / mib:>8.2f} MiB")
    # The whole process, generation of the file and every run included (Linux reports KiB).
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident set size of this process: {rss_mib:.0f} MiB")
    missed = []
    if stats_ratio > TARGET_STATS:
        missed.append(f"stats {stats_ratio:.2f}x > {TARGET_STATS}x")
    if coco_ratio > TARGET_COCO:
        missed.append(f"coco {coco_ratio:.2f}x > {TARGET_COCO}x")
    if max(peaks.values()) >= TARGET_PEAK_BYTES:
        missed.append(f"peak {max(peaks.values()) / mib:.0f} MiB >= {TARGET_PEAK_BYTES // mib} MiB")
    print("\ntargets: " + ("met" if not missed else "MISSED: " + "; ".join(missed)))
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    raise SystemExit(main())
