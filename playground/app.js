// The playground page: an editor, the problems `leidraad check` finds as
// you type, a patient form built from the guideline's inputs with the
// advice `leidraad eval` gives, and the flowchart of one catalogue entry.
// Everything the page shows comes from the library compiled to wasm
// (worker.js, loader.js); every text from a guideline is put in the page as text
// (textContent), never as markup. The flowchart is the library's SVG, in
// which the library has escaped every label (src/emit/svg.rs).

// The library runs in a worker (worker.js, with loader.js): a check of a
// large guideline takes a good part of a second, which the editor should
// never wait for.
class Library {
  constructor() {
    this.worker = new Worker('worker.js', { type: 'module' });
    this.waiting = new Map();
    this.next = 0;
    this.worker.onmessage = (event) => {
      const { id, answer } = event.data;
      this.waiting.get(id)?.(answer);
      this.waiting.delete(id);
    };
  }

  call(name, request) {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ id, name, request });
    });
  }
}

const $ = (id) => document.getElementById(id);
const DEBOUNCE_MS = 300;

const state = {
  leidraad: null,
  // Every bundled file by name: guidelines and the vocabularies they use.
  files: {},
  main: '',
  inputs: [],
  inputsKey: '',
  timer: null,
  generation: 0,
};

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    node.append(child);
  }
  return node;
}

function requestText(extra = '') {
  const files = { ...state.files, [state.main]: $('editor').value };
  return `{"main":${JSON.stringify(state.main)},"files":${JSON.stringify(files)}${extra}}`;
}

function setStatus(text) {
  $('status').textContent = text;
}

// --- The editor -------------------------------------------------------

function updateGutter(marks = new Map()) {
  const lines = $('editor').value.split(/\r\n|\r|\n/).length;
  const gutter = $('gutter');
  gutter.textContent = '';
  for (let line = 1; line <= lines; line += 1) {
    const mark = marks.get(line);
    const span = element('span', { text: `${line}\n` });
    if (mark) {
      span.className = mark.severity;
      span.title = mark.message;
    }
    gutter.append(span);
  }
  gutter.scrollTop = $('editor').scrollTop;
}

function goToLine(line) {
  const editor = $('editor');
  const lines = editor.value.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i += 1) {
    offset += lines[i].length + 1;
  }
  editor.focus();
  editor.setSelectionRange(offset, offset + (lines[line - 1] || '').length);
  const lineHeight = parseFloat(getComputedStyle(editor).lineHeight) || 18;
  editor.scrollTop = Math.max(0, (line - 5) * lineHeight);
}

// --- Check --------------------------------------------------------------

async function runCheck() {
  const generation = ++state.generation;
  const text = $('editor').value;
  setStatus('checking…');
  const answer = await state.leidraad.call('check', requestText());
  if (generation !== state.generation) return;
  const list = $('diagnostics');
  list.textContent = '';
  const marks = new Map();
  const diagnostics = answer.diagnostics || [];
  for (const d of diagnostics) {
    const inMain = d.file === state.main;
    if (inMain && d.line && !(marks.get(d.line)?.severity === 'error')) {
      marks.set(d.line, { severity: d.severity, message: d.message });
    }
    const where = d.line ? `${inMain ? '' : `${d.file}:`}${d.line}` : '';
    const item = element(
      'li',
      {
        class: `diagnostic severity-${d.severity}`,
        'data-code': d.code,
        'data-line': d.line || '',
      },
      element('strong', { text: `${d.severity}[${d.code}]` }),
      ` ${where ? `line ${where}: ` : ''}`,
      element('span', { class: 'message', text: d.message }),
    );
    if (d.human) {
      const details = element('details', {}, element('summary', { text: 'details' }));
      details.append(element('pre', { text: d.human }));
      item.append(details);
    }
    if (inMain && d.line) {
      item.addEventListener('click', (event) => {
        if (event.target.tagName !== 'SUMMARY') goToLine(d.line);
      });
    }
    list.append(item);
  }
  for (const error of answer.errors || []) {
    list.append(element('li', { class: 'diagnostic severity-error', text: error.message }));
  }
  const summary = answer.summary;
  $('summary').textContent = summary
    ? `(${summary.errors} errors, ${summary.warnings} warnings, ${summary.requirements_proved} requirements proved, cases ${summary.cases_passed} passed, ${summary.cases_failed} failed)`
    : '';
  updateGutter(marks);
  const hasErrors = !summary || summary.errors > 0;
  if (hasErrors) {
    $('advice').textContent = '';
    $('advice').append(
      element('p', { class: 'errors', text: 'The guideline has errors: fix them to evaluate a patient.' }),
    );
    setStatus(summary && summary.errors === 1 ? '1 error' : `${summary ? summary.errors : 'some'} errors`);
    finished(text);
    return;
  }
  await refreshInputs(generation);
  if (generation !== state.generation) return;
  await Promise.all([runEval(), runFlowchart()]);
  if (generation === state.generation) {
    setStatus('ready');
    finished(text);
  }
}

