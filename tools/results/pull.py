"""`python -m tools.results pull`: a labeling job's output from S3 into a local folder, incrementally.

For each job, everything Ground Truth wrote under `<S3OutputPath>/<labeling-job-name>/` that holds
labels is mirrored into the job folder (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html):

    manifests/output/output.manifest                  the final output manifest
    manifests/intermediate/<n>/output.manifest        only the newest <n>: what a running job has so far
    annotations/worker-response/...                   every worker's answer
    annotations/consolidated-annotation/...           consolidation requests, responses, label files
                                                      (segmentation masks, video and point cloud
                                                      sequence files)
    sources/<bucket>/<key>                            the input objects the manifest's source-ref
                                                      values name (at most --max-sources)

Automated data labeling's model folders (activelearning/, inference/, training/) and older
intermediate manifests are left in S3. Key names are stored as tools/results/keys.py describes
(`:` becomes `%3A`, so worker-response files are valid file names on Windows too).

Incremental: `.pull-state.json` in the job folder records each object's ETag and size; an object
whose ETag and size are unchanged (and whose local copy is intact) is not downloaded again.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from botocore import exceptions as bx
from tqdm import tqdm

from gt_config import EnvironmentConfig
from gt_rules.retry import error_code, error_message
from tools.aws_access import CONNECTION_ERRORS, is_credentials_problem

from . import aws
from .errors import ResultsError, UsageError
from .keys import local_path, local_relative_path, source_path
from .status import LabelingJob, describe_jobs, no_such_job, select_jobs

RESULTS_ROOT = Path("results")
# Config and physical job names; anything else (a path) is refused before it reaches the disk.
LOCAL_NAME_RE = re.compile(r"[A-Za-z0-9](-*[A-Za-z0-9])*")
STATE_FILE = ".pull-state.json"
STATE_VERSION = 1
DEFAULT_MAX_SOURCES = 300
# Downloads are small files (JSON, PNG); a few parallel requests hide S3's per-request latency
# without flooding a home connection. Below aws.MAX_POOL_CONNECTIONS, so no request waits for one.
DOWNLOAD_WORKERS = 8
FINAL_MANIFEST = "manifests/output/output.manifest"
INTERMEDIATE = "manifests/intermediate/"
# Automated data labeling's model training and inference folders: large, and not labels.
SKIPPED_FOLDERS = ("activelearning/", "inference/", "training/")

DOWNLOADED = "downloaded"
UNCHANGED = "unchanged"
FAILED = "failed"


@dataclass(frozen=True)
class StateEntry:
    etag: str
    size: int
    path: str  # relative to the job folder, `/`-separated


@dataclass(frozen=True)
class Transfer:
    """One object to bring up to date. `listed` is (ETag, size) when a listing already gave them."""

    bucket: str
    key: str
    target: Path
    relative: str
    listed: tuple[str, int] | None = None

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


@dataclass(frozen=True)
class TransferResult:
    transfer: Transfer
    outcome: str  # DOWNLOADED | UNCHANGED | FAILED
    entry: StateEntry | None = None
    error: str = ""


@dataclass
class JobPull:
    """What pulling one job did."""

    job: LabelingJob
    folder: Path
    downloaded: int = 0
    unchanged: int = 0
    failures: list[str] = field(default_factory=list)
    manifest: str = ""  # the manifest's key relative to the job's output prefix, "" when none
    sources_referenced: int = 0
    sources_taken: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


# --- pure functions -----------------------------------------------------------------------------


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """`s3://bucket/key` -> (bucket, key)."""
    if not uri.startswith("s3://"):
        raise UsageError(f"{uri!r}: not an s3:// URI")
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    if not bucket:
        raise UsageError(f"{uri!r}: no bucket name")
    return bucket, key


def newest_intermediate(relative_keys: Iterable[str]) -> int | None:
    """The highest <n> of `manifests/intermediate/<n>/output.manifest` among the keys."""
    numbers = [
        int(parts[2])
        for parts in (key.split("/") for key in relative_keys)
        if len(parts) == 4 and parts[:2] == ["manifests", "intermediate"] and parts[2].isdigit()
        if parts[3] == "output.manifest"
    ]
    return max(numbers) if numbers else None


def wanted_output(relative_key: str, manifest: str) -> bool:
    """Whether an object under the job's output prefix is pulled (see the module docstring).

    `manifest` is `chosen_manifest(...)`: intermediate manifests are pulled only while there is
    no final one, and then only the newest.
    """
    if not relative_key or relative_key.endswith("/"):
        return False  # the prefix itself, or a zero-byte "folder" marker
    if relative_key.startswith(SKIPPED_FOLDERS):
        return False
    if relative_key.startswith(INTERMEDIATE):
        newest_folder = manifest.rsplit("/", 1)[0] + "/"
        return manifest.startswith(INTERMEDIATE) and relative_key.startswith(newest_folder)
    return True


def chosen_manifest(relative_keys: Iterable[str]) -> str:
    """The final output manifest when there is one, else the newest intermediate one, else ""."""
    keys = set(relative_keys)
    if FINAL_MANIFEST in keys:
        return FINAL_MANIFEST
    newest = newest_intermediate(keys)
    return f"{INTERMEDIATE}{newest}/output.manifest" if newest is not None else ""


def source_refs(lines: Iterable[str]) -> list[str]:
    """The distinct `source-ref` S3 URIs of a manifest's lines, in order of first appearance.

    Lines that are not JSON objects are skipped here: reading them is the offline commands' job,
    and they report such lines with the file and line number.
    """
    seen: dict[str, None] = {}
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        ref = record.get("source-ref") if isinstance(record, dict) else None
        if isinstance(ref, str) and ref.startswith("s3://") and "/" in ref.removeprefix("s3://"):
            seen.setdefault(ref)
    return list(seen)


def is_unchanged(previous: StateEntry | None, etag: str, size: int, folder: Path) -> bool:
    """Same ETag and size as last time, and the local copy still there with that size."""
    if previous is None or previous.etag != etag or previous.size != size:
        return False
    local = folder.joinpath(*previous.path.split("/"))
    return local.is_file() and local.stat().st_size == size


def job_folder(root: Path, job: LabelingJob) -> Path:
    """`<root>/<config job>/` for the current job, `<root>/<physical name>/` for an earlier revision.

    The config job name comes from a tag, so one that is not a plain name (a path) is not used.
    """
    use_config_name = job.current and LOCAL_NAME_RE.fullmatch(job.config_job) is not None
    return root / (job.config_job if use_config_name else job.name)


def read_state(folder: Path) -> tuple[dict[str, StateEntry], str]:
    """The state file's entries by s3:// URI, and a note when it was unreadable (then: empty)."""
    path = folder / STATE_FILE
    if not path.is_file():
        return {}, ""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"version {data.get('version')!r}")
        entries = {
            uri: StateEntry(str(value["etag"]), int(value["size"]), str(value["path"]))
            for uri, value in data["objects"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        return {}, f"{path}: unreadable ({error}); every object is checked again"
    return entries, ""


def write_state(folder: Path, entries: Mapping[str, StateEntry]) -> None:
    """Written to a temporary file first, so an interrupted pull never leaves half a state file."""
    data = {
        "version": STATE_VERSION,
        "objects": {
            uri: {"etag": e.etag, "size": e.size, "path": e.path} for uri, e in sorted(entries.items())
        },
    }
    temporary = folder / f"{STATE_FILE}.tmp"
    temporary.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    os.replace(temporary, folder / STATE_FILE)


# --- S3 -----------------------------------------------------------------------------------------


def list_objects(s3: Any, bucket: str, prefix: str) -> Iterator[dict[str, Any]]:
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        yield from page.get("Contents", [])


def sync_object(s3: Any, transfer: Transfer, previous: StateEntry | None, folder: Path) -> TransferResult:
    """Download one object unless it is unchanged; errors become a FAILED result, except the ones
    that stop the whole run (credentials, connection), which propagate."""
    partial = transfer.target.with_name(transfer.target.name + ".part")
    try:
        if transfer.listed is not None:
            etag, size = transfer.listed
        else:
            head = s3.head_object(Bucket=transfer.bucket, Key=transfer.key)
            etag, size = str(head.get("ETag", "")), int(head.get("ContentLength", 0))
        if is_unchanged(previous, etag, size, folder):
            return TransferResult(transfer, UNCHANGED, previous)
        response = s3.get_object(Bucket=transfer.bucket, Key=transfer.key)
        transfer.target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target and renamed when complete: an interrupted download never
        # leaves a truncated file under the real name.
        with partial.open("wb") as sink:
            for chunk in response["Body"].iter_chunks(1024 * 1024):
                sink.write(chunk)
        os.replace(partial, transfer.target)
        entry = StateEntry(str(response.get("ETag", etag)), transfer.target.stat().st_size, transfer.relative)
        return TransferResult(transfer, DOWNLOADED, entry)
    except (bx.BotoCoreError, bx.ClientError, OSError) as exc:
        partial.unlink(missing_ok=True)
        if is_credentials_problem(exc) or isinstance(exc, CONNECTION_ERRORS):
            raise
        code, detail = error_code(exc), error_message(exc)
        what = f"{code} ({detail})" if code and detail else code or str(exc)
        return TransferResult(transfer, FAILED, error=f"{transfer.uri}: {what}")


def sync_all(
    s3: Any,
    transfers: Sequence[Transfer],
    state: Mapping[str, StateEntry],
    folder: Path,
    *,
    label: str,
    workers: int = DOWNLOAD_WORKERS,
) -> list[TransferResult]:
    """Bring every transfer up to date on a bounded thread pool, with a progress bar on stderr."""
    results: list[TransferResult] = []
    if not transfers:
        return results
    with (
        ThreadPoolExecutor(max_workers=workers) as pool,
        tqdm(total=len(transfers), desc=label, unit="file", disable=None, leave=False) as progress,
    ):
        futures: list[Future[TransferResult]] = [
            pool.submit(sync_object, s3, t, state.get(t.uri), folder) for t in transfers
        ]
        try:
            for future in as_completed(futures):
                results.append(future.result())
                progress.update(1)
        except BaseException:
            for pending in futures:
                pending.cancel()
            raise
    return results


# --- one job ------------------------------------------------------------------------------------


def pull_job(
    s3: Any, job: LabelingJob, folder: Path, *, max_sources: int, workers: int = DOWNLOAD_WORKERS
) -> JobPull:
    """Mirror one job's output into `folder`, then the input objects its manifest names."""
    result = JobPull(job=job, folder=folder)
    folder.mkdir(parents=True, exist_ok=True)
    state, note = read_state(folder)
    if note:
        result.notes.append(note)
    bucket, prefix = parse_s3_uri(job.output_prefix)
    listed = {obj["Key"].removeprefix(prefix): obj for obj in list_objects(s3, bucket, prefix)}
    result.manifest = chosen_manifest(listed)
    outputs = [
        Transfer(
            bucket,
            prefix + relative,
            local_path(folder, relative),
            local_relative_path(relative),
            (str(obj.get("ETag", "")), int(obj.get("Size", 0))),
        )
        for relative, obj in sorted(listed.items())
        if wanted_output(relative, result.manifest)
    ]
    try:
        _record(
            result, state, sync_all(s3, outputs, state, folder, label=f"{job.name} output", workers=workers)
        )
        _describe_manifest(result)
        if result.manifest and max_sources > 0:
            manifest_file = local_path(folder, result.manifest)
            if manifest_file.is_file():
                _pull_sources(s3, result, state, manifest_file, max_sources=max_sources, workers=workers)
    finally:
        write_state(folder, state)
    return result


def _record(result: JobPull, state: dict[str, StateEntry], outcomes: Iterable[TransferResult]) -> None:
    for outcome in outcomes:
        if outcome.outcome == FAILED:
            result.failures.append(outcome.error)
            continue
        if outcome.outcome == DOWNLOADED:
            result.downloaded += 1
        else:
            result.unchanged += 1
        if outcome.entry is not None:
            state[outcome.transfer.uri] = outcome.entry


def _describe_manifest(result: JobPull) -> None:
    job = result.job
    if not result.manifest:
        result.notes.append(f"no output manifest yet (the job is {job.status}); nothing to read so far")
    elif result.manifest != FINAL_MANIFEST:
        if job.settled:
            result.notes.append(
                f"the job is {job.status} without a final output manifest: took the newest partial one, "
                f"{result.manifest}"
            )
        else:
            result.notes.append(
                f"the job is {job.status}, not finished: this is what exists so far ({result.manifest}); "
                "pull again when it completes for the final manifest"
            )
    elif not job.settled:
        result.notes.append(f"the job is {job.status}: more output may still arrive; pull again later")


def _pull_sources(
    s3: Any,
    result: JobPull,
    state: dict[str, StateEntry],
    manifest_file: Path,
    *,
    max_sources: int,
    workers: int,
) -> None:
    with manifest_file.open(encoding="utf-8", errors="replace") as lines:
        refs = source_refs(lines)
    result.sources_referenced = len(refs)
    taken = refs[:max_sources]
    result.sources_taken = len(taken)
    if len(refs) > max_sources:
        result.notes.append(
            f"capped: took {max_sources} of the {len(refs)} input objects the manifest references "
            "(--max-sources raises the cap)"
        )
    sources = result.folder / "sources"
    transfers = []
    for uri in taken:
        bucket, key = parse_s3_uri(uri)
        target = source_path(sources, uri)
        transfers.append(Transfer(bucket, key, target, target.relative_to(result.folder).as_posix()))
    label = f"{result.job.name} sources"
    _record(result, state, sync_all(s3, transfers, state, result.folder, label=label, workers=workers))


# --- the command --------------------------------------------------------------------------------


def render_pull(pull: JobPull, *, cwd: Path | None = None) -> str:
    job = pull.job
    where = _shown(pull.folder, cwd)
    revision = "" if job.current else ", earlier revision"
    lines = [
        f"{job.config_job} ({job.name}, {job.status}{revision}) -> {where}",
        f"  {pull.downloaded} file(s) downloaded, {pull.unchanged} unchanged, {len(pull.failures)} failed",
    ]
    if pull.manifest:
        lines.append(f"  manifest: {pull.manifest}")
    if pull.sources_referenced:
        lines.append(
            f"  input objects: {pull.sources_taken} of {pull.sources_referenced} referenced, in sources/"
        )
    lines += [f"  note: {note}" for note in pull.notes]
    lines += [f"  FAILED: {failure}" for failure in pull.failures[:20]]
    if len(pull.failures) > 20:
        lines.append(f"  ... and {len(pull.failures) - 20} more failures")
    return "\n".join(lines) + "\n"


def resolve_targets(
    jobs: Sequence[LabelingJob], *, wanted: str | None, root: Path, to: Path | None
) -> list[tuple[LabelingJob, Path]]:
    """Which physical jobs to pull, and into which folder.

    `--job <config name>`: the newest physical job of that config job. `--job <physical name>`:
    that job. Without `--job`: every job, earlier revisions included (what `make destroy` saves).
    `--to` is the job folder when one job is pulled, else the folder holding one per job.
    """
    if wanted:
        selected = select_jobs(jobs, wanted)
        by_config = [j for j in selected if j.config_job == wanted]
        if by_config:
            selected = [j for j in by_config if j.current][:1] or by_config[:1]
        return [(job, to if to is not None else job_folder(root, job)) for job in selected]
    base = to if to is not None else root
    return [(job, job_folder(base, job)) for job in jobs]


def pull_environment(
    clients: aws.Clients,
    config: EnvironmentConfig,
    *,
    wanted: str | None,
    root: Path,
    to: Path | None,
    max_sources: int,
    out: TextIO,
) -> list[JobPull]:
    """Pull the selected jobs; raises ResultsError when it cannot run at all."""
    with aws.one_line_errors():
        jobs = describe_jobs(clients.sagemaker, config)
        targets = resolve_targets(jobs, wanted=wanted, root=root, to=to)
        if wanted and not targets:
            raise UsageError(no_such_job(config, wanted))
        pulls = []
        for job, folder in targets:
            try:
                pull = pull_job(clients.s3, job, folder, max_sources=max_sources)
            except bx.ClientError as exc:
                if is_credentials_problem(exc):
                    raise
                # One job's unreadable output (its bucket gone, access denied) must not stop the rest.
                pull = JobPull(job=job, folder=folder)
                pull.failures.append(f"{job.output_prefix}: {error_code(exc)} ({error_message(exc)})")
            out.write(render_pull(pull, cwd=Path.cwd()))
            out.flush()
            pulls.append(pull)
    return pulls


def run_pull(
    args: argparse.Namespace,
    *,
    clients: aws.Clients | None = None,
    out: TextIO | None = None,
    root: Path | None = None,
) -> int:
    """0 every job pulled, 1 some failed (named), 2 could not run (raised as ResultsError)."""
    out = out or sys.stdout
    if args.max_sources < 0:
        raise UsageError(f"--max-sources {args.max_sources}: must be 0 or more")
    config = aws.load_config(args.env)
    clients = clients or aws.build_clients(config.region)
    pulls = pull_environment(
        clients,
        config,
        wanted=args.job,
        root=root if root is not None else RESULTS_ROOT / config.name,
        to=args.to,
        max_sources=args.max_sources,
        out=out,
    )
    if not pulls:
        out.write(f"No labeling job of {config.name_prefix} in {config.region}: nothing to pull.\n")
        return 0
    failed = [p for p in pulls if not p.ok]
    if failed:
        names = ", ".join(f"{p.job.name} ({len(p.failures)} file(s))" for p in failed)
        out.write(f"\nPulled {len(pulls) - len(failed)} of {len(pulls)} job(s); failed: {names}.\n")
        return 1
    out.write(f"\nPulled {len(pulls)} job(s).\n")
    return 0


def ensure_pulled(
    env: str,
    job: str,
    *,
    clients: aws.Clients | None = None,
    root: Path | None = None,
    out: TextIO | None = None,
) -> Path:
    """The local folder of `job` (a config or physical job name), pulled first when it holds no
    manifest yet. Progress goes to `out` (stderr by default, so a command's own output stays clean).
    Raises ResultsError (NoCredentials when AWS is needed and there are none)."""
    out = out or sys.stderr
    if not LOCAL_NAME_RE.fullmatch(job):
        raise UsageError(f"--job {job!r}: a job name is letters, digits and hyphens")
    config = aws.load_config(env)
    base = root if root is not None else RESULTS_ROOT / config.name
    local = base / job
    if _has_manifest(local):
        return local
    clients = clients or aws.build_clients(config.region)
    out.write(f"{local} holds no output manifest yet: pulling {job} first.\n")
    pulls = pull_environment(
        clients, config, wanted=job, root=base, to=None, max_sources=DEFAULT_MAX_SOURCES, out=out
    )
    pull = pulls[0]
    if not pull.ok:
        raise ResultsError(
            f"pulling {pull.job.name} failed for {len(pull.failures)} file(s): {pull.failures[0]}"
        )
    if not pull.manifest:
        raise ResultsError(
            f"{pull.job.name} ({pull.job.status}) has no output manifest yet; "
            "try again once workers have labeled some objects"
        )
    return pull.folder


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "pull",
        help="download each job's output (manifests, worker responses, label files, input images)",
        description=(
            "Mirrors <S3OutputPath>/<labeling-job-name>/ (output manifest, worker responses, "
            "consolidation files, label files) into results/<env>/<job>/, plus the input objects the "
            "manifest references as sources/<bucket>/<key>. Incremental: unchanged objects (same ETag "
            "and size) are not downloaded again. Without --job, every job of the environment, earlier "
            "revisions into results/<env>/<physical name>/. Exit 0: every job pulled; 1: some files "
            "failed (named); 2: could not run."
        ),
    )
    parser.add_argument("--env", required=True, help="environment name (config/<env>.toml)")
    parser.add_argument("--job", help="a config job name (its newest labeling job) or a physical job name")
    parser.add_argument(
        "--to",
        type=Path,
        help="the job folder (with --job) or the folder of job folders (default results/<env>/)",
    )
    parser.add_argument(
        "--max-sources",
        type=int,
        default=DEFAULT_MAX_SOURCES,
        help=f"at most this many input objects per job (default {DEFAULT_MAX_SOURCES}; 0: none)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """The sub-command's entry point; the CLI turns a ResultsError into its one line and exit status."""
    return run_pull(args)


def _has_manifest(folder: Path) -> bool:
    if (folder / FINAL_MANIFEST).is_file():
        return True
    intermediate = folder / INTERMEDIATE
    return intermediate.is_dir() and any(
        (child / "output.manifest").is_file() for child in intermediate.iterdir()
    )


def _shown(path: Path, cwd: Path | None) -> str:
    if cwd is not None and path.is_absolute() and path.is_relative_to(cwd):
        return f"{path.relative_to(cwd).as_posix()}/"
    return f"{path.as_posix()}/"
