// Tokenise files with the extension's TextMate grammar, as VS Code does (vscode-textmate with the
// Oniguruma regex engine), and print the tokens as JSON: for each file, one list per line of
// [startIndex, endIndex, innermost scope]. Indices count UTF-16 code units, like JavaScript strings.
//
//   node test/tokenize.js FILE.ssj… > tokens.json      ({"FILE.ssj": [[[0, 2, "keyword.control.ssj"], …], …]})
"use strict";

const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

async function main() {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("usage: node test/tokenize.js FILE.ssj…");
    process.exit(2);
  }
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== "source.ssj") {
        return null;
      }
      const grammarPath = path.join(__dirname, "..", "syntaxes", "ssj.tmLanguage.json");
      return vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath);
    },
  });
  const grammar = await registry.loadGrammar("source.ssj");
  const out = {};
  for (const file of files) {
    const lines = fs.readFileSync(file, "utf8").replace(/\r\n?/g, "\n").split("\n");
    let ruleStack = vsctm.INITIAL;
    out[file] = [];
    for (const line of lines) {
      const result = grammar.tokenizeLine(line, ruleStack);
      out[file].push(result.tokens.map((t) => [t.startIndex, Math.min(t.endIndex, line.length), t.scopes[t.scopes.length - 1]]));
      ruleStack = result.ruleStack;
    }
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
