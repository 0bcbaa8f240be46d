"""Byte-deterministic OOXML (DOCX, XLSX): fixed zip entry times and attributes, core properties dated with
the document date instead of the clock, so a rerun gives identical files."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

#: The fixed zip entry time of DOCX/XLSX (the earliest a zip can hold), so outputs are byte-identical.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _core_stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def normalise_ooxml(data: bytes, day: date) -> bytes:
    """Rewrite a DOCX/XLSX zip byte-deterministically: fixed entry times and attributes, core properties
    created/modified set to the document date instead of the clock."""
    stamp = _core_stamp(day)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                for tag in ("created", "modified"):
                    text = re.sub(
                        rf"(<dcterms:{tag}\b[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{stamp}\g<2>", text
                    )
                text = re.sub(r"(<cp:lastPrinted>)[^<]*(</cp:lastPrinted>)", rf"\g<1>{stamp}\g<2>", text)
                content = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, content)
    return out.getvalue()
