"""Make docs/editor-screenshot.png: the Chengqu plan as the VS Code extension highlights it.

    python tools/editor_screenshot.py [--lines N] [--out docs/editor-screenshot.png]

The plan is tokenised by the extension's own TextMate grammar under Node (editors/vscode/test/tokenize.js:
vscode-textmate with Oniguruma, as in VS Code), coloured with VS Code's "Dark+" colours for those scopes,
laid out like an editor (line numbers, a tab with the file name) and photographed by headless Chromium
with the Noto CJK fonts. Needs node with `npm ci` done in editors/vscode, and chromium + fonts-noto-cjk
(`.ci/run` installs both).
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = ROOT / "editors" / "vscode"
PLAN = ROOT / "plans" / "chengqu2024.ssj"
OUT = ROOT / "docs" / "editor-screenshot.png"

DARK_PLUS = {
    "comment": "#6A9955",
    "string": "#CE9178",
    "constant.numeric": "#B5CEA8",
    "keyword.control": "#C586C0",
    "keyword.operator.word": "#569CD6",
    "keyword.operator": "#D4D4D4",
    "keyword": "#569CD6",
    "variable": "#9CDCFE",
    "punctuation": "#D4D4D4",
}
"""VS Code Dark+ foreground colours by scope prefix (the longest matching prefix wins)."""

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><style>
body {{ margin: 0; background: #1e1e1e; }}
.tab {{ background: #252526; color: #cccccc; font: 13px "Noto Sans CJK SC", sans-serif; padding: 8px 16px;
        border-bottom: 1px solid #333; }}
.tab span {{ background: #1e1e1e; padding: 8px 14px; border-top: 2px solid #0078d4; }}
pre {{ margin: 0; padding: 10px 0; color: #d4d4d4; font: 15px/22px "Noto Sans Mono CJK SC", monospace;
       counter-reset: line; }}
.line {{ display: block; white-space: pre; }}
.line::before {{ counter-increment: line; content: counter(line); display: inline-block; width: 3.2em;
                 padding-right: 1.4em; text-align: right; color: #858585; }}
</style></head><body><div class="tab"><span>{name}</span></div><pre>{lines}</pre></body></html>
"""


def colour(scope: str) -> str | None:
    matches = [prefix for prefix in DARK_PLUS if scope.startswith(prefix)]
    return DARK_PLUS[max(matches, key=len)] if matches else None


def tokens(path: Path) -> list[list[list[object]]]:
    node = shutil.which("node")
    if node is None or not (EXTENSION / "node_modules" / "vscode-textmate").is_dir():
        raise SystemExit("needs node and `npm ci` in editors/vscode")
    done = subprocess.run([node, str(EXTENSION / "test" / "tokenize.js"), str(path)], capture_output=True,
                          text=True, check=True, cwd=EXTENSION)
    found: list[list[list[object]]] = json.loads(done.stdout)[str(path)]
    return found


def page(path: Path, count: int) -> str:
    """The HTML of the first `count` lines of the plan, coloured by the grammar's scopes (indices are UTF-16
    units, so the text is sliced in UTF-16 too)."""
    text_lines = path.read_text(encoding="utf-8").split("\n")
    out = []
    for line, line_tokens in list(zip(text_lines, tokens(path), strict=True))[:count]:
        units = line.encode("utf-16-le")
        parts = []
        for start, end, scope in line_tokens:
            piece = html.escape(units[int(start) * 2:int(end) * 2].decode("utf-16-le"))
            shown = colour(str(scope))
            parts.append(f'<span style="color:{shown}">{piece}</span>' if shown else piece)
        out.append(f'<span class="line">{"".join(parts)}</span>')
    return PAGE.format(name=html.escape(path.name), lines="".join(out))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=62, help="how many lines of the plan to show")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("needs chromium (Debian: apt-get install -y chromium fonts-noto-cjk)")
    with tempfile.TemporaryDirectory(prefix="ssj-shot-") as tmp:
        html_file = Path(tmp) / "plan.html"
        html_file.write_text(page(PLAN, args.lines), encoding="utf-8")
        height = 40 + 20 + 22 * args.lines
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--hide-scrollbars", f"--user-data-dir={Path(tmp) / 'profile'}",
                        f"--screenshot={args.out.resolve()}", f"--window-size=1500,{height}",
                        html_file.as_uri()], check=True, capture_output=True, timeout=120)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