// For tests and tools: the text the last finished check was of.
function finished(text) {
  window.leidraadChecked = text;
}

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(runCheck, DEBOUNCE_MS);
}

// --- The form -------------------------------------------------------------

async function refreshInputs(generation) {
  const answer = await state.leidraad.call('inputs', requestText());
  if (generation !== state.generation || !answer.inputs) return;
  const key = JSON.stringify(answer.inputs);
  const entries = answer.entries || [];
  const entrySelect = $('entry');
  const chosen = entrySelect.value;
  entrySelect.textContent = '';
  entrySelect.append(element('option', { value: '', text: 'every entry (the whole guideline)' }));
  for (const entry of entries) {
    entrySelect.append(element('option', { value: entry.id, text: `${entry.label} (${entry.id})` }));
  }
  if (entries.some((e) => e.id === chosen)) entrySelect.value = chosen;
  else if (chosen === '' && state.entryChosen) entrySelect.value = '';
  else if (entries.length > 0) entrySelect.value = entries[0].id;
  if (key === state.inputsKey) return;
  const previous = formValues();
  state.inputs = answer.inputs;
  state.inputsKey = key;
  buildForm(previous);
}

function buildForm(previous) {
  const form = $('form');
  form.textContent = '';
  for (const input of state.inputs) {
    const label = element(
      'label',
      { for: `input-${input.id}` },
      element('span', { class: 'what', text: input.label }),
      element('span', { class: 'id', text: input.id }),
    );
    const field = element('div', { class: 'field', 'data-input': input.id }, label);
    const old = previous.get(input.id);
    if (input.type === 'number') {
      const box = element('span');
      const text = element('input', {
        id: `input-${input.id}`,
        name: input.id,
        type: 'text',
        inputmode: 'decimal',
        size: '8',
        placeholder: input.default != null ? `${input.default}` : '',
      });
      if (old?.text) text.value = old.text;
      box.append(text);
      if (input.unit) box.append(' ', element('span', { class: 'unit', text: input.unit }));
      if (input.unknown) {
        const unknown = element('input', { type: 'checkbox', name: `${input.id}-unknown` });
        if (old?.unknown) unknown.checked = true;
        box.append(' ', element('label', {}, unknown, ' unknown'));
      }
      const whole = input.whole ? ', whole' : '';
      box.append(element('div', { class: 'range', text: `${input.min} to ${input.max}${whole}` }));
      field.append(box);
    } else if (input.type === 'any_of') {
      const mode = element('select', { id: `input-${input.id}`, name: input.id });
      mode.append(element('option', { value: '', text: '— not answered' }));
      mode.append(element('option', { value: 'given', text: 'the ticked ones (or none)' }));
      if (input.unknown) mode.append(element('option', { value: 'unknown', text: 'unknown' }));
      if (old?.mode) mode.value = old.mode;
      field.append(mode);
      const members = element('div', { class: 'members' });
      input.values.forEach((value, index) => {
        const box = element('input', { type: 'checkbox', name: `${input.id}:${value}`, value });
        if (old?.members?.includes(value)) box.checked = true;
        box.addEventListener('change', () => {
          if (mode.value === '') mode.value = 'given';
        });
        members.append(element('label', {}, box, ` ${input.value_labels?.[index] ?? value}`));
      });
      field.append(members);
    } else {
      const select = element('select', { id: `input-${input.id}`, name: input.id });
      const shown = input.default === true ? 'yes' : input.default === false ? 'no' : input.default;
      const blank = input.default != null ? `— not answered (default ${shown})` : '— not answered';
      select.append(element('option', { value: '', text: blank }));
      const values = input.type === 'yes_no' ? ['yes', 'no'] : input.values;
      // The option's value is the name the record gives; its text the label.
      values.forEach((value, index) => {
        select.append(element('option', { value, text: input.value_labels?.[index] ?? value }));
      });
      if (input.unknown) select.append(element('option', { value: '\u0000unknown', text: 'unknown' }));
      if (old?.choice && [...select.options].some((o) => o.value === old.choice)) select.value = old.choice;
      field.append(select);
    }
    form.append(field);
  }
}

