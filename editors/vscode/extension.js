// The Leidraad extension: starts `leidraad lsp` (the path and arguments come
// from the settings `leidraad.server.path` and `leidraad.server.args`) and
// connects VS Code to it over standard input and output. Highlighting and
// the language configuration are declared in package.json.
"use strict";

const os = require("os");
const path = require("path");
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;

/** The server command from the settings; `~/` is the home folder. */
function serverCommand() {
  const config = vscode.workspace.getConfiguration("leidraad");
  let command = config.get("server.path", "leidraad") || "leidraad";
  if (command.startsWith("~/")) {
    command = path.join(os.homedir(), command.slice(2));
  }
  const args = config.get("server.args", ["lsp"]);
  return { command, args, transport: TransportKind.stdio };
}

async function start(context) {
  const server = serverCommand();
  client = new LanguageClient(
    "leidraad",
    "Leidraad",
    { run: server, debug: server },
    {
      documentSelector: [
        { scheme: "file", language: "leidraad" },
        { scheme: "untitled", language: "leidraad" },
      ],
      synchronize: {
        // A shared vocabulary changed on disk: the guidelines that `use` it
        // are checked again.
        fileEvents: vscode.workspace.createFileSystemWatcher("**/*.leidraad"),
      },
    },
  );
  try {
    await client.start();
  } catch (error) {
    const choice = await vscode.window.showErrorMessage(
      `Leidraad: could not start the language server \`${server.command} ${server.args.join(" ")}\` (${error.message || error}). ` +
        "Install leidraad, or set `leidraad.server.path` to the program.",
      "Open settings",
    );
    if (choice === "Open settings") {
      vscode.commands.executeCommand("workbench.action.openSettings", "leidraad.server");
    }
    client = undefined;
  }
  context.subscriptions.push({ dispose: () => stop() });
}

async function stop() {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop();
  }
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("leidraad.restartServer", async () => {
      await stop();
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("leidraad.server")) {
        await stop();
        await start(context);
      }
    }),
  );
  await start(context);
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate, serverCommand };
