// Renders a Leidraad file's highlighting to a stand-alone HTML page, with
// the colours of VS Code's "Dark Modern" theme, as the extension's grammar
// tokenizes it (vscode-textmate + vscode-oniguruma, as in VS Code). VS Code
// itself cannot be run here; this page is what docs/editors.md shows.
//
//   node scripts/render.js FILE [OUT.html] [--lines FROM-TO]
"use strict";

const fs = require("fs");
const path = require("path");
const { tokenize } = require("./tokenize.js");

// Scope prefix -> colour, the most specific first (VS Code Dark Modern /
// Dark+ token colours).
const THEME = [
  ["invalid", "#f44747"],
  ["comment", "#6a9955"],
  ["constant.character.escape", "#d7ba7d"],
  ["string", "#ce9178"],
  ["keyword.operator.logical", "#569cd6"],
  ["keyword.operator.word", "#569cd6"],
  ["keyword.operator", "#d4d4d4"],
  ["keyword.declaration", "#569cd6"],
  ["keyword.control", "#c586c0"],
  ["keyword.other.unit", "#b5cea8"],
  ["keyword.other.action", "#c586c0"],
  ["keyword", "#569cd6"],
  ["storage", "#569cd6"],
  ["constant.numeric", "#b5cea8"],
  ["constant.language", "#569cd6"],
  ["constant.other.code", "#b5cea8"],
  ["constant.other.value", "#4fc1ff"],
  ["constant", "#4fc1ff"],
  ["support.constant", "#4ec9b0"],
  ["entity.name.function", "#dcdcaa"],
  ["entity.name.type", "#4ec9b0"],
  ["entity.name.namespace", "#4ec9b0"],
  ["entity.name.variable", "#9cdcfe"],
  ["variable", "#9cdcfe"],
  ["punctuation.definition.comment", "#6a9955"],
  ["punctuation.definition.string", "#ce9178"],
];
const FOREGROUND = "#cccccc";

/** The colour of a token: the theme entry matching its innermost scope. */
function colour(scopes) {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i];
    const hit = THEME.find(([prefix]) => scope === prefix || scope.startsWith(`${prefix}.`));
    if (hit) {
      return hit[1];
    }
  }
  return FOREGROUND;
}

const escape = (s) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * The HTML page of a text's highlighting; `title` names the file. With
 * `range` (`[from, to]`, 1-based, inclusive) only those lines are shown,
 * tokenized in the context of the whole file.
 */
async function render(text, title, range) {
  const all = await tokenize(text);
  const [from, to] = range || [1, all.length];
  const lines = all.slice(from - 1, to);
  const width = String(to).length;
  const body = lines
    .map((tokens, j) => {
      const i = j + from - 1;
      const code = tokens
        .map((t) => {
          const c = colour(t.scopes);
          const cls = t.scopes.slice(1).join(" ");
          return c === FOREGROUND
            ? escape(t.text)
            : `<span style="color:${c}" data-scopes="${escape(cls)}">${escape(t.text)}</span>`;
        })
        .join("");
      return `<span class="line"><span class="ln">${String(i + 1).padStart(width)}</span>${code}</span>`;
    })
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(title)}</title>
<style>
  body { margin: 0; background: #1f1f1f; color: ${FOREGROUND}; }
  .tab { background: #181818; color: #ffffff; font: 13px system-ui, sans-serif; padding: 8px 16px; border-bottom: 1px solid #2b2b2b; }
  pre { margin: 0; padding: 8px 0; font: 14px/19px "DejaVu Sans Mono", "Cascadia Code", Consolas, monospace; white-space: pre; }
  .ln { display: inline-block; color: #6e7681; padding: 0 24px 0 16px; text-align: right; user-select: none; }
</style>
</head>
<body>
<div class="tab">${escape(title)}</div>
<pre>
${body}
</pre>
</body>
</html>
`;
}

module.exports = { render, colour };

if (require.main === module) {
  const args = process.argv.slice(2);
  let range;
  const at = args.indexOf("--lines");
  if (at >= 0) {
    const m = /^(\d+)-(\d+)$/.exec(args[at + 1] || "");
    if (!m) {
      console.error("--lines takes FROM-TO, e.g. --lines 24-80");
      process.exit(2);
    }
    range = [Number(m[1]), Number(m[2])];
    args.splice(at, 2);
  }
  const [file, out] = args;
  if (!file) {
    console.error("usage: node scripts/render.js FILE [OUT.html] [--lines FROM-TO]");
    process.exit(2);
  }
  render(fs.readFileSync(file, "utf8"), path.basename(file), range).then((html) => {
    if (out) {
      fs.writeFileSync(out, html);
    } else {
      process.stdout.write(html);
    }
  });
}