// What the form holds now, by input, to rebuild it after an edit.
function formValues() {
  const values = new Map();
  for (const input of state.inputs) {
    const field = document.querySelector(`.field[data-input="${CSS.escape(input.id)}"]`);
    if (!field) continue;
    if (input.type === 'number') {
      values.set(input.id, {
        text: field.querySelector('input[type=text]').value,
        unknown: field.querySelector('input[type=checkbox]')?.checked,
      });
    } else if (input.type === 'any_of') {
      values.set(input.id, {
        mode: field.querySelector('select').value,
        members: [...field.querySelectorAll('.members input:checked')].map((b) => b.value),
      });
    } else {
      values.set(input.id, { choice: field.querySelector('select').value });
    }
  }
  return values;
}

// A JSON number as JSON writes it: sent as written, so that the library
// reads it exactly (never through a JavaScript float).
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

// The record of the form as JSON text, fields in the order of the inputs.
function recordText() {
  const fields = [];
  for (const [id, value] of formValues()) {
    const input = state.inputs.find((i) => i.id === id);
    let json = null;
    if (input.type === 'number') {
      const text = value.text.trim();
      if (value.unknown) json = 'null';
      else if (text === '') continue;
      else json = JSON_NUMBER.test(text) ? text : JSON.stringify(text);
    } else if (input.type === 'any_of') {
      if (value.mode === '') continue;
      json = value.mode === 'unknown' ? 'null' : JSON.stringify(value.members);
    } else {
      if (value.choice === '') continue;
      if (value.choice === '\u0000unknown') json = 'null';
      else if (input.type === 'yes_no') json = value.choice === 'yes' ? 'true' : 'false';
      else json = JSON.stringify(value.choice);
    }
    fields.push(`${JSON.stringify(id)}: ${json}`);
  }
  return fields.length ? `{${fields.join(', ')}}` : '{}';
}

// --- Eval ---------------------------------------------------------------

