// Snapshot tests of the highlighting (vscode-tmgrammar-snap) on the bundled
// guidelines and the fixtures. vscode-tmgrammar-snap keeps a snapshot next
// to its file (`x.leidraad.snap`); to keep guidelines/ and tests/fixtures/
// free of editor files, the sources are copied into a scratch folder with
// their snapshots from test/snapshots/, checked there, and (with --update)
// the new snapshots are copied back.
//
//   node scripts/snap.js           check (exit 1 on a difference)
//   node scripts/snap.js --update  accept the current highlighting
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

const HERE = path.join(__dirname, "..");
const ROOT = path.join(HERE, "..", "..");
const SNAPSHOTS = path.join(HERE, "test", "snapshots");
const update = process.argv.includes("--update");

/**
 * The files snapshotted, relative to the repository root: the bundled
 * guidelines and the fixtures, except the diagnostics fixtures (broken on
 * purpose; test/coverage.test.js still checks their highlighting), the
 * unsettled copy of a bundled guideline, and files with lone CR line ends
 * (vscode-tmgrammar-snap reads lines at LF only).
 */
function sources() {
  const files = [];
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const r = path.join(rel, entry.name);
      if (entry.isDirectory()) {
        walk(r);
      } else if (entry.name.endsWith(".leidraad") && !/\r(?!\n)/.test(fs.readFileSync(path.join(ROOT, r), "utf8"))) {
        files.push(r);
      }
    }
  };
  walk("guidelines");
  walk("tests/fixtures");
  const skipped = ["tests/fixtures/diagnostics/", "tests/fixtures/guidelines/"];
  return files.filter((f) => !skipped.some((s) => f.startsWith(s))).sort();
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "leidraad-snap-"));
try {
  const files = sources();
  for (const rel of files) {
    const to = path.join(scratch, rel);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(ROOT, rel), to);
    const snap = path.join(SNAPSHOTS, `${rel}.snap`);
    if (fs.existsSync(snap)) {
      fs.copyFileSync(snap, `${to}.snap`);
    } else if (!update) {
      console.error(`no snapshot for ${rel}: run \`npm run snap:update\` and read it`);
      process.exitCode = 1;
    }
  }
  // Snapshots of files that are gone fail too.
  const stale = [];
  const walkSnaps = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walkSnaps(p);
      else if (!files.includes(path.relative(SNAPSHOTS, p).replace(/\.snap$/, ""))) stale.push(p);
    }
  };
  walkSnaps(SNAPSHOTS);
  if (stale.length > 0) {
    if (update) {
      stale.forEach((p) => fs.rmSync(p));
    } else {
      console.error(`snapshots of files that are gone:\n${stale.join("\n")}`);
      process.exitCode = 1;
    }
  }
  const bin = path.join(HERE, "node_modules", ".bin", "vscode-tmgrammar-snap");
  const args = [
    "--config", path.join(HERE, "package.json"),
    "-g", path.join(HERE, "syntaxes", "leidraad.tmLanguage.json"),
    ...(update ? ["--updateSnapshot"] : []),
    ...files.map((rel) => path.join(scratch, rel)),
  ];
  const ran = spawnSync(bin, args, { stdio: "inherit" });
  if (ran.status !== 0) {
    process.exitCode = 1;
  }
  if (update) {
    for (const rel of files) {
      const to = path.join(SNAPSHOTS, `${rel}.snap`);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(path.join(scratch, `${rel}.snap`), to);
    }
  }
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
