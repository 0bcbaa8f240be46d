"""`ssj check --format sarif|gitlab|junit`, the GitHub overflow notice and `--fail-level`.

Each machine format is validated against its schema (tests/schemas/: the official SARIF 2.1.0 schema, and
schemas written from the GitLab and JUnit consumers' documentation), and the properties CI systems rely on
are checked: stable rule ids with help links into docs/diagnostics/, fingerprints that are unique and do
not change when lines move, GitLab's severity names, one JUnit test case per file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname

import jsonschema
import pytest
from click.testing import CliRunner, Result
from lxml import etree

from ssjlang.cli import main
from ssjlang.diagnostics import error, warning
from ssjlang.report.doclinks import DOCS_URL_ENV, code_docs, github_anchor, help_uri
from ssjlang.report.report import GITHUB_ANNOTATION_LIMIT, render_github

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "tests" / "schemas"
BROKEN = ROOT / "tests" / "broken"
PLAN = ROOT / "plans" / "chengqu2024.ssj"
CLEAN = "tests/data/compile_small.ssj"

FORMAT_CHECKER = jsonschema.FormatChecker()


@FORMAT_CHECKER.checks("uri")
def _absolute_uri(value: object) -> bool:
    """RFC 3986 absolute URI: a scheme, and only ASCII without spaces (non-ASCII must be %-encoded)."""
    return isinstance(value, str) and bool(urlsplit(value).scheme) and value.isascii() and " " not in value


@FORMAT_CHECKER.checks("uri-reference")
def _uri_reference(value: object) -> bool:
    return isinstance(value, str) and value.isascii() and " " not in value


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture()
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository root, as CI does (paths in reports are relative to it)."""
    monkeypatch.chdir(ROOT)


def broken_files() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in BROKEN.glob("*.ssj"))


def validate_json(document: object, schema_file: str) -> None:
    schema = json.loads((SCHEMAS / schema_file).read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, format_checker=FORMAT_CHECKER)
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                for e in validator.iter_errors(document)]
    assert not problems, problems[:5]


# ---------------------------------------------------------------- SARIF


def test_sarif_validates_against_the_official_schema(in_repo: None) -> None:
    result = run("check", "--format", "sarif", *broken_files(), str(PLAN.relative_to(ROOT)))
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    validate_json(log, "sarif-schema-2.1.0.json")
    run_ = log["runs"][0]
    assert log["version"] == "2.1.0" and run_["columnKind"] == "unicodeCodePoints"
    assert len(run_["results"]) > 40


def test_the_schema_check_would_catch_a_broken_log() -> None:
    """The validation above means something: a result without a message is refused."""
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "ssj"}},
                                          "results": [{"ruleId": "SSJ104"}]}]}
    with pytest.raises(AssertionError):
        validate_json(bad, "sarif-schema-2.1.0.json")
    with pytest.raises(AssertionError):
        validate_json({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "ssj", "rules": [
            {"id": "SSJ104", "helpUri": "docs/diagnostics/ssj1.md"}]}}}]}, "sarif-schema-2.1.0.json")


