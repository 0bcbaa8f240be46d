"""The documents stage: issuers, views of a plan and a record, and the renderers (HTML, DOCX, XLSX, CSV,
PDF).
"""
