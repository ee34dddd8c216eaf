// Tokenizes Leidraad text with the extension's TextMate grammar, as VS Code
// does (vscode-textmate with the Oniguruma regex engine compiled to wasm).
// Used by the screenshot renderer and the tests.
"use strict";

const fs = require("fs");
const path = require("path");
const textmate = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const GRAMMAR = path.join(__dirname, "..", "syntaxes", "leidraad.tmLanguage.json");

let grammarPromise;

/** The grammar, loaded once. */
function grammar() {
  if (!grammarPromise) {
    const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
    const onigLib = oniguruma.loadWASM(wasm.buffer).then(() => ({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }));
    const registry = new textmate.Registry({
      onigLib,
      loadGrammar: async (scopeName) => {
        if (scopeName !== "source.leidraad") {
          return null;
        }
        return textmate.parseRawGrammar(fs.readFileSync(GRAMMAR, "utf8"), GRAMMAR);
      },
    });
    grammarPromise = registry.loadGrammar("source.leidraad");
  }
  return grammarPromise;
}

/**
 * The tokens of every line: `[{ text, scopes }]` per line, where `scopes`
 * runs from `source.leidraad` to the innermost scope. Lines end at LF, CRLF
 * or a lone CR, as in the language.
 */
async function tokenize(text) {
  const g = await grammar();
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 1 && lines[lines.length - 1] === "") {
    lines.pop();
  }
  let state = textmate.INITIAL;
  const out = [];
  for (const line of lines) {
    const result = g.tokenizeLine(line, state);
    out.push(
      result.tokens.map((t) => ({
        text: line.slice(t.startIndex, t.endIndex),
        scopes: t.scopes,
      })),
    );
    state = result.ruleStack;
  }
  return out;
}

module.exports = { tokenize, GRAMMAR };
