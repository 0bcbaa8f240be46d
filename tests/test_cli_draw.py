"""`ssj commit`, `ssj draw`, `ssj verify` end to end through click, with their exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from test_record import DESCRIPTOR, PLAN, ROSTER, VALUE, registry_text

from ssjlang.cli import main
from ssjlang.interpret import draw


def setup_inputs(tmp_path: Path) -> dict[str, Path]:
    paths = {"plan": tmp_path / "plan.ssj", "registry": tmp_path / "registry.csv",
             "roster": tmp_path / "roster.csv"}
    paths["plan"].write_text(PLAN, encoding="utf-8")
    paths["registry"].write_text(registry_text(), encoding="utf-8")
    paths["roster"].write_text(ROSTER, encoding="utf-8")
    return paths


def draw_args(p: dict[str, Path], out: Path) -> list[str]:
    return ["draw", str(p["plan"]), "--registry", str(p["registry"]), "--roster", str(p["roster"]),
            "--beacon", DESCRIPTOR, "--beacon-value", VALUE, "-o", str(out)]


def test_commit_prints_t_and_c(tmp_path: Path) -> None:
    p = setup_inputs(tmp_path)
    out = tmp_path / "commitment.json"
    result = CliRunner().invoke(main, ["commit", str(p["plan"]), "--registry", str(p["registry"]),
                                       "--roster", str(p["roster"]), "--beacon", DESCRIPTOR, "-o", str(out)])
    assert result.exit_code == 0, result.output
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert result.stdout == saved["text"] + f"C={saved['digest']}\n"
    assert saved["text"].startswith(f"SSJ-DRAW-1\nplan={draw.plan_digest(PLAN)}\n")
    again = CliRunner().invoke(main, ["commit", str(p["plan"]), "--registry", str(p["registry"]),
                                      "--beacon", DESCRIPTOR, "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.stderr


def test_draw_then_verify(tmp_path: Path) -> None:
    p = setup_inputs(tmp_path)
    out = tmp_path / "record"
    result = CliRunner().invoke(main, draw_args(p, out))
    assert result.exit_code == 0, result.output
    assert f"wrote {out / 'record.json'}" in result.stdout
    assert "3 tasks" in result.stdout
    assert "warning: SSJ308" in result.stderr
    again = CliRunner().invoke(main, draw_args(p, out))
    assert again.exit_code == 2 and "already exists" in again.stderr
    forced = CliRunner().invoke(main, [*draw_args(p, out), "--force"])
    assert forced.exit_code == 0
    verify = ["verify", str(out), "--plan", str(p["plan"]), "--registry", str(p["registry"]),
              "--roster", str(p["roster"])]
    ok = CliRunner().invoke(main, verify)
    assert ok.exit_code == 0 and ok.stdout == "verified\n"
    record = json.loads((out / "record.json").read_text(encoding="utf-8"))
    record["beacon_value"] = "1"
    (out / "record.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    bad = CliRunner().invoke(main, verify)
    assert bad.exit_code == 1 and bad.stdout.startswith("not verified: 种子 S 不一致 (seed differs)")


def test_input_errors_exit_1_with_location(tmp_path: Path) -> None:
    p = setup_inputs(tmp_path)
    broken = PLAN.replace('包含 "汽车销售"', '包含 "汽车销售" 且 机构级别 = "三级"')
    p["plan"].write_text(broken, encoding="utf-8")
    result = CliRunner().invoke(main, draw_args(p, tmp_path / "out"))
    assert result.exit_code == 1
    assert f"{p['plan']}:" in result.stderr and "error[SSJ" in result.stderr
    assert not (tmp_path / "out").exists()


def test_usage_and_io_errors_exit_2(tmp_path: Path) -> None:
    p = setup_inputs(tmp_path)
    missing = CliRunner().invoke(main, ["draw", str(tmp_path / "nope.ssj"), "--registry", str(p["registry"]),
                                        "--roster", str(p["roster"]), "--beacon", "x", "--beacon-value", "1",
                                        "-o", str(tmp_path / "o")])
    assert missing.exit_code == 2
    no_value = CliRunner().invoke(main, ["draw", str(p["plan"]), "--registry", str(p["registry"]),
                                         "--roster", str(p["roster"]), "--beacon", "x",
                                         "-o", str(tmp_path / "o")])
    assert no_value.exit_code == 2
    junk = tmp_path / "junk.json"
    junk.write_text("not json", encoding="utf-8")
    bad_record = CliRunner().invoke(main, ["verify", str(junk), "--plan", str(p["plan"]),
                                           "--registry", str(p["registry"])])
    assert bad_record.exit_code == 2 and "SSJ320" in bad_record.stderr


def test_empty_beacon_value_is_an_input_error(tmp_path: Path) -> None:
    p = setup_inputs(tmp_path)
    args = draw_args(p, tmp_path / "o")
    args[args.index(VALUE)] = "\u3000"
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and "SSJ310" in result.stderr


def test_unusable_outputs_are_refused_before_drawing(tmp_path: Path) -> None:
    """-o at a device (here a link to /dev/full), at a file for a directory, or under a file: exit 2,
    said in the house style, and the thing at the path is left as it was, --force or not."""
    p = setup_inputs(tmp_path)
    commit = ["commit", str(p["plan"]), "--registry", str(p["registry"]), "--beacon", DESCRIPTOR]
    if Path("/dev/full").exists():
        device = tmp_path / "full"
        device.symlink_to("/dev/full")
        result = CliRunner().invoke(main, [*commit, "-o", str(device), "--force"])
        assert result.exit_code == 2 and result.stdout == ""
        said = f"无法写入 {device} (cannot write): 「{device}」是设备文件 (a device)，不是普通文件"
        assert said in result.stderr
        assert device.is_symlink()
    notes = tmp_path / "notes.txt"
    notes.write_text("keep", encoding="utf-8")
    result = CliRunner().invoke(main, [*draw_args(p, notes), "--force"])
    assert result.exit_code == 2 and result.stdout == ""
    assert f"「{notes}」是普通文件 (a regular file)，不是目录 (not a directory)" in result.stderr
    for args in (draw_args(p, notes / "x"), [*commit, "-o", str(notes / "x" / "c.json")]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2 and result.stdout == ""
        assert f"「{notes}」不是目录 (is not a directory)" in result.stderr
        assert "File exists" not in result.stderr and "Traceback" not in result.stderr
    assert notes.read_text(encoding="utf-8") == "keep"
    left = {q.name for q in tmp_path.iterdir()} - {"full"}
    assert left == {"plan.ssj", "registry.csv", "roster.csv", "notes.txt"}  # nothing half-written
