"""The .ssj language: keywords per human language, the typed tree, the parser, the formatter, the wording of
plan texts and the highlighting rules.
"""
