"""`ssj check`, `ssj fmt`, `ssj export`: exit codes, report formats, in-place formatting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import wcwidth
from click.testing import CliRunner, Result

from ssjlang.cli import main
from ssjlang.diagnostics import Diagnostic, Related, error, warning
from ssjlang.language.nodes import Span
from ssjlang.report.report import display_width, render_github, render_json, render_text, summary

CLEAN = """\
# 示例计划
计划 "晋城市城区2024年度部门联合双随机抽查工作计划" {
  年度 2024
  地区 "晋城市城区"
}

部门 城区市场监管局
部门 城区商务局
部门 城区人社局 又称 区人社局

任务 4 "对汽车销售企业的部门联合抽查" {
  事项 {
    "对从事汽车销售及其相关服务活动的检查"
    "市场主体登记事项和公示信息检查"
  }
  对象 "全区汽车销售企业" 筛选 行业类别 包含 "汽车销售"
  比例 不低于 20%
  频次 1次/年
  时间 3月—12月
  发起 城区商务局
  配合 城区市场监管局、区人社局
  模式 县抽县查
}
"""
WARNS = CLEAN.replace("时间 3月—12月", "时间 12月至次年2月")
BROKEN = CLEAN.replace("配合 城区市场监管局、区人社局", "配合 城区市场监管局、城区人设局")


def run(*args: str, stdin: str | bytes | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin)


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"clean": tmp_path / "clean.ssj", "warns": tmp_path / "warns.ssj",
             "broken": tmp_path / "broken.ssj"}
    for key, text in (("clean", CLEAN), ("warns", WARNS), ("broken", BROKEN)):
        paths[key].write_text(text, encoding="utf-8")
    return paths


# ---------------------------------------------------------------- ssj check


def test_check_exit_codes(files: dict[str, Path], tmp_path: Path) -> None:
    clean = run("check", str(files["clean"]))
    assert clean.exit_code == 0, clean.output
    assert clean.stdout == "no problems（未发现问题）\n"
    warns = run("check", str(files["warns"]))
    assert warns.exit_code == 0
    assert "warning[SSJ133]" in warns.stdout and warns.stdout.endswith("1 warning（1 个警告）\n")
    broken = run("check", str(files["broken"]), str(files["clean"]))
    assert broken.exit_code == 1
    assert "error[SSJ104]: 未声明的部门「城区人设局」" in broken.stdout
    assert "是否应为「城区人社局」" in broken.stdout
    missing = run("check", str(files["clean"]), str(tmp_path / "nope.ssj"))
    assert missing.exit_code == 2
    assert "nope.ssj: 文件不存在 (no such file)" in missing.stderr
    only_missing = run("check", str(tmp_path / "nope.ssj"))
    assert only_missing.exit_code == 2
    assert only_missing.stdout == "", "nothing was checked, so no summary may claim there are no problems"
    directory = run("check", str(tmp_path))
    assert directory.exit_code == 2 and "目录" in directory.stderr
    usage = run("check")
    assert usage.exit_code == 2


def test_check_quiet_shows_errors_only(files: dict[str, Path]) -> None:
    assert run("check", "--quiet", str(files["warns"])).stdout == ""
    quiet = run("check", "-q", str(files["broken"]), str(files["warns"]))
    assert quiet.exit_code == 1
    assert "error[SSJ104]" in quiet.stdout and "warning" not in quiet.stdout and "个错误" not in quiet.stdout


def test_check_json(files: dict[str, Path]) -> None:
    result = run("check", "--format", "json", str(files["broken"]), str(files["warns"]))
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [d["code"] for d in data] == ["SSJ104", "SSJ133"]
    first = data[0]
    assert list(first) == ["code", "severity", "message", "file", "line", "column", "end_line", "end_column",
                           "hint", "related", "fixes"]
    assert first["fixes"][0]["title"].startswith("改为「")
    edit = first["fixes"][0]["edits"][0]
    assert (edit["line"], edit["column"], edit["end_column"]) == (21, first["column"], first["end_column"])
    assert (first["severity"], first["file"], first["line"]) == ("error", str(files["broken"]), 21)
    assert BROKEN.split("\n")[20][first["column"] - 1:first["end_column"] - 1] == "城区人设局"
    assert "城区人设局" in result.stdout  # UTF-8, not \\u escapes


def test_check_github(files: dict[str, Path]) -> None:
    result = run("check", "--format", "github", str(files["broken"]), str(files["warns"]))
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"::error file={files['broken']},line=21,col=")
    assert ",title=SSJ104::未声明的部门「城区人设局」 (unknown department)%0Ahint: " in lines[0]
    assert lines[1].startswith("::warning file=")
    assert len(lines) == 2


def test_no_colour_outside_a_terminal(files: dict[str, Path]) -> None:
    assert "\x1b[" not in run("check", str(files["broken"])).output


def test_caret_under_the_right_column_after_cjk(tmp_path: Path) -> None:
    line = "\t配合 城区市场监管局、城区人设局"
    source = CLEAN.replace("  配合 城区市场监管局、区人社局", line)
    plan = tmp_path / "cjk.ssj"
    plan.write_text(source, encoding="utf-8")
    out = run("check", str(plan)).stdout.split("\n")
    code_line = next(i for i, text in enumerate(out) if text.startswith("21 | "))
    shown, carets = out[code_line], out[code_line + 1]
    assert shown == "21 |     配合 城区市场监管局、城区人设局"
    prefix = "    配合 城区市场监管局、"  # the tab shows as 4 columns
    gutter = len("21 | ")
    assert carets == " " * 2 + " | " + " " * wcwidth.wcswidth(prefix) + "^" * wcwidth.wcswidth("城区人设局")
    assert carets.index("^") == gutter + wcwidth.wcswidth(prefix)


# ---------------------------------------------------------------- report functions


def test_report_text_for_tables_and_whole_files() -> None:
    diagnostics = [error("SSJ201", "统一社会信用代码校验位错误", "registry.csv", Span(12, 1, 12, 1, 0, 0),
                         hint="核对"),
                   warning("SSJ109", "计划中没有任务", "plan.ssj")]
    text = render_text(diagnostics, {"registry.csv": None})
    assert text == ("registry.csv:12:1: error[SSJ201]: 统一社会信用代码校验位错误\n   = hint: 核对\n\n"
                    "plan.ssj: warning[SSJ109]: 计划中没有任务\n")


def test_report_related_note_and_multiline_span() -> None:
    source = "部门 甲\n部门 甲\n任务 1 \"x\" {\n}\n"
    diagnostic = error("SSJ105", "重复", "p.ssj", Span(2, 4, 2, 5, 0, 0),
                       related=(Related("首次声明于此", Span(1, 4, 1, 5, 0, 0), "p.ssj"),))
    block = error("SSJ110", "缺少", "p.ssj", Span(3, 1, 4, 2, 0, 0))
    text = render_text([diagnostic, block], {"p.ssj": source})
    assert text == (
        "p.ssj:2:4: error[SSJ105]: 重复\n"
        "  |\n2 | 部门 甲\n  |      ^^\n"
        "  = note: 首次声明于此\n --> p.ssj:1:4\n  |\n1 | 部门 甲\n  |      --\n\n"
        "p.ssj:3:1: error[SSJ110]: 缺少\n"
        "  |\n3 | 任务 1 \"x\" {\n  | ^^^^^^^^^^^^\n4 | }\n  | ^\n"
    )


def test_github_escaping() -> None:
    diagnostic = error("SSJ1,0:1", "100% 不行\r\n下一行", "a,b:c.ssj", Span(1, 2, 1, 3, 0, 0))
    assert render_github([diagnostic]) == (
        "::error file=a%2Cb%3Ac.ssj,line=1,col=2,endLine=1,endColumn=3,title=SSJ1%2C0%3A1::"
        "100%25 不行%0D%0A下一行\n")


def test_json_for_a_whole_file_diagnostic() -> None:
    data = json.loads(render_json([warning("SSJ109", "无任务", "p.ssj")]))
    assert data == [{"code": "SSJ109", "severity": "warning", "message": "无任务", "file": "p.ssj",
                     "line": None,
                     "column": None, "end_line": None, "end_column": None, "hint": None, "related": [],
                     "fixes": []}]


def test_summary_and_widths() -> None:
    def many(errors: int, warnings: int) -> list[Diagnostic]:
        return [error("E", "m", "f")] * errors + [warning("W", "m", "f")] * warnings

    assert summary(many(2, 1)) == "2 errors, 1 warning（2 个错误，1 个警告）"
    assert summary(many(1, 0)) == "1 error（1 个错误）"
    assert summary(many(0, 3)) == "3 warnings（3 个警告）"
    assert summary([]) == "no problems（未发现问题）"
    assert display_width("城区a\t") == 8
    assert display_width("ｆｕｌｌ") == 8


# ---------------------------------------------------------------- ssj fmt


UGLY = CLEAN.replace("  比例 不低于 20%\n", "  比例   不低于 20%\n").replace("部门 城区商务局\n",
                                                                   "部门   城区商务局\n")


def test_fmt_rewrites_in_place_and_is_idempotent(tmp_path: Path) -> None:
    plan = tmp_path / "p.ssj"
    plan.write_text(UGLY, encoding="utf-8")
    check = run("fmt", "--check", str(plan))
    assert check.exit_code == 1 and str(plan) in check.stdout
    assert plan.read_text(encoding="utf-8") == UGLY  # --check writes nothing
    diff = run("fmt", "--diff", str(plan))
    # a difference shown
    assert diff.exit_code == 1 and diff.stdout.startswith("---") and "+++" in diff.stdout
    assert plan.read_text(encoding="utf-8") == UGLY
    assert run("fmt", str(plan)).exit_code == 0
    formatted = plan.read_text(encoding="utf-8")
    assert formatted != UGLY
    assert run("fmt", "--check", str(plan)).exit_code == 0
    clean_diff = run("fmt", "--diff", str(plan))
    assert clean_diff.exit_code == 0 and clean_diff.stdout == ""
    assert run("fmt", str(plan)).exit_code == 0
    assert plan.read_text(encoding="utf-8") == formatted
    assert [p.name for p in tmp_path.iterdir()] == ["p.ssj"]  # no temporary files left behind
    assert run("check", str(plan)).exit_code == 0


def test_fmt_stdin_to_stdout(tmp_path: Path) -> None:
    plan = tmp_path / "p.ssj"
    plan.write_text(UGLY, encoding="utf-8")
    run("fmt", str(plan))
    result = run("fmt", "-", stdin=UGLY.encode("utf-8"))
    assert result.exit_code == 0
    assert result.stdout == plan.read_text(encoding="utf-8")


def test_fmt_refuses_syntax_errors(tmp_path: Path) -> None:
    plan = tmp_path / "p.ssj"
    text = CLEAN.replace("  比例 不低于 20%\n", "  比例 不低于 20\n")
    plan.write_text(text, encoding="utf-8")
    result = run("fmt", str(plan))
    assert result.exit_code == 1
    assert "SSJ0" in result.stderr and "未排版" in result.stderr
    assert plan.read_text(encoding="utf-8") == text
    assert run("fmt", str(tmp_path / "missing.ssj")).exit_code == 2


ENGLISH = """\
department MarketBureau
task 1 "Schools" {
  items "enrolment"
  rate   at least 10%   (at least 2 subjects)
  rounds 1 per year
  lead MarketBureau
}
"""


def test_fmt_keeps_the_keyword_language_and_lang_forces_one(tmp_path: Path) -> None:
    english, chinese = tmp_path / "en.ssj", tmp_path / "zh.ssj"
    english.write_text(ENGLISH, encoding="utf-8")
    chinese.write_text(UGLY, encoding="utf-8")
    assert run("fmt", str(english), str(chinese)).exit_code == 0
    kept = english.read_text(encoding="utf-8")
    assert "  rate at least 10% (at least 2 subjects)\n" in kept and "比例" not in kept
    assert chinese.read_text(encoding="utf-8").startswith("# 示例计划\n计划 ")
    assert run("fmt", "--check", str(english), str(chinese)).exit_code == 0
    to_chinese = run("fmt", "--lang", "zh", "-", stdin=ENGLISH)
    assert to_chinese.exit_code == 0 and "  比例 不低于 10% (不少于 2户)\n" in to_chinese.stdout
    to_english = run("fmt", "--lang", "en", "-", stdin=to_chinese.stdout)
    assert to_english.exit_code == 0 and to_english.stdout == kept
    forced = run("fmt", "--check", "--lang", "zh", str(english))
    assert forced.exit_code == 1 and "would reformat" in forced.stdout
    assert run("fmt", "--lang", "fr", str(english)).exit_code == 2


# ---------------------------------------------------------------- ssj export


def test_export_json(files: dict[str, Path], tmp_path: Path) -> None:
    result = run("export", str(files["clean"]))
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("}\n") and "对汽车销售企业的部门联合抽查" in result.stdout
    data = json.loads(result.stdout)
    assert data["tasks"][0]["assist"] == ["城区市场监管局", "城区人社局"]
    assert result.stdout == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    assert run("export", "--format", "json", str(files["clean"])).stdout == result.stdout  # deterministic
    out = tmp_path / "plan.json"
    assert run("export", str(files["clean"]), "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == result.stdout
    exists = run("export", str(files["clean"]), "-o", str(out))
    assert exists.exit_code == 2 and "--force" in exists.stderr
    assert run("export", str(files["clean"]), "-o", str(out), "--force").exit_code == 0


def test_export_refuses_a_plan_with_errors(files: dict[str, Path], tmp_path: Path) -> None:
    result = run("export", str(files["broken"]), "-o", str(tmp_path / "x.json"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "SSJ104" in result.stderr
    assert not (tmp_path / "x.json").exists()
    warned = run("export", str(files["warns"]))
    assert warned.exit_code == 0 and "SSJ133" in warned.stderr
    assert run("export", str(tmp_path / "nope.ssj")).exit_code == 2


def test_fmt_never_writes_a_plan_whose_meaning_changed(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from ssjlang.language import formatter

    plan = tmp_path / "p.ssj"
    plan.write_text(UGLY, encoding="utf-8")
    changed = UGLY.replace("不低于 20%", "不低于 30%")
    monkeypatch.setattr(formatter, "format_plan", lambda p, c, language="zh": changed)
    result = run("fmt", str(plan))
    assert result.exit_code == 1 and "内部错误" in result.stderr
    assert plan.read_text(encoding="utf-8") == UGLY


def test_shipped_plan_checks_clean_with_its_known_warnings() -> None:
    plan = Path(__file__).resolve().parent.parent / "plans" / "chengqu2024.ssj"
    result = run("check", "--format", "json", str(plan))
    assert result.exit_code == 0
    assert [d["code"] for d in json.loads(result.stdout)] == ["SSJ133", "SSJ124", "SSJ124"]


def test_lazy_command_registry_matches_the_modules() -> None:
    """`ssj check` imports only its own module; the name → module table must list every command."""
    from ssjlang.cli import COMMAND_MODULES, command_module_commands

    declared = {command.name: module for module in sorted(set(COMMAND_MODULES.values()))
                for command in command_module_commands(module)}
    assert declared == COMMAND_MODULES
    assert run("--help").exit_code == 0 and all(name in run("--help").stdout for name in COMMAND_MODULES)
    assert run("no-such-command").exit_code == 2


def test_ssj_check_process_imports_only_the_check_path() -> None:
    """The document renderer (jinja2, openpyxl, docx), the draw and the formatter stay unloaded."""
    import subprocess
    import sys

    plan = Path(__file__).resolve().parent.parent / "plans" / "chengqu2024.ssj"
    code = ("import sys\nfrom ssjlang.cli import main\n"
            f"try:\n    main(['check', '-q', {str(plan)!r}])\nexcept SystemExit:\n    pass\n"
            "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('ssjlang', 'jinja2', 'openpyxl', 'docx', 'docxtpl'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert {"ssjlang.language.parser", "ssjlang.check.checker", "ssjlang.cli.plan_commands"} <= loaded
    heavy = {"jinja2", "openpyxl", "docx", "docxtpl", "ssjlang.documents.render", "ssjlang.interpret.draw",
             "ssjlang.language.formatter",
             "ssjlang.cli.compile_command", "ssjlang.cli.draw_commands", "ssjlang.documents.results"}
    assert loaded.isdisjoint(heavy), loaded & heavy