def test_sarif_rules_are_the_codes_with_help_from_the_docs(in_repo: None) -> None:
    log = json.loads(run("check", "--format", "sarif", *broken_files()).stdout)
    driver = log["runs"][0]["tool"]["driver"]
    rules = driver["rules"]
    ids = [rule["id"] for rule in rules]
    assert ids == sorted(set(ids)) and all(re.fullmatch(r"SSJ\d{3}", i) for i in ids)
    assert {"SSJ010", "SSJ104", "SSJ133"} <= set(ids)
    for result in log["runs"][0]["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    unknown = next(rule for rule in rules if rule["id"] == "SSJ104")
    assert unknown["shortDescription"]["text"] == "unknown department (未声明的部门)"
    assert unknown["defaultConfiguration"]["level"] == "error"
    assert "部门 城区人社局 又称 区人社局" in unknown["help"]["markdown"]
    for rule in rules:
        page, _, anchor = rule["helpUri"].partition("#")
        path = Path(url2pathname(urlsplit(page).path))
        assert path.is_file() and path.parent.name == "diagnostics", rule["helpUri"]
        headings = [github_anchor(line.lstrip("#").strip())
                    for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("### ")]
        assert unquote(anchor) in headings, (rule["id"], unquote(anchor))


def test_docs_url_option_and_environment(in_repo: None) -> None:
    plain = "tests/broken/seed_raw_mistakes.ssj"
    by_option = json.loads(run("check", "--format", "sarif", "--docs-url",
                               "https://git.example.gov.cn/ssjlang/docs", plain).stdout)
    uri = by_option["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"]
    assert uri.startswith("https://git.example.gov.cn/ssjlang/docs/diagnostics/ssj1.md#ssj104--unknown-department-")
    by_env = json.loads(run("check", "--format", "sarif", plain,
                            env={DOCS_URL_ENV: "https://docs.example/ssj/"}).stdout)
    assert by_env["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"].startswith(
        "https://docs.example/ssj/diagnostics/ssj1.md#")


def test_every_documented_code_has_a_help_link() -> None:
    docs = code_docs()
    assert {"SSJ001", "SSJ104", "SSJ346"} <= set(docs)
    for code, doc in docs.items():
        assert doc.section, f"{code}: no text under its heading"
        assert help_uri(code, "https://x.example/docs") == f"https://x.example/docs/{doc.page}#{quote(doc.anchor)}"
    assert help_uri("SSJ999") is None


def test_sarif_fingerprints_are_unique_and_survive_moved_lines(tmp_path: Path, in_repo: None) -> None:
    text = (BROKEN / "seed_raw_mistakes.ssj").read_text(encoding="utf-8")
    plan = tmp_path / "plan.ssj"
    plan.write_text(text, encoding="utf-8")
    before = json.loads(run("check", "--format", "sarif", str(plan)).stdout)["runs"][0]["results"]
    plan.write_text("# 新增的注释\n# 第二行\n" + text, encoding="utf-8")
    after = json.loads(run("check", "--format", "sarif", str(plan)).stdout)["runs"][0]["results"]
    prints = [r["partialFingerprints"]["ssjIssue/v1"] for r in before]
    assert len(set(prints)) == len(prints) == 2
    assert prints == [r["partialFingerprints"]["ssjIssue/v1"] for r in after]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after] == [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] + 2 for r in before]


def test_sarif_fixes_and_related_locations(in_repo: None) -> None:
    log = json.loads(run("check", "--format", "sarif", "tests/broken/seed_raw_mistakes.ssj",
                         "tests/broken/duplicate_departments.ssj").stdout)
    results = log["runs"][0]["results"]
    unknown = next(r for r in results if r["ruleId"] == "SSJ104")
    fix = unknown["fixes"][0]
    assert fix["description"]["text"] == "改为「城区消防救援大队」 (replace with 城区消防救援大队)"
    replacement = fix["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == "城区消防救援大队"
    assert replacement["deletedRegion"] == unknown["locations"][0]["physicalLocation"]["region"]
    duplicate = next(r for r in results if r["ruleId"] == "SSJ105")
    assert duplicate["relatedLocations"][0]["message"]["text"].startswith("首次声明于此")
    assert unknown["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "tests/broken/seed_raw_mistakes.ssj")


# ---------------------------------------------------------------- GitLab Code Quality


def test_gitlab_validates_and_fingerprints_are_unique(in_repo: None) -> None:
    result = run("check", "--format", "gitlab", *broken_files())
    assert result.exit_code == 1
    issues = json.loads(result.stdout)
    validate_json(issues, "gitlab-codequality.schema.json")
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(fingerprints) == len(set(fingerprints)) > 40
    assert {issue["severity"] for issue in issues} == {"major", "minor"}
    unknown = next(i for i in issues if i["check_name"] == "SSJ104")
    assert unknown["location"]["path"].startswith("tests/broken/")
    assert unknown["location"]["positions"]["begin"]["line"] >= 1
    assert unknown["description"].startswith("SSJ104: 未声明的部门")


def test_gitlab_equal_problems_in_one_file_get_distinct_fingerprints(tmp_path: Path, in_repo: None) -> None:
    plan = tmp_path / "twice.ssj"
    plan.write_text((BROKEN / "seed_raw_mistakes.ssj").read_text(encoding="utf-8").replace(
        "配合 区人社局", "配合 城区消防救援支队"), encoding="utf-8")
    issues = json.loads(run("check", "--format", "gitlab", str(plan)).stdout)
    same = [i for i in issues if "城区消防救援支队" in i["description"]]
    assert len(same) == 2 and same[0]["fingerprint"] != same[1]["fingerprint"]


def test_gitlab_schema_refuses_a_wrong_severity() -> None:
    with pytest.raises(AssertionError):
        validate_json([{"description": "x", "check_name": "SSJ104", "fingerprint": "f", "severity": "error",
                        "location": {"path": "a.ssj", "lines": {"begin": 1}}}],
                      "gitlab-codequality.schema.json")


# ---------------------------------------------------------------- JUnit


def junit_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "junit.xsd")))


