"""Where a job's files are on this machine, and the input options every offline command shares.

A pulled job folder mirrors `<S3OutputPath>/<labeling-job-name>/` (see
https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html), with the input objects the
manifest references stored as `sources/<bucket>/<key>`:

    <job>/manifests/output/output.manifest            (or manifests/intermediate/<n>/output.manifest)
    <job>/annotations/worker-response/iteration-<n>/<datasetObjectId>/<timestamp>.json
    <job>/annotations/consolidated-annotation/output/...   (masks, SeqLabel.json)
    <job>/sources/<bucket>/<key>

`pull` stores each key segment percent-encoded where Windows could not hold it (`:` -> `%3A`,
tools/results/keys.py); a folder copied another way (e.g. `aws s3 sync`) keeps raw names. Both
are looked up, encoded first.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from tools.results.errors import UsageError
from tools.results.keys import local_path, source_path

_OUTPUT_MARKER = "/annotations/consolidated-annotation/"


@dataclass(frozen=True)
class JobInput:
    """The manifest to read and, when it sits in a pulled job folder, that folder."""

    manifest: Path
    root: Path | None = None
    sources: Path | None = None

    @property
    def job_name(self) -> str | None:
        return self.root.name if self.root is not None else None

    @property
    def worker_responses(self) -> Path | None:
        if self.root is None:
            return None
        folder = self.root / "annotations" / "worker-response"
        return folder if folder.is_dir() else None

    def local_output_file(self, uri: str) -> Path | None:
        """The local copy of a file the job wrote (mask, SeqLabel.json, .zlib), if it was pulled."""
        marker = uri.rfind(_OUTPUT_MARKER)
        candidates: list[Path] = []
        if marker >= 0 and self.root is not None:
            relative = uri[marker + 1 :]
            candidates += [local_path(self.root, relative), _safe_join(self.root, relative)]
        if "://" not in uri:  # a plain relative path, e.g. in hand-made test data
            candidates.append(_safe_join(self.manifest.parent, uri))
        return next((path for path in candidates if path.is_file()), None)

    def local_source(self, uri: str | None) -> Path | None:
        """`s3://bucket/key` -> `<sources>/bucket/key`, if that file exists."""
        if not uri or self.sources is None or not uri.startswith("s3://"):
            return None
        bucket_and_key = uri[len("s3://") :]
        candidates = [source_path(self.sources, uri)]
        candidates += [_safe_join(self.sources, raw) for raw in (bucket_and_key, unquote(bucket_and_key))]
        return next((path for path in candidates if path.is_file()), None)


def _safe_join(base: Path, relative: str) -> Path:
    """`base/relative`, refusing anything that would step outside `base` (keys are user data)."""
    parts = [part for part in PurePosixPath(relative).parts if part not in ("", "/")]
    if any(part == ".." for part in parts) or not parts:
        return base / "\0invalid"  # never exists: such a key is not looked up at all
    return base.joinpath(*parts)


def manifest_in(root: Path) -> Path:
    """The final output manifest of a job folder, else the newest intermediate one."""
    final = root / "manifests" / "output" / "output.manifest"
    if final.is_file():
        return final
    intermediate = root / "manifests" / "intermediate"
    numbered = []
    if intermediate.is_dir():
        for child in intermediate.iterdir():
            if child.name.isdigit() and (child / "output.manifest").is_file():
                numbered.append((int(child.name), child / "output.manifest"))
    if numbered:
        return max(numbered)[1]
    raise UsageError(
        f"{root}: no output manifest (looked for manifests/output/output.manifest and "
        "manifests/intermediate/<n>/output.manifest); has the job written any output yet?"
    )


def job_root_of(manifest: Path) -> Path | None:
    """The job folder a manifest sits in, when it is laid out as Ground Truth writes it."""
    parts = manifest.resolve().parts
    if len(parts) >= 4 and parts[-3:] == ("manifests", "output", "output.manifest"):
        return Path(*parts[:-3])
    if len(parts) >= 5 and parts[-4] == "manifests" and parts[-3] == "intermediate" and parts[-2].isdigit():
        return Path(*parts[:-4])
    return None


def add_input_arguments(parser: argparse.ArgumentParser, *, sources: bool = False) -> None:
    """`--manifest PATH` (offline) or `--env NAME --job NAME` (the pulled job), and `--attribute`."""
    where = parser.add_argument_group("which output to read (one of)")
    where.add_argument("--manifest", type=Path, metavar="PATH", help="an output manifest on disk (offline)")
    where.add_argument("--env", metavar="NAME", help="environment name (config/<env>.toml), with --job")
    where.add_argument(
        "--job", metavar="NAME", help="job name; its pulled folder is read (pulled first if absent)"
    )
    parser.add_argument(
        "--attribute",
        metavar="NAME",
        help="the label attribute to use when a line carries several (chained, verification, adjustment)",
    )
    if sources:
        parser.add_argument(
            "--sources",
            type=Path,
            metavar="DIR",
            help="input objects laid out as DIR/<bucket>/<key> (default: the job folder's sources/)",
        )


def resolve_input(args: argparse.Namespace) -> JobInput:
    """Turn the input options into a `JobInput`, pulling the job first for `--env/--job`."""
    manifest: Path | None = args.manifest
    env: str | None = args.env
    job: str | None = args.job
    explicit_sources: Path | None = getattr(args, "sources", None)
    if manifest is not None and (env or job):
        raise UsageError("give either --manifest PATH or --env NAME --job NAME, not both")
    if manifest is None:
        if not env or not job:
            raise UsageError("say which output to read: --manifest PATH, or --env NAME --job NAME")
        from tools.results.pull import ensure_pulled  # AWS only on this path

        root: Path | None = ensure_pulled(env, job)
        assert root is not None
        manifest = manifest_in(root)
    else:
        if not manifest.is_file():
            raise UsageError(f"--manifest {manifest}: no such file")
        root = job_root_of(manifest)
    if explicit_sources is not None and not explicit_sources.is_dir():
        raise UsageError(f"--sources {explicit_sources}: no such folder")
    sources = explicit_sources
    if sources is None and root is not None and (root / "sources").is_dir():
        sources = root / "sources"
    return JobInput(manifest=manifest, root=root, sources=sources)
