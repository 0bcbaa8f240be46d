"""`ssj check` for CI systems (持续集成): SARIF 2.1.0, GitLab Code Quality and JUnit XML.

- **SARIF 2.1.0** (GitHub code scanning and most security dashboards): one run, one rule per code with
  its help link and help text from docs/diagnostics/, results with regions in Unicode code points
  (`columnKind`), related locations, the structured fixes, and `partialFingerprints` that stay the same
  when lines above a problem move, so an alert is not closed and reopened by an unrelated edit.
- **GitLab Code Quality** (the merge-request widget): a JSON list of issues with GitLab's severity names
  (error → major, warning → minor) and a fingerprint unique per issue.
- **JUnit XML** (Jenkins, Azure DevOps, GitLab test reports): one test case per plan file, failed when
  the file has a problem at or above `--fail-level`.

Fingerprints hash the path, code, message and the occurrence number among equal problems of the file
(not the line), so they are unique and survive edits elsewhere. Output is deterministic: no time stamps,
keys in a fixed order. This module is imported only when one of these formats is asked for.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.etree import ElementTree

from .. import __version__
from ..diagnostics import Diagnostic, Severity
from ..language.nodes import Span
from .doclinks import code_docs, help_uri
from .report import CI_FORMATS, render_text, summary

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "ssjIssue/v1"
GITLAB_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}
SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning"}
FAIL_LEVELS = ("error", "warning")


def fails(diagnostic: Diagnostic, fail_level: str) -> bool:
    """Whether a diagnostic fails the check at `fail_level` (error: errors only; warning: both)."""
    return diagnostic.is_error or fail_level == "warning"


def report_path(file: str) -> str:
    """A file as CI systems want it: relative to the working directory (the repository root) with `/`,
    when it lies inside it; otherwise as given."""
    path = Path(file)
    if path.is_absolute():
        try:
            path = path.resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            return file
    return path.as_posix()


def fingerprints(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """A fingerprint per diagnostic: SHA-256 of path, code, message and occurrence number."""
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for d in diagnostics:
        key = (report_path(d.file), d.code, d.message)
        seen[key] = seen.get(key, 0) + 1
        text = "\0".join([*key, str(seen[key])])
        out.append(hashlib.sha256(text.encode("utf-8")).hexdigest()[:32])
    return out


# ---------------------------------------------------------------- SARIF 2.1.0


def _region(span: Span) -> dict[str, int]:
    region = {"startLine": span.line, "startColumn": max(span.column, 1)}
    if span.end_line >= span.line:
        region["endLine"] = span.end_line
        if span.end_column >= 1 and (span.end_line > span.line or span.end_column >= region["startColumn"]):
            region["endColumn"] = span.end_column
    return region


def _artifact(file: str) -> dict[str, str]:
    path = report_path(file)
    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": path, "uriBaseId": "%SRCROOT%"}


def _physical(file: str, span: Span) -> dict[str, object]:
    location: dict[str, object] = {"artifactLocation": _artifact(file)}
    if span.line > 0:
        location["region"] = _region(span)
    return location


def _rule(code: str, docs_url: str | None) -> dict[str, object]:
    doc = code_docs().get(code)
    rule: dict[str, object] = {"id": code}
    if doc is None:
        return rule
    rule["shortDescription"] = {"text": doc.summary}
    uri = help_uri(code, docs_url)
    if uri is not None:
        rule["helpUri"] = uri
    rule["help"] = {
        "text": doc.section or doc.summary,
        "markdown": f"**{doc.title}**\n\n{doc.section}".strip(),
    }
    rule["defaultConfiguration"] = {"level": doc.severity}
    return rule


def _result(d: Diagnostic, rule_index: int, fingerprint: str) -> dict[str, object]:
    text = d.message + (f"\nhint: {d.hint}" if d.hint else "")
    result: dict[str, object] = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": SARIF_LEVEL[d.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": _physical(d.file, d.span)}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if d.related:
        result["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": _physical(r.file or d.file, r.span),
                "message": {"text": r.message},
            }
            for number, r in enumerate(d.related, start=1)
        ]
    if d.fixes:
        result["fixes"] = [
            {
                "description": {"text": fix.title},
                "artifactChanges": [
                    {
                        "artifactLocation": _artifact(d.file),
                        "replacements": [
                            {"deletedRegion": _region(edit.span), "insertedContent": {"text": edit.new_text}}
                            for edit in fix.edits
                        ],
                    }
                ],
            }
            for fix in d.fixes
        ]
    return result


def render_sarif(diagnostics: Sequence[Diagnostic], docs_url: str | None = None) -> str:
    """A SARIF 2.1.0 log of one run of `ssj check`."""
    codes = sorted({d.code for d in diagnostics})
    index = {code: number for number, code in enumerate(codes)}
    run = {
        "tool": {
            "driver": {
                "name": "ssj",
                "fullName": "ssjlang ssj check",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(code, docs_url) for code in codes],
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": [
            _result(d, index[d.code], fp)
            for d, fp in zip(diagnostics, fingerprints(diagnostics), strict=True)
        ],
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------- GitLab Code Quality


def render_gitlab(diagnostics: Sequence[Diagnostic]) -> str:
    """GitLab Code Quality issues (`artifacts: reports: codequality:`)."""
    issues = []
    for d, fingerprint in zip(diagnostics, fingerprints(diagnostics), strict=True):
        location: dict[str, object] = {"path": report_path(d.file)}
        if d.span.line > 0:
            location["positions"] = {
                "begin": {"line": d.span.line, "column": max(d.span.column, 1)},
                "end": {"line": max(d.span.end_line, d.span.line), "column": max(d.span.end_column, 1)},
            }
        else:
            location["lines"] = {"begin": 1}
        issues.append(
            {
                "type": "issue",
                "description": f"{d.code}: {d.message}",
                "check_name": d.code,
                "categories": ["Bug Risk"] if d.is_error else ["Style"],
                "content": {"body": d.hint or ""},
                "fingerprint": fingerprint,
                "severity": GITLAB_SEVERITY[d.severity],
                "location": location,
            }
        )
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------- JUnit XML


def render_junit(
    diagnostics: Sequence[Diagnostic],
    files: Sequence[str],
    sources: Mapping[str, str | None],
    unreadable: Mapping[str, str],
    fail_level: str = "error",
) -> str:
    """JUnit XML: a test case per file, a failure listing the file's problems when one of them is at or
    above `fail_level`, an error for a file that could not be read."""
    by_file: dict[str, list[Diagnostic]] = {file: [] for file in files}
    for d in diagnostics:
        by_file.setdefault(d.file, []).append(d)
    cases = []
    failures = errors = 0
    for file, found in by_file.items():
        case = ElementTree.Element(
            "testcase", {"name": report_path(file), "classname": "ssj.check", "time": "0"}
        )
        if file in unreadable:
            errors += 1
            ElementTree.SubElement(case, "error", {"type": "unreadable", "message": unreadable[file]})
        elif any(fails(d, fail_level) for d in found):
            failures += 1
            failure = ElementTree.SubElement(
                case,
                "failure",
                {
                    "type": ",".join(sorted({d.code for d in found if fails(d, fail_level)})),
                    "message": summary(found),
                },
            )
            failure.text = render_text(found, sources)
        elif found:
            ElementTree.SubElement(case, "system-out").text = render_text(found, sources)
        cases.append(case)
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": str(errors)}
    suites = ElementTree.Element("testsuites", {"name": "ssj check", **counts, "time": "0"})
    suite = ElementTree.SubElement(
        suites, "testsuite", {"name": "ssj check", **counts, "skipped": "0", "time": "0"}
    )
    suite.extend(cases)
    ElementTree.indent(suites)
    body = ElementTree.tostring(suites, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def render_ci(
    fmt: str,
    diagnostics: Sequence[Diagnostic],
    *,
    files: Sequence[str],
    sources: Mapping[str, str | None],
    unreadable: Mapping[str, str],
    fail_level: str,
    docs_url: str | None,
) -> str:
    """Dispatch on a CI `--format`: sarif, gitlab or junit."""
    if fmt == "sarif":
        return render_sarif(diagnostics, docs_url)
    if fmt == "gitlab":
        return render_gitlab(diagnostics)
    if fmt == "junit":
        return render_junit(diagnostics, files, sources, unreadable, fail_level)
    raise ValueError(f"unknown CI format {fmt!r}; expected one of {', '.join(CI_FORMATS)}")
