"""Stand-ins shared by the team, schedule and visit tests: real roster objects built in code, not from CSV.

They build genuine `registry.Inspector` / `registry.Roster` values (what `load_roster` returns), so the
tests exercise the same types as a real draw; keyword arguments keep them independent of field order.
"""

from __future__ import annotations

import importlib.util
import shutil
import struct
import subprocess
import sys
import zlib
from datetime import date
from pathlib import Path
from types import ModuleType

from ssjlang.interpret import registry


def Inspector(badge: str, name: str, department: str, qualified: bool = True,
              specialties: tuple[str, ...] = (), recusals: frozenset[str] = frozenset(),
              unavailable: frozenset[date] = frozenset(), row: int = 2) -> registry.Inspector:
    """A real registry.Inspector with test defaults (qualified, no recusals, always available, row 2)."""
    return registry.Inspector(badge=badge, name=name, department=department, qualified=qualified,
                              specialties=specialties, recusals=recusals, unavailable=unavailable, row=row)


def Roster(inspectors: tuple[registry.Inspector, ...], path: str = "roster.csv") -> registry.Roster:
    """A real registry.Roster around the inspectors (what load_roster would return, digest Q = "-")."""
    by_department: dict[str, list[registry.Inspector]] = {}
    for inspector in inspectors:
        by_department.setdefault(inspector.department, []).append(inspector)
    return registry.Roster(path=Path(path), header=(), inspectors=tuple(inspectors),
                           by_badge={i.badge: i for i in inspectors},
                           by_department={d: tuple(p) for d, p in sorted(by_department.items())}, digest="-")


def load_tool(name: str) -> ModuleType:
    """A script of tools/ as a module (tools/ is not a package: the scripts are run by hand)."""
    path = Path(__file__).resolve().parent.parent / "tools" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def png_scan(data: bytes, step: int = 4) -> tuple[int, int, int, int]:
    """Width, height, and the numbers of clearly non-white ("ink") and clearly red pixels of an 8-bit RGB/RGBA
    PNG, sampling every `step`-th pixel of each row (zlib only: fast enough in pure Python)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, width, height, colour = 8, [], 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    prev = bytearray(stride)
    ink = red = 0
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + pred) & 255
        for x in range(0, stride, bpp * step):
            r, g, b = line[x], line[x + 1], line[x + 2]
            if r < 160 and g < 160 and b < 160:
                ink += 1
            if r > 170 and g < 90 and b < 90:
                red += 1
        prev = line
    return width, height, ink, red


def chromium_screenshot(tmp_path: Path, name: str, html: bytes,
                        size: tuple[int, int]) -> tuple[int, int, int, int]:
    """A page as Debian's headless Chromium shows it, scanned by `png_scan`: (width, height, ink, red).
    Skips the calling test when Chromium is not installed (CI installs it: .ci/run)."""
    import pytest

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (Debian: apt-get install -y chromium fonts-noto-cjk)")
    page = tmp_path / f"{name}.html"
    page.write_bytes(html)
    shot = tmp_path / f"{name}.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
                    f"--window-size={size[0]},{size[1]}", page.as_uri()],
                   check=True, capture_output=True, timeout=90)
    assert shot.exists()
    return png_scan(shot.read_bytes())
