"""One environment with every kind of job the stack must get right in a real account: a private
team, the public Mechanical Turk crowd, a vendor team, a custom task with its own Lambdas, a
verification job declared before the job whose output it reads, and a video frame job.

Used by the configuration, plan and template tests, so that all three look at the same jobs.
"""

from __future__ import annotations

from typing import Any

REGION = "us-east-1"
VENDOR_WORKTEAM = "arn:aws:sagemaker:us-east-1:111122223333:workteam/vendor-crowd/acme-labeling"
PRE_LAMBDA = "arn:aws:lambda:us-east-1:111122223333:function:gt-keypoints-pre"
ACS_LAMBDA = "arn:aws:lambda:us-east-1:111122223333:function:gt-keypoints-acs"
PII_FREE = "FreeOfPersonallyIdentifiableInformation"


def _job(name: str, task_type: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "task_type": task_type,
        "title": f"{name} task",
        "description": f"Label the {name} data",
        "instructions": {"short": "Label each item."},
        **fields,
    }


PRIVATE = {"kind": "private", "team": "super-labelers"}

JOBS: list[dict[str, Any]] = [
    # Declared first, reads the output of `boxes` below: any order must work.
    _job(
        "verify",
        "bounding_box_verification",
        labels=["Correct", "Wrong box", "Missed object"],
        input={"kind": "job_output", "job": "boxes"},
        workforce=PRIVATE,
    ),
    _job(
        "boxes",
        "bounding_box",
        labels=["Bag", "Watch"],
        input={"kind": "prefix", "prefix": "fashion/", "data_type": "images"},
        workforce=PRIVATE,
    ),
    _job(
        "crowd",
        "image_classification",
        labels=["Bag", "Eyewear"],
        input={"kind": "prefix", "prefix": "fashion/", "data_type": "images"},
        workforce={"kind": "mturk", "price_usd": "0.036", "content_classifiers": [PII_FREE]},
    ),
    _job(
        "vendor",
        "text_classification",
        labels=["Even", "Odd"],
        input={"kind": "prefix", "prefix": "numbers/", "data_type": "text_objects"},
        workforce={"kind": "vendor", "workteam_arn": VENDOR_WORKTEAM},
    ),
    _job(
        "keypoints",
        "custom",
        labels=["Left eye", "Right eye", "Nose"],
        input={"kind": "prefix", "prefix": "faces/", "data_type": "images"},
        workforce=PRIVATE,
        custom={
            "template_file": "examples/keypoints.liquid",
            "pre_lambda_arn": PRE_LAMBDA,
            "acs_lambda_arn": ACS_LAMBDA,
        },
    ),
    _job(
        "video",
        "video_object_detection",
        labels=["Car", "Person"],
        input={"kind": "manifest", "manifest_uri": "s3://my-video-data/clips/frames.manifest"},
        workforce=PRIVATE,
    ),
]

OVERRIDES: dict[str, Any] = {
    "jobs": JOBS,
    "storage": {"video_and_point_cloud_cors": True, "upload_sample_data": False},
}
