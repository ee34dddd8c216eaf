// The client's start-up, with VS Code's API stubbed: it starts the program
// of `leidraad.server.path` with `leidraad.server.args`, over stdio, for
// the `leidraad` language.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const Module = require("module");
const os = require("os");
const path = require("path");

function loadWith(settings) {
  const started = [];
  const vscode = {
    workspace: {
      getConfiguration: (section) => {
        assert.equal(section, "leidraad");
        return { get: (key, fallback) => (key in settings ? settings[key] : fallback) };
      },
      createFileSystemWatcher: (glob) => ({ glob }),
      onDidChangeConfiguration: () => ({ dispose() {} }),
    },
    window: { showErrorMessage: async () => undefined },
    commands: { registerCommand: (name) => ({ name, dispose() {} }), executeCommand() {} },
  };
  class LanguageClient {
    constructor(id, name, server, client) {
      Object.assign(this, { id, name, server, client });
      started.push(this);
    }
    async start() {}
    async stop() {}
  }
  const original = Module._load;
  Module._load = function (request, ...rest) {
    if (request === "vscode") return vscode;
    if (request === "vscode-languageclient/node") return { LanguageClient, TransportKind: { stdio: 0 } };
    return original.call(this, request, ...rest);
  };
  try {
    delete require.cache[require.resolve("../extension.js")];
    return { extension: require("../extension.js"), started };
  } finally {
    Module._load = original;
  }
}

test("the defaults start `leidraad lsp` for leidraad files", async () => {
  const { extension, started } = loadWith({});
  const context = { subscriptions: [] };
  await extension.activate(context);
  assert.equal(started.length, 1);
  const [client] = started;
  assert.deepEqual(client.server.run, { command: "leidraad", args: ["lsp"], transport: 0 });
  assert.deepEqual(client.client.documentSelector.map((d) => d.language), ["leidraad", "leidraad"]);
  assert.equal(client.client.synchronize.fileEvents.glob, "**/*.leidraad");
  await extension.deactivate();
});

test("the path setting is used, with `~/` as the home folder", () => {
  const { extension } = loadWith({ "server.path": "~/bin/leidraad", "server.args": ["lsp", "--x"] });
  assert.deepEqual(extension.serverCommand(), {
    command: path.join(os.homedir(), "bin/leidraad"),
    args: ["lsp", "--x"],
    transport: 0,
  });
});

test("package.json declares the language, the grammar and the settings", () => {
  const manifest = require("../package.json");
  const [language] = manifest.contributes.languages;
  assert.equal(language.id, "leidraad");
  assert.deepEqual(language.extensions, [".leidraad"]);
  assert.equal(manifest.contributes.grammars[0].scopeName, "source.leidraad");
  const settings = manifest.contributes.configuration.properties;
  assert.equal(settings["leidraad.server.path"].default, "leidraad");
  assert.deepEqual(settings["leidraad.server.args"].default, ["lsp"]);
  assert.ok(manifest.dependencies["vscode-languageclient"]);
});
