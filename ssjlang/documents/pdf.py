"""PDF through WeasyPrint, so an office prints the documents without a browser (`--format pdf`).

WeasyPrint lays the same HTML and print CSS out as Chromium's print preview does (A4 pages, `@page`
margins, `break-before: page` between a notice and its 送达回证). Output is byte-identical per input: the
creation and modification dates are the document date, no producer names the tool, no file identifier
depends on the clock, and fonts are subset deterministically. WeasyPrint needs Pango (Debian:
libpango-1.0-0, libpangoft2-1.0-0, libharfbuzz-subset0) and CJK fonts (fonts-noto-cjk); `.ci/run`
installs them.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from ..diagnostics import InputError, error

SSJ426 = "SSJ426"  # PDF output asked for, but WeasyPrint (or the Pango library it needs) cannot be loaded


def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the Pango shared libraries are missing
        raise InputError(
            [
                error(
                    SSJ426,
                    f"无法生成 PDF：WeasyPrint 不可用 (WeasyPrint cannot be loaded): {exc}",
                    "--format pdf",
                    hint="pip install weasyprint；Debian/Ubuntu 另需 apt-get install libpango-1.0-0 "
                    "libpangoft2-1.0-0 fonts-noto-cjk；或去掉 --format 中的 pdf",
                )
            ]
        ) from exc
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return weasyprint


def layout(html: str) -> Any:
    """The laid-out document (pages, anchors), without writing a PDF."""
    return _weasyprint().HTML(string=html, base_url=".").render()


def html_to_pdf(html: str, day: date, title: str, author: str) -> bytes:
    """One HTML document as PDF bytes, dated `day`, titled and authored as the document says."""
    document = layout(html)
    stamp = f"{day.isoformat()}T00:00:00+00:00"
    document.metadata.created = stamp
    document.metadata.modified = stamp
    document.metadata.title = title
    document.metadata.authors = [author] if author else []
    document.metadata.generator = None

    def finish(_document: Any, pdf: Any) -> None:
        pdf.info.pop("Producer", None)
        pdf.info.pop("Creator", None)

    data: bytes = document.write_pdf(finisher=finish, pdf_identifier=False)
    return data
