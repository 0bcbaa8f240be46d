// The VS Code side of ssjlang: starts `ssj lsp` (the language server of the ssjlang Python package)
// for .ssj files and passes the extension's settings to it. Everything else — problems, completion,
// hover, formatting, quick fixes, code lenses — is the server's work; highlighting is the TextMate
// grammar in syntaxes/ (generated from ssjlang/language/keywords.py by tools/gen_textmate.py).
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function settings() {
  const config = vscode.workspace.getConfiguration("ssj");
  return {
    serverPath: config.get("server.path") || "ssj",
    registry: config.get("registry") || "",
    registryEncoding: config.get("registryEncoding") || "",
  };
}

function createClient() {
  const { serverPath, registry, registryEncoding } = settings();
  const serverOptions = {
    command: serverPath,
    args: ["lsp"],
    transport: TransportKind.stdio,
  };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "ssj" },
      { scheme: "untitled", language: "ssj" },
    ],
    initializationOptions: { registry, registryEncoding },
    synchronize: {
      configurationSection: "ssj",
      fileEvents: vscode.workspace.createFileSystemWatcher("**/ssj.toml"),
    },
  };
  return new LanguageClient("ssj", vscode.l10n.t("ssj language server"), serverOptions, clientOptions);
}

async function start() {
  client = createClient();
  try {
    await client.start();
  } catch (error) {
    const reason = error && error.message ? error.message : String(error);
    const open = vscode.l10n.t("Open settings");
    const choice = await vscode.window.showErrorMessage(
      vscode.l10n.t(
        "Cannot start the ssj language server: {0}. Install ssjlang with the language server (pip install \"ssjlang[lsp]\") or set \"ssj.server.path\".",
        reason,
      ),
      open,
    );
    if (choice === open) {
      vscode.commands.executeCommand("workbench.action.openSettings", "ssj.server.path");
    }
  }
}

async function stop() {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop();
  }
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("ssj.restartServer", async () => {
      await stop();
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("ssj.server.path")) {
        await stop();
        await start();
      }
    }),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