def test_junit_one_testcase_per_file(tmp_path: Path, in_repo: None) -> None:
    missing = str(tmp_path / "missing.ssj")
    result = run("check", "--format", "junit", "tests/broken/seed_raw_mistakes.ssj",
                 "tests/broken/window_next_year.ssj", CLEAN, missing)
    assert result.exit_code == 2  # one file could not be read
    document = etree.fromstring(result.stdout.encode("utf-8"))
    schema = junit_schema()
    assert schema.validate(document), schema.error_log
    cases = document.findall("testsuite/testcase")
    assert [c.get("name") for c in cases] == ["tests/broken/seed_raw_mistakes.ssj",
                                              "tests/broken/window_next_year.ssj", CLEAN, missing]
    broken, warns, clean, unreadable = cases
    assert broken.find("failure").get("type") == "SSJ104"
    assert "城区消防救援支队" in broken.find("failure").text
    assert warns.find("failure") is None and "SSJ133" in warns.find("system-out").text
    assert len(clean) == 0
    assert unreadable.find("error").get("message") == "文件不存在 (no such file)"
    suite = document.find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "1", "1")


def test_junit_fail_level_warning(in_repo: None) -> None:
    result = run("check", "--format", "junit", "--fail-level", "warning", "tests/broken/window_next_year.ssj")
    assert result.exit_code == 1
    document = etree.fromstring(result.stdout.encode("utf-8"))
    assert junit_schema().validate(document)
    assert document.find("testsuite/testcase/failure").get("type") == "SSJ133"


def test_junit_schema_refuses_two_outcomes() -> None:
    bad = etree.fromstring(b'<testsuites><testsuite name="s" tests="1" failures="1" errors="0">'
                           b'<testcase name="a"><failure/><error/></testcase></testsuite></testsuites>')
    assert not junit_schema().validate(bad)


# ---------------------------------------------------------------- GitHub, --fail-level


def test_github_notice_when_more_problems_than_github_shows() -> None:
    many = [error("SSJ104", f"未声明的部门「甲{i}」 (unknown department)", "p.ssj") for i in range(12)]
    many += [warning("SSJ133", "超出计划年度 (window outside the plan year)", "p.ssj")] * 3
    lines = render_github(many).splitlines()
    assert len(lines) == 16
    assert lines[-1].startswith("::notice title=ssj check::共 15 个问题（12 个错误，3 个警告）")
    assert "另有 2 个未标注" in lines[-1] and "(15 problems: GitHub annotates only 10 errors" in lines[-1]
    limit = [error("SSJ104", "m (x)", "p.ssj")] * GITHUB_ANNOTATION_LIMIT
    limit += [warning("SSJ133", "m (x)", "p.ssj")] * GITHUB_ANNOTATION_LIMIT
    assert "::notice" not in render_github(limit)


def test_github_notice_from_the_command(in_repo: None) -> None:
    result = run("check", "--format", "github", *broken_files())
    lines = result.stdout.splitlines()
    errors = sum(1 for line in lines if line.startswith("::error "))
    warnings = sum(1 for line in lines if line.startswith("::warning "))
    assert errors > GITHUB_ANNOTATION_LIMIT
    assert lines[-1].startswith(f"::notice title=ssj check::共 {errors + warnings} 个问题")


def test_fail_level(in_repo: None) -> None:
    warns = "tests/broken/window_next_year.ssj"
    assert run("check", warns).exit_code == 0
    assert run("check", "--fail-level", "warning", warns).exit_code == 1
    assert run("check", "--fail-level", "warning", CLEAN).exit_code == 0
    assert run("check", "--fail-level", "notice", warns).exit_code == 2


def test_ci_formats_are_not_imported_by_a_plain_check() -> None:
    """`ssj check` stays as fast as before: the CI formats load only when asked for."""
    code = (f"import sys, runpy; sys.argv = ['ssj', 'check', {str(PLAN)!r}]\n"
            "try:\n    runpy.run_module('ssjlang', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "assert 'ssjlang.report.ci_formats' not in sys.modules\n"
            "assert 'ssjlang.report.doclinks' not in sys.modules\n"
            "assert not any(m.split('.')[0] in ('pygls', 'lsprotocol', 'pygments') for m in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ}, check=False)
    assert done.returncode == 0, done.stderr
