// The review site in a real browser: `leidraad doc guidelines -o DIR`,
// served on 127.0.0.1 and opened in headless Chromium (Debian's, through
// playwright-core; no browser is downloaded) with JavaScript switched off,
// as the pages must be readable without it. Every page must show as many
// rules, requirements and flowcharts as `leidraad compile --emit json` and
// `leidraad check --format json` count for its file; each chart must be
// drawn (a box with a size, an accessible name). Screenshots go to docs/
// (shown in docs/review.md).
//
// Run from the repository root after `cargo build --release`:
//   (cd tests/browser && npm ci && npm test)
// LEIDRAAD names another binary (else CARGO_TARGET_DIR's, else target/);
// CHROMIUM another browser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { join, resolve, extname, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const binary =
  process.env.LEIDRAAD ?? join(process.env.CARGO_TARGET_DIR || join(root, 'target'), 'release', 'leidraad');
const browser_path = process.env.CHROMIUM ?? '/usr/bin/chromium';

function leidraad(args) {
  const ran = spawnSync(binary, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (ran.error) throw ran.error;
  return ran;
}

/// What the command line says each file holds, by file name as check names it.
function expected() {
  const check = JSON.parse(leidraad(['check', 'guidelines', '--format', 'json']).stdout);
  const files = check.summary?.files ?? [];
  const out = new Map();
  const names = readdirSync(join(root, 'guidelines')).filter((f) => f.endsWith('.leidraad')).sort();
  for (const name of names) {
    const file = `guidelines/${name}`;
    const compiled = leidraad(['compile', file, '--emit', 'json']);
    assert.equal(compiled.status, 0, `compile ${file}: ${compiled.stderr}`);
    const diagram = JSON.parse(compiled.stdout);
    const text = readFileSync(join(root, file), 'utf8');
    const vocabulary = /^vocabulary\s/m.test(text) && !/^guideline\s/m.test(text);
    const requirements = check.diagnostics.filter(
      (d) => d.file === file && ['L305', 'L307', 'L308'].includes(d.code),
    ).length;
    out.set(file, {
      page: name.replace(/\.leidraad$/, '').replace(/[^\p{L}\p{N}_-]/gu, '-') + '.html',
      rules: diagram.rules.map((r) => r.id),
      entries: diagram.entries.map((e) => e.id),
      charts: vocabulary ? 0 : diagram.entries.length,
      requirements,
    });
  }
  assert.ok(files.length === 0 || files.length === out.size, 'check and the folder agree on the files');
  return out;
}

function serve(folder) {
  const types = { '.html': 'text/html; charset=utf-8', '.png': 'image/png' };
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    const file = join(folder, path === '/' ? 'index.html' : path.slice(1));
    // Nothing but the pages is asked for: a page that wants another file
    // (a favicon, a stylesheet, an image) shows as a console error.
    if (!file.startsWith(folder) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

test('the review site of guidelines/ shows every rule, requirement and chart', async () => {
  const site = mkdtempSync(join(tmpdir(), 'leidraad-site-'));
  const built = leidraad(['doc', 'guidelines', '-o', site]);
  assert.equal(built.status, 0, built.stderr);
  const want = expected();
  const server = await serve(site);
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: browser_path,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));

    await page.goto(`${base}/index.html`);
    const listed = await page.locator('table.index tbody tr').count();
    assert.equal(listed, want.size, 'the index lists every file');

    for (const [file, counts] of want) {
      await page.goto(`${base}/${counts.page}`);
      assert.ok((await page.title()).length > 0, `${file}: a title`);
      assert.equal(await page.locator('h1').count(), 1, `${file}: one h1`);
      assert.equal(await page.locator('article.rule').count(), counts.rules.length, `${file}: every rule`);
      for (const rule of counts.rules) {
        const sentence = page.locator(`[id="rule-${rule}"] p.sentence`);
        assert.ok(await sentence.isVisible(), `${file}: rule ${rule} is shown`);
        assert.ok((await sentence.innerText()).trim().length > 0, `${file}: rule ${rule} has a sentence`);
      }
      assert.equal(await page.locator('tr.requirement').count(), counts.requirements, `${file}: every requirement`);
      const charts = page.locator('figure.chart svg.flowchart');
      assert.equal(await charts.count(), counts.charts, `${file}: a chart per catalogue entry`);
      for (let i = 0; i < counts.charts; i++) {
        const chart = charts.nth(i);
        const box = await chart.boundingBox();
        assert.ok(box && box.width > 20 && box.height > 20, `${file}: chart ${i} is drawn`);
        assert.ok(await chart.locator('rect').count() > 0, `${file}: chart ${i} has boxes`);
        const name = await chart.getAttribute('aria-labelledby');
        assert.ok(name && (await chart.locator('title').textContent()).length > 0, `${file}: chart ${i} has a title`);
      }
      // Tables have header cells with a scope.
      const headers = await page.locator('th:not([scope])').count();
      assert.equal(headers, 0, `${file}: every th has a scope`);
      assert.equal(await page.locator('script').count(), 0, `${file}: no script`);
    }
    assert.deepEqual(errors, [], 'no console errors');

    // A Dutch guideline's page is Dutch, and the print style leaves out the
    // table of contents but keeps the charts.
    await page.goto(`${base}/lage-rugpijn.html`);
    assert.equal(await page.getAttribute('html', 'lang'), 'nl');
    assert.ok(await page.locator('h2', { hasText: 'Regels' }).isVisible());
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('nav.toc').isVisible(), false, 'no contents in print');
    assert.ok(await page.locator('figure.chart svg').first().isVisible(), 'charts in print');
    await page.emulateMedia({ media: 'screen' });

    // Screenshots for docs/review.md: the top of a guideline's page, its
    // rules, and a flowchart of another.
    await page.goto(`${base}/wells-dvt.html`);
    await page.screenshot({ path: join(root, 'docs', 'review-page.png') });
    await page.goto(`${base}/wells-dvt.html#rules`);
    await page.screenshot({ path: join(root, 'docs', 'review-rules.png') });
    await page.goto(`${base}/lage-rugpijn.html`);
    const chart = page.locator('figure.chart[data-questions="4"], figure.chart[data-questions="5"]').first();
    const shown = (await chart.count()) > 0 ? chart : page.locator('figure.chart').first();
    await shown.scrollIntoViewIfNeeded();
    await shown.screenshot({ path: join(root, 'docs', 'review-flowchart.png') });
    await context.close();
  } finally {
    await browser.close();
    server.close();
    rmSync(site, { recursive: true, force: true });
  }
});
