// The HTML rendering of the highlighting (scripts/render.js), from which
// the screenshot in docs/editors.md is taken.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("fs");
const path = require("path");
const { render, colour } = require("../scripts/render.js");

const ROOT = path.join(__dirname, "..", "..", "..");

const unescape = (s) =>
  s.replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");

test("every line of the bundled guideline is on the page, in order, with its text", async () => {
  const text = fs.readFileSync(path.join(ROOT, "guidelines", "lage-rugpijn.leidraad"), "utf8");
  const html = await render(text, "lage-rugpijn.leidraad");
  const lines = [...html.matchAll(/^<span class="line"><span class="ln">\s*(\d+)<\/span>(.*)<\/span>$/gm)];
  const want = text.replace(/\n$/, "").split("\n");
  assert.equal(lines.length, want.length);
  lines.forEach((m, i) => {
    assert.equal(Number(m[1]), i + 1);
    assert.equal(unescape(m[2]), want[i], `line ${i + 1}`);
  });
  // The page is highlighted: keywords, labels and comments have colours.
  assert.match(html, /<span style="color:#569cd6"[^>]*>rule<\/span>/);
  assert.match(html, /<span style="color:#6a9955"[^>]*>/);
  assert.match(html, /<span style="color:#ce9178"[^>]*>Richtlijnen diagnostiek lage rugpijn<\/span>/);
});

test("labels and comments are escaped", async () => {
  const text = 'guideline g "<b>&amp; \\"x\\"</b>" # <script>alert(1)</script>\ndefine d = a < 2 and b > 1\n';
  const html = await render(text, "a<b>.leidraad");
  assert.ok(!html.includes("<b>"), html);
  assert.ok(!html.includes("<script>"), html);
  const lines = [...html.matchAll(/^<span class="line"><span class="ln">\s*\d+<\/span>(.*)<\/span>$/gm)];
  assert.deepEqual(
    lines.map((m) => unescape(m[1])),
    text.replace(/\n$/, "").split("\n"),
  );
  assert.ok(html.includes("&lt;b&gt;&amp;amp; "), html);
  assert.ok(html.includes("<title>a&lt;b&gt;.leidraad</title>"), html);
  assert.ok(html.includes("&lt;</span>"), html);
});

test("the theme colours the scopes by their most specific entry", () => {
  assert.equal(colour(["source.leidraad", "comment.line.number-sign.leidraad"]), "#6a9955");
  assert.equal(colour(["source.leidraad", "meta.statement.rule.leidraad", "keyword.other.unit.leidraad"]), "#b5cea8");
  assert.equal(colour(["source.leidraad", "meta.statement.rule.leidraad"]), "#cccccc");
});

test("a range of lines keeps the file's numbers and context", async () => {
  const text = 'rule r "R"\n  when a\n  then order x\n       refer y\n';
  const html = await render(text, "r.leidraad", [3, 4]);
  const lines = [...html.matchAll(/^<span class="line"><span class="ln">\s*(\d+)<\/span>(.*)<\/span>$/gm)];
  assert.deepEqual(lines.map((m) => Number(m[1])), [3, 4]);
  assert.deepEqual(lines.map((m) => unescape(m[2])), ["  then order x", "       refer y"]);
  // `refer` is an action because line 1 opened the rule.
  assert.match(lines[1][2], /data-scopes="meta.statement.rule.leidraad keyword.other.action.leidraad">refer</);
});
