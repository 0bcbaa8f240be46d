"""The draw record as untrusted input: parsed within bounds, then validated against its one JSON Schema.

A record travels (it is published, downloaded, e-mailed, hand-edited), so nothing reads one before it has
passed here: `parse_record` turns bytes into JSON values without the hazards of a plain `json.loads`
(integers of thousands of digits, NaN, nesting deep enough to exhaust the stack, text that is not UTF-8),
and `schema_problem` checks the value against docs/spec/record.schema.json — shipped in the package as
`ssjlang.spec` — with a maintained validator (jsonschema, Draft 2020-12, formats checked, an integer is
never 4.0). Both give the first problem as (where, Chinese, English); record.py turns it into SSJ320.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

JsonPath = tuple[str | int, ...]
"""Where a value stands in a record: keys and list positions from the top."""

Problem = tuple[JsonPath, str, str]
"""A problem with a record: where, what in Chinese, the English gloss."""

#: Digits an integer of a record may have: counts and years are far shorter; Python refuses 4,300+ anyway.
MAX_INTEGER_DIGITS = 30


class RecordSyntaxError(ValueError):
    """The bytes are not a record's JSON; `line` and `column` (1-based) where known, else 0."""

    def __init__(self, chinese: str, english: str, line: int = 0, column: int = 0) -> None:
        super().__init__(english)
        self.chinese = chinese
        self.english = english
        self.line = line
        self.column = column


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise RecordSyntaxError(f"有位数过多的整数（{len(text):,} 位）", "an integer with too many digits")
    return int(text)


def _constant(text: str) -> Any:
    raise RecordSyntaxError(f"有非 JSON 数值 {text}", f"{text} is not a JSON number")


def parse_record(data: bytes) -> Any:
    """JSON values of a record file (UTF-8, a BOM allowed); `RecordSyntaxError` for anything else."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise RecordSyntaxError(f"第 {line} 行的字节不是 UTF-8", "not UTF-8", line) from exc
    try:
        return json.loads(text, parse_int=_integer, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise RecordSyntaxError(f"不是合法的 JSON：{exc.msg}", "not JSON", exc.lineno, exc.colno) from exc
    except RecursionError as exc:
        raise RecordSyntaxError("嵌套层数过深", "nested too deeply") from exc
    except RecordSyntaxError:
        raise
    except ValueError as exc:  # e.g. a float Python cannot hold as text
        raise RecordSyntaxError("有无法读取的数值", "an unreadable number") from exc


@functools.cache
def record_schema() -> dict[str, Any]:
    """docs/spec/record.schema.json, as the package ships it."""
    from ..resources import record_schema_file

    schema: dict[str, Any] = json.loads(record_schema_file().read_text(encoding="utf-8"))
    return schema


@functools.cache
def _validator() -> Any:
    import jsonschema
    from jsonschema import Draft202012Validator

    def strict_integer(_checker: Any, instance: object) -> bool:
        return isinstance(instance, int) and not isinstance(instance, bool)

    checker = Draft202012Validator.TYPE_CHECKER.redefine("integer", strict_integer)
    validator_class = jsonschema.validators.extend(Draft202012Validator, type_checker=checker)
    schema = record_schema()
    Draft202012Validator.check_schema(schema)
    return validator_class(_inlined(schema, schema["$defs"]),
                           format_checker=Draft202012Validator.FORMAT_CHECKER)


def _inlined(node: Any, defs: Mapping[str, Any]) -> Any:
    """The schema with every `#/$defs/…` reference replaced by its definition (none is recursive): the
    same validation, twice as fast, since the validator no longer resolves a reference per value."""
    if isinstance(node, dict):
        out = {key: _inlined(value, defs) for key, value in node.items() if key not in ("$ref", "$defs")}
        if "$ref" in node:
            return {**_inlined(defs[node["$ref"].removeprefix("#/$defs/")], defs), **out}
        return out
    if isinstance(node, list):
        return [_inlined(value, defs) for value in node]
    return node


_TYPE_WORDS = {"object": ("对象", "a JSON object"), "array": ("列表", "a JSON list"),
               "string": ("文本", "a string"), "integer": ("整数", "an integer"),
               "number": ("数", "a number"), "boolean": ("true/false", "true or false"),
               "null": ("null", "null")}


def short(value: object) -> str:
    """A value as a message shows it: at most 80 characters, a digest as its first 8 hex digits, a list or
    object by its kind only (never a megabyte of JSON in a message), non-text characters escaped."""
    if isinstance(value, dict):
        return "对象 {…}"
    if isinstance(value, list):
        return "列表 […]"
    text = value if isinstance(value, str) else json.dumps(value)
    if len(text) == 64 and all(c in "0123456789abcdef" for c in text):
        return text[:8] + "…"
    text = text if text.isprintable() else json.dumps(text)
    return text if len(text) <= 80 else text[:77] + "…"


def _expected(schema: Mapping[str, Any]) -> tuple[str, str]:
    """What a schema asks for, in words: its description (Chinese, English in brackets)."""
    description = str(schema.get("description", ""))
    if "(" in description and description.endswith(")"):
        chinese, _, english = description.rpartition(" (")
        return chinese, english[:-1]
    return description or "规定的格式", "the documented format"


def _problem(error: Any) -> Problem:
    path: JsonPath = tuple(error.absolute_path)
    kind = error.validator
    if kind == "required":
        missing = next(k for k in error.validator_value if k not in error.instance)
        return (*path, missing), "缺失", "missing"
    if kind == "additionalProperties":
        known = error.schema.get("properties", {})
        extra = next(k for k in error.instance if k not in known)
        return (*path, extra), "是未知的字段", "unknown field"
    if kind == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        chinese = "或".join(_TYPE_WORDS[w][0] for w in wanted)
        english = " or ".join(_TYPE_WORDS[w][1] for w in wanted)
        return path, f"应为{chinese}，实为 {short(error.instance)}", f"must be {english}"
    chinese, english = _expected(error.schema)
    if kind == "anyOf" and "description" not in error.schema:  # a definition or null
        chinese, english = _expected(next(b for b in error.validator_value if b.get("type") != "null"))
        chinese, english = f"{chinese}或 null", f"{english} or null"
    return path, f"应为{chinese}，实为 {short(error.instance)}", f"must be {english}"


def schema_problem(record: Any) -> Problem | None:
    """The first place where a record departs from docs/spec/record.schema.json, or None.

    First in a fixed order (the validator's, over the record in file order), so the same record always
    gets the same message."""
    for error in _validator().iter_errors(record):
        return _problem(error)
    return None


def where(path: JsonPath, record: Mapping[str, Any] | None = None) -> str:
    """A place in a record as a message names it: `visits[0].date`, and a task by its number —
    `任务4.rounds[0].k`, never `tasks[3]` — when the record says which task stands there."""
    if len(path) >= 2 and path[0] == "tasks" and isinstance(path[1], int):
        tasks = record.get("tasks") if isinstance(record, Mapping) else None
        task = tasks[path[1]] if isinstance(tasks, list) and path[1] < len(tasks) else None
        no = task.get("no") if isinstance(task, dict) else None
        head = f"任务{no}" if isinstance(no, int) and not isinstance(no, bool) else f"第{path[1] + 1}个任务"
        return head + "".join(f"[{p}]" if isinstance(p, int) else f".{_key(p)}" for p in path[2:])
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{_key(p)}" if i else _key(p))
                   for i, p in enumerate(path))


def _key(key: str) -> str:
    """An object key as a message shows it: escaped when it holds characters a terminal cannot show."""
    return key if key.isprintable() else json.dumps(key)
