"""Field-by-field comparison of an imported draft with a hand transcription (tests/plans/corpus/*.ssj).

`differences` gives the set of (task, sub-row, field) where the two plans disagree, the fields being what a
plan table shows: the task's name, its items, scope text, rate, rounds, window, the departments that
organise, inspect and assist, and (task 0) the departments the plan declares. Spans are ignored.
"""

from __future__ import annotations

from typing import Any

from ssjlang.language.nodes import Plan, TaskFields, strip_spans

FIELDS = ("items", "scope", "rate", "rounds", "window", "lead", "inspect", "assist")


def _value(unit: TaskFields, key: str) -> Any:
    value = getattr(unit, key)
    if key == "items":
        return tuple(item.text.value for item in value) if value is not None else None
    if key == "scope":
        return value.text.value if value is not None else None
    if key in ("lead",):
        return value.value if value is not None else None
    if key in ("inspect", "assist"):
        return tuple(name.value for name in value)
    return strip_spans(value)


def _units(task: Any) -> list[TaskFields]:
    """The task's rows as the table shows them: each sub-row with the task's fields it inherits."""
    if not task.parts:
        return [task]
    merged = []
    for part in task.parts:
        fields = {
            key: getattr(part, key) if getattr(part, key) not in (None, ()) else getattr(task, key)
            for key in FIELDS
        }
        merged.append(TaskFields(**fields))
    return merged


def differences(draft: Plan, transcription: Plan) -> set[tuple[str, int, str]]:
    out: set[tuple[str, int, str]] = set()
    declared = {d.name.value for d in draft.departments}
    expected = (
        {d.name.value for d in transcription.departments}
        | {u.name.value for d in transcription.departments for u in d.units}
        | {lv.name.value for lv in transcription.levels}
    )
    if declared != expected:
        out.add(("plan", 0, "departments"))
    drafts = {t.code.text: t for t in draft.tasks}
    for task in transcription.tasks:
        mine = drafts.get(task.code.text)
        if mine is None:
            out.add((task.code.text, 0, "task"))
            continue
        if mine.name.value != task.name.value:
            out.add((task.code.text, 0, "name"))
        theirs_units, my_units = _units(task), _units(mine)
        if len(theirs_units) != len(my_units):
            out.add((task.code.text, 0, "rows"))
            continue
        for index, (a, b) in enumerate(
            zip(my_units, theirs_units, strict=True), start=1 if task.parts else 0
        ):
            for key in FIELDS:
                if _value(a, key) != _value(b, key):
                    out.add((task.code.text, index, key))
    return out
