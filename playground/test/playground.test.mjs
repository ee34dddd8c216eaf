// The playground in headless Chromium: loads the built page
// (playground/dist/, made by playground/build.sh), types a change that
// makes an error and checks the problems shown against `leidraad check`
// of the same text, then fills the patient form and checks the advice and
// its explanation against `leidraad eval` of the record the page sent, and
// the SVG flowchart against the one `leidraad doc` draws.
// Nothing expected is written here: the binary computes it.
//
//   LEIDRAAD=path/to/leidraad CHROMIUM=/usr/bin/chromium EXAMPLES='a.leidraad b.leidraad' \
//     node playground.test.mjs

import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, cpSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const dist = resolve(here, '..', 'dist');
const targetDir = process.env.CARGO_TARGET_DIR || join(root, 'target');
const binary = process.env.LEIDRAAD || join(targetDir, 'release', 'leidraad');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
// Wells DVT (English; its screenshot is docs/playground.png) and the
// Flemish low-back-pain guideline (Dutch, with a vocabulary it `use`s).
const examples = (process.env.EXAMPLES || 'wells-dvt.leidraad lage-rugpijn.leidraad').split(/\s+/).filter(Boolean);
const results = join(here, 'results');

assert.ok(existsSync(join(dist, 'leidraad.wasm')), `build the page first: ${dist} has no leidraad.wasm (playground/build.sh)`);
assert.ok(existsSync(binary), `no leidraad binary at ${binary} (cargo build --release, or set LEIDRAAD)`);

// --- The page, served from dist/ ----------------------------------------------

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.leidraad': 'text/plain; charset=utf-8',
};