async function runEval() {
  const record = recordText();
  $('record').textContent = record;
  const answer = await state.leidraad.call('eval', requestText(`,"record":${record}`));
  if ($('record').textContent !== record) return;
  for (const field of document.querySelectorAll('.field')) {
    const notAsked = (answer.not_asked || []).includes(field.dataset.input);
    field.classList.toggle('not-asked', notAsked);
    field.title = notAsked ? 'not asked for this patient (see its `asked when`)' : '';
  }
  const advice = $('advice');
  advice.textContent = '';
  if (answer.errors) {
    const list = element('ul', { class: 'errors' });
    for (const error of answer.errors) {
      const text = error.field ? `${error.field}: ${error.message}` : error.message;
      list.append(element('li', { class: 'error', 'data-field': error.field, text }));
    }
    advice.append(element('p', { text: answer.refused }), list);
    document.body.dataset.evaluated = record;
    return;
  }
  // The advice in the guideline's words, line by line as `leidraad eval`
  // prints it (`shown`, from the library's words table); the data
  // attributes keep the language's own names for programs and tests.
  const result = answer.result;
  const shown = answer.shown;
  if (shown.nothing) {
    advice.append(element('p', { class: 'nothing line', text: shown.nothing }));
  }
  for (const [index, r] of result.recommendations.entries()) {
    const lines = shown.recommendations[index];
    const item = element(
      'div',
      {
        class: 'recommendation',
        'data-kind': r.kind,
        'data-target': r.target,
        'data-urgency': r.urgency || '',
      },
      element('strong', { class: 'line', text: lines.advice }),
      element('div', { class: 'line', text: lines.rule }),
      element('div', { class: 'because line', text: lines.because }),
    );
    advice.append(item);
  }
  for (const line of shown.overruled) {
    advice.append(element('p', { class: 'nothing line', text: line }));
  }
  for (const line of shown.warnings) {
    advice.append(element('p', { class: 'warning line', text: line }));
  }
  const details = element('details', {}, element('summary', { text: 'as `leidraad eval` prints it' }));
  details.append(element('pre', { text: answer.text }));
  advice.append(details);
  document.body.dataset.evaluated = record;
}

// --- Flowchart ------------------------------------------------------------

async function runFlowchart() {
  const entry = $('entry').value;
  const answer = await state.leidraad.call('flowchart', requestText(`,"entry":${JSON.stringify(entry)}`));
  if ($('entry').value !== entry) return;
  const target = $('flowchart');
  target.textContent = '';
  $('mermaid').textContent = answer.mermaid || '';
  if (answer.errors) {
    target.append(element('p', { class: 'errors', text: answer.errors[0].message }));
    return;
  }
  // The library's SVG, as `leidraad doc` draws it: every label in it is
  // escaped text (src/emit/svg.rs), so it is parsed as an SVG document,
  // never run, and the element is adopted into the page.
  const parser = new DOMParser();
  for (const chart of answer.charts) {
    const parsed = parser.parseFromString(chart.svg, 'image/svg+xml');
    const svg = parsed.documentElement;
    if (svg.nodeName !== 'svg' || parsed.getElementsByTagName('parsererror').length > 0) {
      target.append(element('p', { class: 'errors', text: 'the flowchart could not be shown' }));
      continue;
    }
    const figure = element('figure', { class: 'chart' });
    figure.dataset.boxes = chart.boxes;
    figure.dataset.questions = chart.questions;
    figure.title = 'click to show at full size, or fitted';
    figure.addEventListener('click', () => figure.classList.toggle('full'));
    figure.append(document.importNode(svg, true));
    target.append(figure);
  }
}

// --- Start ------------------------------------------------------------------

async function loadExample(name) {
  state.main = name;
  $('file-name').textContent = name;
  $('editor').value = state.files[name];
  $('editor').scrollTop = 0;
  state.inputsKey = '';
  state.inputs = [];
  $('entry').textContent = '';
  updateGutter();
  await runCheck();
}

async function start() {
  try {
    state.leidraad = new Library();
    const index = await (await fetch('examples/index.json')).json();
    for (const file of index.files) {
      state.files[file] = await (await fetch(`examples/${encodeURIComponent(file)}`)).text();
    }
    const select = $('example');
    for (const file of index.guidelines) select.append(element('option', { value: file, text: file }));
    const wanted = new URLSearchParams(location.search).get('example');
    const first = index.guidelines.includes(wanted) ? wanted : index.guidelines[0];
    select.value = first;
    select.addEventListener('change', () => loadExample(select.value));
    const editor = $('editor');
    editor.addEventListener('input', () => {
      updateGutter();
      schedule();
    });
    editor.addEventListener('scroll', () => {
      $('gutter').scrollTop = editor.scrollTop;
    });
    $('form').addEventListener('input', () => runEval());
    $('form').addEventListener('change', () => runEval());
    $('entry').addEventListener('change', () => {
      state.entryChosen = true;
      runFlowchart();
    });
    await loadExample(first);
  } catch (error) {
    setStatus(`could not start: ${error.message}`);
    throw error;
  }
}

start();
