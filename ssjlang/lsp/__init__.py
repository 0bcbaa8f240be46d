"""The language server of the `.ssj` language (`ssj lsp`, 语言服务器), on pygls 2.

Installed with the extra `pip install 'ssjlang[lsp]'`. `analysis` keeps an open plan parsed and checked
incrementally; `positions` converts spans to LSP positions (UTF-16 code units); `features` answers the
editor's requests (completion, formatting, outline, folding, quick fixes) from an analysis, `hovers` the
hover help (with `keyword_docs`, the text of every keyword), `navigation` definitions and references of
departments, units, levels and profiles; `lens` computes the registry code lens; `server` wires them to
pygls. Only `server` imports pygls (the rest needs only lsprotocol's types), so the
features are tested in-process; `ssj check` never loads any of it.
"""
