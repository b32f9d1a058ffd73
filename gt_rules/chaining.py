"""Jobs that read another job's output (chaining, verification, adjustment): the order in which
they must be created, and the cycles that make any order impossible.

Declaration order in the configuration does not matter: a job is created after the job whose
output manifest it reads, and `make plan` and synth both walk the jobs in this one order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def reads_output_of(spec: Mapping[str, Any]) -> str | None:
    """The config name of the job whose output this job reads, or None."""
    source = spec.get("input")
    if isinstance(source, Mapping) and source.get("kind") == "job_output":
        job = source.get("job")
        return job if isinstance(job, str) else None
    return None


def dependency_order(specs: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Every job name, each after the job it reads (declaration order otherwise).

    Jobs caught in a cycle, or reading a job that does not exist, keep their declaration order at
    the end: the configuration check refuses them (`cycles`, and the unknown-job rule) before
    anything is planned or synthesized.
    """
    ordered: list[str] = []
    placed: set[str] = set()

    def place(name: str, visiting: frozenset[str]) -> bool:
        if name in placed:
            return True
        if name in visiting or name not in specs:
            return False
        earlier = reads_output_of(specs[name])
        if earlier is not None and earlier != name and not place(earlier, visiting | {name}):
            return False
        if earlier == name:
            return False
        ordered.append(name)
        placed.add(name)
        return True

    for name in specs:
        place(name, frozenset())
    return ordered + [name for name in specs if name not in placed]


def cycles(specs: Mapping[str, Mapping[str, Any]]) -> list[list[str]]:
    """Each cycle of jobs reading each other's output once, as the jobs in reading order, starting
    from the one declared first (a job reading its own output is a cycle of one)."""
    found: list[list[str]] = []
    seen: set[str] = set()
    for start in specs:
        path: list[str] = []
        name: str | None = start
        while name is not None and name in specs and name not in seen and name not in path:
            path.append(name)
            name = reads_output_of(specs[name])
        if name is not None and name in path:
            cycle = path[path.index(name) :]
            first = min(cycle, key=list(specs).index)
            turn = cycle.index(first)
            found.append(cycle[turn:] + cycle[:turn])
        seen.update(path)
    return found
