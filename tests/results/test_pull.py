"""`python -m tools.results pull`: S3 on moto, SageMaker through the Stubber. Mirroring, the
Windows-safe names, incremental pulls (nothing again; a changed object again), unfinished jobs,
the source cap, every job with exit 1 when some fail, ensure_pulled, and no credentials."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, NoCredentialsError
from moto import mock_aws

from tests.fakes import no_credentials
from tests.results.aws_helpers import (
    INPUT_BUCKET,
    OUTPUT_BUCKET,
    describe,
    dev_config,
    expect_describes,
    expect_jobs,
    fake_credentials,
    pull_args,
    stubbed_sagemaker,
    summary,
)
from tools.results import aws, cli, pull
from tools.results.errors import NoCredentials, ResultsError, UsageError
from tools.results.keys import key_for_local_path, local_path, local_relative_path, source_path

PREFIX = dev_config().name_prefix
FASHION = f"{PREFIX}-fashion-aaaa1111"
FASHION_OLD = f"{PREFIX}-fashion-bbbb2222"
NUMBERS = f"{PREFIX}-numbers-cccc3333"
WORKER_RESPONSE = "annotations/worker-response/iteration-1/0/2026-11-22T10:15:30.123Z.json"
MASK = "annotations/consolidated-annotation/output/0_2026-11-22T10:16:00.png"
CONSOLIDATION = [
    "annotations/consolidated-annotation/consolidation-request/iteration-1/2026-11-22T10:16:00.json",
    "annotations/consolidated-annotation/consolidation-response/iteration-1/2026-11-22T10:16:00.json",
]
SOURCES = ["fashion/1.jpg", "fashion/2.jpg", "fashion/3 bag.jpg"]
WINDOWS_FORBIDDEN = set('<>:"\\|?*')


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    fake_credentials(monkeypatch)
    monkeypatch.setattr(aws, "load_config", lambda env: dev_config())
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=OUTPUT_BUCKET)
        client.create_bucket(Bucket=INPUT_BUCKET)
        yield client


def manifest(sources: list[str]) -> str:
    lines = [
        {"source-ref": f"s3://{INPUT_BUCKET}/{key}", "fashion": 0, "fashion-metadata": {"class-name": "Bag"}}
        for key in sources
    ]
    return "".join(json.dumps(line) + "\n" for line in lines)


def put(s3: Any, bucket: str, key: str, body: str | bytes) -> None:
    s3.put_object(Bucket=bucket, Key=key, Body=body.encode() if isinstance(body, str) else body)


def put_job_output(s3: Any, job: str, *, final: bool = True, sources: list[str] = SOURCES) -> None:
    """What Ground Truth writes for a job, plus what pull leaves in S3."""
    base = f"labels/{job}/"
    put(s3, OUTPUT_BUCKET, base, b"")  # a console-made "folder" marker
    if final:
        put(s3, OUTPUT_BUCKET, base + "manifests/output/output.manifest", manifest(sources))
    put(s3, OUTPUT_BUCKET, base + "manifests/intermediate/1/output.manifest", manifest(sources[:1]))
    put(s3, OUTPUT_BUCKET, base + "manifests/intermediate/2/output.manifest", manifest(sources[:2]))
    put(s3, OUTPUT_BUCKET, base + WORKER_RESPONSE, '{"answers": [{"workerId": "w1"}]}')
    for key in CONSOLIDATION:
        put(s3, OUTPUT_BUCKET, base + key, "[]")
    put(s3, OUTPUT_BUCKET, base + MASK, b"\x89PNG mask")
    put(s3, OUTPUT_BUCKET, base + "activelearning/model.tar.gz", b"model")
    for key in sources:
        put(s3, INPUT_BUCKET, key, f"image {key}")


def gets(s3: Any) -> list[str]:
    """Records every GetObject the client sends (the downloads; heads are not counted)."""
    calls: list[str] = []
    s3.meta.events.register(
        "before-parameter-build.s3.GetObject", lambda params, **_: calls.append(params["Key"])
    )
    return calls


def sagemaker_for(jobs: list[dict[str, Any]], runs: int = 1) -> Any:
    """A stubbed SageMaker client answering `runs` pulls of these DescribeLabelingJob responses."""
    client, stub = stubbed_sagemaker()
    for _ in range(runs):
        expect_jobs(
            stub, PREFIX, [[summary(job["LabelingJobName"], job["LabelingJobStatus"]) for job in jobs]]
        )
        expect_describes(stub, jobs)
    return client


def completed(name: str = FASHION, config_job: str = "fashion", **values: Any) -> dict[str, Any]:
    return describe(name, status="Completed", config_job=config_job, **values)


def run_pull(s3: Any, sagemaker: Any, root: Path, **values: Any) -> tuple[int, str]:
    out = io.StringIO()
    code = pull.run_pull(pull_args(**values), clients=aws.Clients(sagemaker, s3), out=out, root=root)
    return code, out.getvalue()


def test_pull_mirrors_the_output_and_the_referenced_inputs(s3: Any, tmp_path: Path) -> None:
    put_job_output(s3, FASHION)
    downloads = gets(s3)

    code, text = run_pull(s3, sagemaker_for([completed()]), tmp_path, job="fashion")

    folder = tmp_path / "fashion"
    assert code == 0
    assert (folder / "manifests/output/output.manifest").read_text() == manifest(SOURCES)
    # `:` is not valid in Windows file names: stored percent-encoded, and the mapping is reversible.
    response = folder / "annotations/worker-response/iteration-1/0/2026-11-22T10%3A15%3A30.123Z.json"
    assert response.read_text() == '{"answers": [{"workerId": "w1"}]}'
    assert local_path(folder, MASK).read_bytes() == b"\x89PNG mask"
    assert all(local_path(folder, key).read_text() == "[]" for key in CONSOLIDATION)
    for key in SOURCES:
        assert (folder / "sources" / INPUT_BUCKET / key).read_text() == f"image {key}"
    # Older or superseded intermediate manifests and automated labeling's models stay in S3.
    assert not (folder / "manifests/intermediate").exists()
    assert not (folder / "activelearning").exists()
    assert sorted(downloads) == sorted(
        [f"labels/{FASHION}/{key}" for key in ["manifests/output/output.manifest", WORKER_RESPONSE, MASK]]
        + [f"labels/{FASHION}/{key}" for key in CONSOLIDATION]
        + SOURCES
    )
    assert f"fashion ({FASHION}, Completed) -> {tmp_path.as_posix()}/fashion/" in text
    assert "8 file(s) downloaded, 0 unchanged, 0 failed" in text
    assert "input objects: 3 of 3 referenced, in sources/" in text
    assert text.rstrip().endswith("Pulled 1 job(s).")


def test_second_pull_downloads_nothing_and_a_changed_object_again(s3: Any, tmp_path: Path) -> None:
    put_job_output(s3, FASHION)
    sagemaker = sagemaker_for([completed()], runs=3)
    folder = tmp_path / "fashion"
    run_pull(s3, sagemaker, tmp_path, job="fashion")
    downloads = gets(s3)

    code, text = run_pull(s3, sagemaker, tmp_path, job="fashion")

    assert code == 0 and downloads == []
    assert "0 file(s) downloaded, 8 unchanged, 0 failed" in text

    put(s3, OUTPUT_BUCKET, f"labels/{FASHION}/{WORKER_RESPONSE}", '{"answers": [{"workerId": "w2"}]}')
    put(s3, INPUT_BUCKET, SOURCES[1], "a new image")
    local_path(folder, CONSOLIDATION[0]).unlink()  # a local copy that went missing is fetched again

    code, text = run_pull(s3, sagemaker, tmp_path, job="fashion")

    assert code == 0
    assert sorted(downloads) == sorted(
        [f"labels/{FASHION}/{WORKER_RESPONSE}", f"labels/{FASHION}/{CONSOLIDATION[0]}", SOURCES[1]]
    )
    assert "3 file(s) downloaded, 5 unchanged, 0 failed" in text
    assert "w2" in local_path(folder, WORKER_RESPONSE).read_text()
    assert (folder / "sources" / INPUT_BUCKET / SOURCES[1]).read_text() == "a new image"


def test_an_unreadable_state_file_means_everything_is_checked_again(s3: Any, tmp_path: Path) -> None:
    put_job_output(s3, FASHION)
    sagemaker = sagemaker_for([completed()], runs=2)
    run_pull(s3, sagemaker, tmp_path, job="fashion")
    (tmp_path / "fashion" / pull.STATE_FILE).write_text("{not json")

    code, text = run_pull(s3, sagemaker, tmp_path, job="fashion")

    assert code == 0
    assert "8 file(s) downloaded" in text
    assert f"{pull.STATE_FILE}: unreadable" in text
    state = json.loads((tmp_path / "fashion" / pull.STATE_FILE).read_text())
    assert len(state["objects"]) == 8


def test_an_unfinished_job_gives_what_exists_and_says_so(s3: Any, tmp_path: Path) -> None:
    put_job_output(s3, FASHION, final=False)
    downloads = gets(s3)

    code, text = run_pull(
        s3, sagemaker_for([describe(FASHION, config_job="fashion")]), tmp_path, job="fashion"
    )

    folder = tmp_path / "fashion"
    assert code == 0
    assert (folder / "manifests/intermediate/2/output.manifest").read_text() == manifest(SOURCES[:2])
    assert not (folder / "manifests/intermediate/1").exists()  # only the newest partial manifest
    assert not (folder / "manifests/output").exists()
    assert SOURCES[2] not in downloads  # the partial manifest names only the first two inputs
    assert "manifest: manifests/intermediate/2/output.manifest" in text
    assert "note: the job is InProgress, not finished: this is what exists so far" in text


def test_a_job_that_wrote_nothing_yet(s3: Any, tmp_path: Path) -> None:
    code, text = run_pull(s3, sagemaker_for([describe(FASHION, status="Initializing")]), tmp_path)

    assert code == 0
    assert "0 file(s) downloaded, 0 unchanged, 0 failed" in text
    assert "no output manifest yet (the job is Initializing)" in text


def test_input_objects_are_capped(s3: Any, tmp_path: Path) -> None:
    put_job_output(s3, FASHION)

    code, text = run_pull(s3, sagemaker_for([completed()]), tmp_path, job="fashion", max_sources=2)

    assert code == 0
    assert sorted(p.name for p in (tmp_path / "fashion/sources" / INPUT_BUCKET / "fashion").iterdir()) == [
        "1.jpg",
        "2.jpg",
    ]
    assert "capped: took 2 of the 3 input objects the manifest references (--max-sources" in text


def test_every_job_with_revisions_and_exit_1_naming_the_failed_one(s3: Any, tmp_path: Path) -> None:
    put_job_output(s3, FASHION)
    put_job_output(s3, FASHION_OLD, sources=SOURCES[:1])
    put_job_output(s3, NUMBERS, sources=["numbers/1.txt"])
    s3.delete_object(Bucket=INPUT_BUCKET, Key="numbers/1.txt")  # the manifest names a missing input
    old = describe(
        FASHION_OLD, status="Stopped", config_job="fashion", created=describe(FASHION)["CreationTime"]
    )
    old["CreationTime"] -= timedelta(days=1)
    sagemaker = sagemaker_for([completed(), old, completed(NUMBERS, "numbers")])

    code, text = run_pull(s3, sagemaker, tmp_path)

    assert code == 1
    assert (tmp_path / "fashion/manifests/output/output.manifest").is_file()
    assert (tmp_path / FASHION_OLD / "manifests/output/output.manifest").is_file()  # earlier revision
    assert (tmp_path / "numbers/manifests/output/output.manifest").is_file()
    assert f"FAILED: s3://{INPUT_BUCKET}/numbers/1.txt: 404" in text
    assert text.rstrip().endswith(f"Pulled 2 of 3 job(s); failed: {NUMBERS} (1 file(s)).")


def test_a_job_whose_bucket_is_gone_fails_alone(s3: Any, tmp_path: Path) -> None:
    put_job_output(s3, FASHION)
    gone = completed(NUMBERS, "numbers", output_path="s3://no-such-bucket-of-ours/labels/")

    code, text = run_pull(s3, sagemaker_for([completed(), gone]), tmp_path)

    assert code == 1
    assert (tmp_path / "fashion/manifests/output/output.manifest").is_file()
    assert f"FAILED: s3://no-such-bucket-of-ours/labels/{NUMBERS}/: NoSuchBucket" in text


@pytest.mark.parametrize(
    ("wanted", "to", "folder"),
    [
        ("fashion", None, "fashion"),
        (FASHION, None, "fashion"),  # the current job by its physical name: the config job's folder
        (FASHION_OLD, None, FASHION_OLD),  # an earlier revision: its own folder
        ("fashion", "elsewhere", "elsewhere"),
    ],
)
def test_which_job_and_which_folder(
    s3: Any, tmp_path: Path, wanted: str, to: str | None, folder: str
) -> None:
    put_job_output(s3, FASHION)
    put_job_output(s3, FASHION_OLD)
    old = describe(FASHION_OLD, status="Stopped", config_job="fashion")
    old["CreationTime"] -= timedelta(days=1)
    target = tmp_path / to if to else None

    code, _ = run_pull(s3, sagemaker_for([completed(), old]), tmp_path, job=wanted, to=target)

    assert code == 0
    assert [p.name for p in tmp_path.iterdir()] == [folder]
    state = json.loads((tmp_path / folder / pull.STATE_FILE).read_text())
    pulled_job = FASHION_OLD if wanted == FASHION_OLD else FASHION
    assert any(uri.startswith(f"s3://{OUTPUT_BUCKET}/labels/{pulled_job}/") for uri in state["objects"])


def test_unknown_job_and_bad_cap_are_usage_errors(s3: Any, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no labeling job of gtlab-dev has this config or physical name"):
        run_pull(s3, sagemaker_for([completed()]), tmp_path, job="nope")
    with pytest.raises(UsageError, match="must be 0 or more"):
        run_pull(s3, None, tmp_path, max_sources=-1)


def test_no_credentials_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    no_credentials(monkeypatch)

    code = cli.main(["pull", "--env", "dev"])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.startswith("error: No AWS credentials found: python -m tools.results needs")
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            ClientError({"Error": {"Code": "ExpiredToken", "Message": "expired"}}, "GetObject"),
            "AWS rejected the credentials (ExpiredToken)",
        ),
        (NoCredentialsError(), "No AWS credentials found"),
    ],
)
def test_credentials_that_fail_during_the_pull_stop_it_with_exit_2(
    s3: Any, tmp_path: Path, error: Exception, message: str
) -> None:
    """Not counted as one failed file: nothing else would download either."""
    put_job_output(s3, FASHION)

    def fail(**_: Any) -> None:
        raise error

    s3.meta.events.register("before-call.s3.GetObject", fail)

    with pytest.raises(NoCredentials) as raised:
        run_pull(s3, sagemaker_for([completed()]), tmp_path, job="fashion")
    assert str(raised.value).startswith(message) and raised.value.exit_code == 2
    assert not list(tmp_path.rglob("*.part"))


def test_ensure_pulled_pulls_once_then_reads_the_local_folder(
    s3: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_job_output(s3, FASHION)
    err = io.StringIO()

    folder = pull.ensure_pulled(
        "dev", "fashion", clients=aws.Clients(sagemaker_for([completed()]), s3), root=tmp_path, out=err
    )

    assert folder == tmp_path / "fashion"
    assert (folder / "manifests/output/output.manifest").is_file()
    assert "holds no output manifest yet: pulling fashion first" in err.getvalue()
    # Now it is there: no AWS call at all (without credentials, any call would fail).
    no_credentials(monkeypatch)
    assert pull.ensure_pulled("dev", "fashion", root=tmp_path, out=err) == folder


def test_ensure_pulled_without_any_manifest_or_with_a_path_is_an_error(s3: Any, tmp_path: Path) -> None:
    clients = aws.Clients(sagemaker_for([describe(FASHION, status="Initializing", config_job="fashion")]), s3)
    with pytest.raises(ResultsError, match=f"{FASHION} \\(Initializing\\) has no output manifest yet"):
        pull.ensure_pulled("dev", "fashion", clients=clients, root=tmp_path, out=io.StringIO())
    with pytest.raises(UsageError, match="a job name is letters, digits and hyphens"):
        pull.ensure_pulled("dev", "../fashion", root=tmp_path)


# --- key -> local name mapping --------------------------------------------------------------------

KEYS = [
    WORKER_RESPONSE,
    MASK,
    "a/100%/b",
    "odd/what?.json",
    'q/"quoted" <x>|y*.txt',
    "trailing/dot./space ",
    "dots/./../up",
    "double//slash",
    "reserved/CON/nul.txt/com1.json/Lpt9",
    "unicode/caf\u00e9 \u200b.jpg",
    "control/\x01bell",
]


@pytest.mark.parametrize("key", KEYS)
def test_every_key_maps_to_a_portable_name_inside_the_folder_and_back(key: str, tmp_path: Path) -> None:
    relative = local_relative_path(key)
    segments = relative.split("/")
    assert key_for_local_path(relative) == key
    for segment in segments:
        assert segment and not (WINDOWS_FORBIDDEN & set(segment))
        assert not any(ord(c) < 32 for c in segment)
        assert segment[-1] not in ". " and segment not in (".", "..")
        assert segment.split(".", 1)[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT9"}
    assert local_path(tmp_path, key).resolve().is_relative_to(tmp_path.resolve())


def test_mapping_examples() -> None:
    assert local_relative_path("x/2026-11-22T10:15:30.123Z.json") == "x/2026-11-22T10%3A15%3A30.123Z.json"
    assert local_relative_path("a/100%") == "a/100%25"
    assert local_relative_path("../CON.txt") == "%2E%2E/%43ON.txt"
    assert local_relative_path("a//b") == "a/%2F/b"
    assert local_relative_path("fashion/1.jpg") == "fashion/1.jpg"  # ordinary keys are kept as they are
    assert source_path(Path("s"), "s3://bucket/k:1") == Path("s/bucket/k%3A1")
