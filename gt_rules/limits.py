"""Ground Truth's numeric limits that more than one part of the project relies on, defined once
(docs/ground-truth.md). Task-specific limits live in the task-type table (task_types.py);
request field patterns and lengths in patterns.py."""

from __future__ import annotations

# docs/ground-truth.md#automated-labeling: at least this many objects; 5,000+ strongly suggested.
MIN_OBJECTS_FOR_AUTOMATED_LABELING = 1_250
SUGGESTED_OBJECTS_FOR_AUTOMATED_LABELING = 5_000

# docs/ground-truth.md#input-manifest: objects per job (semantic segmentation: 20,000, not raisable).
MAX_OBJECTS = 100_000
MAX_OBJECTS_SEMANTIC_SEGMENTATION = 20_000