const server = createServer((request, response) => {
  const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
  const file = resolve(dist, `.${path.endsWith('/') ? `${path}index.html` : path}`);
  if (!file.startsWith(dist + sep) || !existsSync(file)) {
    response.writeHead(404).end('not found');
    return;
  }
  response.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
  response.end(readFileSync(file));
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const base = `http://127.0.0.1:${server.address().port}/`;

// --- The binary, on the same files --------------------------------------------

// A folder with every bundled file, so that a guideline's `use` finds its
// vocabulary as the page's does.
const work = mkdtempSync(join(tmpdir(), 'leidraad-playground-'));
cpSync(join(root, 'guidelines'), work, { recursive: true });

function leidraad(args) {
  try {
    return execFileSync(binary, args, { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    if (typeof error.status === 'number' && error.status === 1) return error.stdout;
    throw error;
  }
}

function cliCheck(example, text) {
  writeFileSync(join(work, example), text);
  return JSON.parse(leidraad(['check', '--format', 'json', example]));
}

function cliEval(example, text, record) {
  writeFileSync(join(work, example), text);
  writeFileSync(join(work, 'record.json'), record);
  return JSON.parse(leidraad(['eval', '--format', 'json', '--facts', 'record.json', example]));
}

// The lines `leidraad eval` prints under the guideline's title.
function cliEvalLines(example, text, record) {
  writeFileSync(join(work, example), text);
  writeFileSync(join(work, 'record.json'), record);
  return leidraad(['eval', '--facts', 'record.json', example]).split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
}

// What an SVG chart shows: its boxes (class and place), the lines of its
// texts, its arrows and its title.
function describeChart(page, selector) {
  return page.$eval(selector, (svg) => ({
    rects: [...svg.querySelectorAll('rect')].map((r) => ['class', 'x', 'y', 'width', 'height'].map((a) => r.getAttribute(a)).join(' ')),
    texts: [...svg.querySelectorAll('text')].map((t) => [...t.querySelectorAll('tspan')].map((line) => line.textContent).join('\n')),
    paths: [...svg.querySelectorAll('path.edge')].map((p) => p.getAttribute('d')),
    title: svg.querySelector('title')?.textContent,
  }));
}

// The chart of `entry` on the page `leidraad doc` writes for the text,
// read in the browser as the playground's is.
async function docChartOf(example, text, entry) {
  writeFileSync(join(work, example), text);
  const site = join(work, 'site');
  leidraad(['doc', example, '-o', site]);
  const html = readFileSync(join(site, example.replace(/\.leidraad$/, '.html')), 'utf8');
  const page = await browser.newPage();
  await page.setContent(html);
  const chart = await describeChart(page, `figure.chart[data-entry="${entry}"] svg`);
  await page.close();
  return chart;
}

// --- The test -------------------------------------------------------------------

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
async function run(example, screenshot) {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(`${base}?example=${encodeURIComponent(example)}`);
  // Waits until the page has checked the text its editor holds.
  const checked = () => page.waitForFunction(
    () => window.leidraadChecked === document.getElementById('editor').value,
    null,
    { timeout: 60_000 },
  );
  await checked();

  // The problems of the example as loaded are those of `leidraad check`.
  const shownProblems = () => page.$$eval('#diagnostics li', (items) => items.map((li) => ({
    code: li.dataset.code,
    line: li.dataset.line ? Number(li.dataset.line) : null,
    message: li.querySelector('.message')?.textContent,
  })));
  const expectedProblems = (report) => report.diagnostics.map((d) => ({
    code: d.code,
    line: d.line ?? null,
    message: d.message,
  }));
  const original = await page.inputValue('#editor');
  assert.equal(original, readFileSync(join(root, 'guidelines', example), 'utf8'));
  assert.deepEqual(await shownProblems(), expectedProblems(cliCheck(example, original)));
  console.log(`ok: ${example} loads with the problems \`leidraad check\` finds`);

  // Type a use of an input that is not declared, at the end of the file.
  await page.click('#editor');
  await page.keyboard.press('Control+End');
  const inputName = (await page.$$eval('.field', (fields) => fields.map((f) => f.dataset.input)))[0];
  assert.ok(inputName, 'the form has fields');
  const misspelt = `${inputName.slice(0, -1)}x`;
  await page.keyboard.type(`\nrule typed "Typed in the playground"\n  when ${misspelt}\n  then order nothing_such\n`);
  await checked();
  assert.match(await page.textContent('#status'), /errors?$/);
  const edited = await page.inputValue('#editor');
  assert.notEqual(edited, original);
  const report = cliCheck(example, edited);
  assert.ok(report.summary.errors > 0, 'the typed rule is an error');
  const shown = await shownProblems();
  assert.deepEqual(shown, expectedProblems(report));
  const typedLine = edited.split('\n').findIndex((line) => line.includes(misspelt)) + 1;
  assert.ok(shown.some((d) => d.line === typedLine && d.message.includes(misspelt)),
    `a problem is shown at line ${typedLine}, naming \`${misspelt}\`: ${JSON.stringify(shown)}`);
  const gutterMark = await page.$eval(`#gutter span:nth-child(${typedLine})`, (span) => span.className);
  assert.equal(gutterMark, 'error', 'the line number of the error is marked');
  console.log(`ok: typing \`${misspelt}\` shows ${shown.length} problems, as \`leidraad check\` does, at line ${typedLine}`);

  // Back to the guideline as it was: the form and the advice return.
  // (Set at once: Playwright's `fill` inserts a long text far too slowly.)
  await page.$eval('#editor', (editor, text) => {
    editor.value = text;
    editor.dispatchEvent(new Event('input', { bubbles: true }));
  }, original);
  await checked();
  assert.equal(await page.textContent('#status'), 'ready');
  assert.deepEqual(await shownProblems(), expectedProblems(cliCheck(example, original)));

  // Fill the form: a patient chosen from the inputs the form shows, then
  // the same patient with the last answer taken back.
  const fields = await page.$$eval('.field', (all) => all.map((field) => ({
    id: field.dataset.input,
    options: [...(field.querySelector('select')?.options || [])].map((o) => o.value),
    number: Boolean(field.querySelector('input[type=text]')),
    range: field.querySelector('.range')?.textContent,
    members: [...field.querySelectorAll('.members input')].map((b) => b.value),
  })));
  let answered = [];
  let advised = 0;
  const check = async (what) => {
    await page.waitForFunction(() => document.body.dataset.evaluated === document.getElementById('record').textContent);
    const record = await page.textContent('#record');
    const expected = cliEval(example, original, record);
    const advice = await page.$$eval('#advice .recommendation', (items) => items.map((item) => ({
      kind: item.dataset.kind,
      target: item.dataset.target,
      urgency: item.dataset.urgency || null,
    })));
    const lines = await page.$$eval('#advice .line', (all) => all.map((line) => line.textContent));
    const errors = await page.$$eval('#advice li.error', (items) => items.map((li) => li.dataset.field));
    if (expected.errors) {
      assert.deepEqual(advice, []);
      assert.deepEqual(errors, expected.errors.map((e) => e.field));
    } else {
      assert.deepEqual(errors, []);
      assert.deepEqual(advice, expected.recommendations.map((r) => ({
        kind: r.kind, target: r.target, urgency: r.urgency ?? null,
      })));
      // What the page says is what `eval` says, word for word, in the
      // guideline's language.
      assert.deepEqual(lines, cliEvalLines(example, original, record));
      advised += advice.length;
    }
    console.log(`ok: ${what}: ${record} gives what \`leidraad eval\` gives (${expected.errors ? `errors: ${errors.join(', ')}` : `${advice.length} recommendations`})`);
  };
  for (const [index, field] of fields.entries()) {
    const selector = `.field[data-input="${field.id}"]`;
    if (field.number) {
      const [low, high] = field.range.split(' to ').map((part) => parseFloat(part));
      const value = Math.round(low + (high - low) / (3 + (index % 4)));
      await page.fill(`${selector} input[type=text]`, String(value));
    } else if (field.members.length > 0) {
      await page.selectOption(`${selector} select`, 'given');
      await page.check(`${selector} .members input >> nth=${index % field.members.length}`);
    } else {
      const choices = field.options.filter((o) => o !== '' && !o.includes('unknown'));
      await page.selectOption(`${selector} select`, choices[index % choices.length]);
    }
    answered.push(field.id);
  }
  await check(`all ${answered.length} questions answered`);
  const last = fields[fields.length - 1];
  if (last.number) await page.fill(`.field[data-input="${last.id}"] input[type=text]`, '');
  else await page.selectOption(`.field[data-input="${last.id}"] select`, '');
  await check(`without \`${last.id}\``);
  // The first yes/no answer turned round: some advice must be given to
  // one of the patients, or the comparisons above proved little.
  const first = fields.find((f) => f.options.includes('yes'));
  const turned = (await page.inputValue(`.field[data-input="${first.id}"] select`)) === 'yes' ? 'no' : 'yes';
  await page.selectOption(`.field[data-input="${first.id}"] select`, turned);
  await check(`with \`${first.id}\` ${turned}`);
  assert.ok(advised > 0, 'at least one patient gets a recommendation');
  // And without the first answer, which the advice usually needs: the
  // page names what is missing as `eval` does.
  const head = fields[0];
  if (head.number) await page.fill(`.field[data-input="${head.id}"] input[type=text]`, '');
  else await page.selectOption(`.field[data-input="${head.id}"] select`, '');
  await check(`without \`${head.id}\``);
  await page.$eval('#form', (form) => {
    form.reset();
    form.dispatchEvent(new Event('change'));
  });
  await check('with nothing answered');

  // The flowchart of the chosen entry is the SVG chart `leidraad doc`
  // draws for it: the same boxes, texts and arrows, drawn on the page.
  const entry = await page.inputValue('#entry');
  await page.waitForSelector('#flowchart svg.flowchart');
  const shownChart = await describeChart(page, '#flowchart svg.flowchart');
  const size = await page.$eval('#flowchart svg.flowchart', (svg) => {
    const box = svg.getBoundingClientRect();
    return { width: box.width, height: box.height };
  });
  assert.ok(size.width > 0 && size.height > 0, 'the chart is drawn with a size');
  const docChart = await docChartOf(example, original, entry);
  assert.deepEqual(
    shownChart,
    docChart,
    'the chart is the one `leidraad doc` draws',
  );
  assert.ok(docChart.rects.some((r) => r.startsWith('question')), 'the chart asks a question');
  console.log(`ok: the flowchart of \`${entry}\` is \`leidraad doc\`'s SVG chart (${docChart.rects.filter((r) => !r.startsWith('label')).length} boxes, ${docChart.paths.length} arrow paths, ${Math.round(size.width)}x${Math.round(size.height)} px)`);

  if (screenshot) {
    await page.$eval('#editor', (editor) => { editor.scrollTop = 0; editor.blur(); });
    await page.$eval('#form', (form) => { form.scrollTop = 0; });
    mkdirSync(results, { recursive: true });
    await page.screenshot({ path: join(results, screenshot), fullPage: false });
    console.log(`screenshot: ${join(results, screenshot)}`);
  }
  assert.deepEqual(pageErrors, [], 'the page logged no errors');
  await page.close();
}

let failed = false;
try {
  for (const [index, example] of examples.entries()) {
    await run(example, index === 0 ? 'playground.png' : null);
  }
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
