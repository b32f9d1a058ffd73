"""Transitional: the name patterns moved to gt_rules.limits, the one home of Ground Truth's limits."""

from .limits import LABELING_JOB_NAME_MAX, LABELING_JOB_NAME_RE

__all__ = ["LABELING_JOB_NAME_MAX", "LABELING_JOB_NAME_RE"]
