// Fails when the TextMate grammar forgets a construct of grammar/leidraad.pest:
//
// 1. every rule of the pest grammar is listed in CONSTRUCTS below with a
//    sample that uses it and the scopes its tokens must get, and every
//    sample is checked (a new rule in the pest grammar fails here until it
//    is added, with its highlighting);
// 2. every keyword and operator literal of the pest grammar gets a scope
//    of its own (not a plain name, not none) in the samples;
// 3. in every bundled guideline and fixture without syntax errors, every
//    character outside white space gets a scope beyond the statement's
//    `meta.*` region, and every keyword outside labels and comments is
//    highlighted as one.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("fs");
const path = require("path");
const { tokenize } = require("../scripts/tokenize.js");

const ROOT = path.join(__dirname, "..", "..", "..");
const PEST = fs.readFileSync(path.join(ROOT, "grammar", "leidraad.pest"), "utf8");

/** The pest grammar's rules: name -> body. */
function pestRules() {
  const rules = new Map();
  // Rules are `name = X{ body }`, possibly over several lines: cut the file
  // at every line that starts a rule.
  const starts = [...PEST.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)\s*=/gm)];
  starts.forEach((m, i) => {
    const end = i + 1 < starts.length ? starts[i + 1].index : PEST.length;
    const body = PEST.slice(m.index + m[0].length, end)
      .split("\n")
      .filter((l) => !l.trim().startsWith("//"))
      .join("\n");
    rules.set(m[1], body);
  });
  return rules;
}

/** The double-quoted literals of a rule body. */
function literals(body) {
  // Single-quoted characters (`'"'..'"'` in ranges) are no literals.
  const plain = body.replace(/'(?:\\.|[^'\\])'/g, "");
  return [...plain.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) =>
    m[1].replace(/\\(.)/g, (_, c) => ({ t: "\t", n: "\n", r: "\r" })[c] ?? c),
  );
}

// Scopes that say nothing about a token.
const PLAIN = /^(source\.leidraad|meta\..*)$/;
const innermost = (t) => t.scopes[t.scopes.length - 1];

// Every rule of grammar/leidraad.pest: a sample that uses it, and the scopes
// (a prefix of the innermost scope) of some of its tokens, in order.
// Rules with `null` have no text of their own to highlight (entry points,
// silent helpers); they are listed so that a new rule is a decision.
const CONSTRUCTS = {
  WHITESPACE: null,
  COMMENT: ["input a : yes/no \"A\" # why", [["#", "punctuation.definition.comment"], [" why", "comment.line"]]],
  ident_start: null,
  ident_char: null,
  keyword: null,
  ident: ["define naïve_x = a", [["naïve_x", "entity.name.function"], ["a", "variable.other"]]],
  number: ["define d = a > -1.5", [["-1.5", "constant.numeric"]]],
  string: ["exam x \"X \\\"y\\\" \\\\\"", [["\\\"", "constant.character.escape"], ["\\\\", "constant.character.escape"]]],
  string_text: null,
  ident_list: ["exclusive p, q \"never both\"", [["p", "entity.name.type"], [",", "punctuation.separator"], ["q", "entity.name.type"]]],
  value_name: null,
  value_item: null,
  value_label: ["input k : one of none \"geen\", acute \"acuut (< 6 weken)\" (snomed 424124008) \"K\"", [["none", "constant.other.value"], ["geen", "string.quoted.double"], ["acute", "constant.other.value"], ["acuut (< 6 weken)", "string.quoted.double"], ["snomed", "support.constant.code-system"], ["K", "string.quoted.double"]]],
  value_list: ["input k : any of yes, no, maybe \"K\"", [["any of", "storage.type"], ["yes", "constant.other.value"], ["maybe", "constant.other.value"]]],
  ident_set: ["define d = k in [a, yes]", [["[", "punctuation.section.brackets"], ["a", "constant.other.value"], ["yes", "constant.other.value"]]],
  unit_letter: null,
  unit_group: ["define d = t > 3 [degF]", [["[degF]", "keyword.other.unit"]]],
  unit_piece: null,
  unit_term: null,
  unit: ["define d = g > 60 mL/min/{1.73_m2} or p >= 5 % or q < 2 mmol/L", [["mL/min/{1.73_m2}", "keyword.other.unit"], ["%", "keyword.other.unit"], ["mmol/L", "keyword.other.unit"]]],
  quantity: ["define d = age >= 12 weeks", [["12", "constant.numeric"], ["weeks", "keyword.other.unit"]]],
  literal: ["define d = a == yes or b == unknown or c == x", [["yes", "constant.language"], ["unknown", "constant.language"], ["x", "variable.other"]]],
  code_clause: ["exam x \"X\" code snomed 22298006, loinc 48065-7", [["code", "keyword.other.code"], ["snomed", "support.constant.code-system"], ["22298006", "constant.other.code"], ["loinc", "support.constant.code-system"], ["48065-7", "constant.other.code"]]],
  value_codes: ["input k : one of acute (snomed 424124008, icd10 M54.5), chronic \"K\"", [["(", "punctuation.section.parens"], ["snomed", "support.constant.code-system"], ["424124008", "constant.other.code"], ["M54.5", "constant.other.code"], ["chronic", "constant.other.value"]]],
  coding: null,
  code_system: null,
  code_value: null,
  condition: null,
  implies_expr: ["assume a implies b", [["implies", "keyword.operator.logical"]]],
  or_expr: ["define d = a or b", [["or", "keyword.operator.logical"]]],
  and_expr: ["define d = a and b", [["and", "keyword.operator.logical"]]],
  not_expr: ["define d = not a", [["not", "keyword.operator.logical"]]],
  primary: ["define d = (a)", [["(", "punctuation.section.parens"], [")", "punctuation.section.parens"]]],
  comparison: ["define d = a != 2", [["!=", "keyword.operator.comparison"]]],
  linear: ["define d = s < t + 20 mmHg - u", [["+", "keyword.operator.arithmetic"], ["20", "constant.numeric"], ["-", "keyword.operator.arithmetic"]]],
  linear_term: null,
  product: ["define d = x >= age * 10 ug/L", [["*", "keyword.operator.arithmetic"], ["ug/L", "keyword.other.unit"]]],
  linear_sign: null,
  compare_op: ["define d = a == 1 or a <= 1 or a >= 1 or a < 1 or a > 1", [["==", "keyword.operator.comparison"], ["<=", "keyword.operator.comparison"], [">=", "keyword.operator.comparison"], ["<", "keyword.operator.comparison"], [">", "keyword.operator.comparison"]]],
  membership: ["define d = a in [p]", [["in", "keyword.operator.word"]]],
  has_test: ["define d = a has p", [["has", "keyword.operator.word"], ["p", "variable.other"]]],
  unknown_test: ["define d = a is unknown", [["is", "keyword.operator.word"], ["unknown", "constant.language"]]],
  count_test: ["define d = at least 2 of (a, b > 1)", [["at", "keyword.operator.word.count"], ["least", "keyword.operator.word.count"], ["2", "constant.numeric"], ["of", "keyword.operator.word"]]],
  name_ref: null,
  header: ["guideline g \"G\"\n  version \"1\"\n  language nl\n  source \"S\"\nvocabulary v \"V\"", [["guideline", "keyword.declaration"], ["g", "entity.name.namespace"], ["version", "keyword.other.field"], ["language", "keyword.other.field"], ["nl", "constant.other.language"], ["source", "keyword.other.field"], ["vocabulary", "keyword.declaration"], ["v", "entity.name.namespace"]]],
  header_field: null,
  input_decl: ["input a : yes/no \"A\"", [["input", "keyword.declaration"], ["a", "entity.name.variable"], [":", "punctuation.separator"]]],
  input_type: null,
  unknown_answer: ["input a : yes/no or unknown \"A\"", [["or unknown", "storage.modifier"]]],
  yes_no_type: ["input a : yes/no \"A\"", [["yes", "storage.type"], ["/", "punctuation.separator"], ["no", "storage.type"]]],
  one_of_type: ["input a : one of p, q \"A\"", [["one of", "storage.type"], ["p", "constant.other.value"]]],
  any_of_type: ["input a : any of p \"A\"", [["any of", "storage.type"]]],
  number_type: ["input a : whole number 0..120 years \"A\"", [["whole number", "storage.type"], ["0", "constant.numeric"], ["..", "keyword.operator.range"], ["120", "constant.numeric"], ["years", "keyword.other.unit"]]],
  molar_mass: ["input c : number 0..9 umol/L molar mass 113.12 g/mol \"C\"", [["umol/L", "keyword.other.unit"], ["molar mass", "storage.modifier"], ["113.12", "constant.numeric"], ["g/mol", "keyword.other.unit"]]],
  molar_word: null,
  mass_word: null,
  default_clause: ["input a : yes/no default no \"A\"", [["default", "keyword.control"], ["no", "constant.language"]]],
  asked_clause: ["input a : yes/no \"A\"\n  asked when b", [["asked", "keyword.control"], ["when", "keyword.control"], ["b", "variable.other"]]],
  use_decl: ["use \"x.vocabulary.leidraad\"", [["use", "keyword.control.import"], ["x.vocabulary.leidraad", "string.quoted"]]],
  assume_decl: ["assume a", [["assume", "keyword.declaration"]]],
  define_decl: ["define d \"D\" = a", [["define", "keyword.declaration"], ["d", "entity.name.function"], ["=", "keyword.operator.assignment"]]],
  score_decl: ["score s \"S\" = -1 when a + 2 when b + eye", [["score", "keyword.declaration"], ["s", "entity.name.function"], ["-1", "constant.numeric"], ["when", "keyword.control"], ["+", "keyword.operator.arithmetic"], ["2", "constant.numeric"], ["eye", "variable.other"]]],
  score_sign: null,
  score_term: null,
  entry_decl: ["exam x \"X\" in radiology", [["exam", "keyword.declaration"], ["x", "entity.name.type"], ["in", "keyword.operator.word"], ["radiology", "variable.other"]]],
  entry_kind: ["measure m \"M\"\nspecialist s \"S\"", [["measure", "keyword.declaration"], ["specialist", "keyword.declaration"]]],
  rule_decl: ["rule r \"R\"\n  when a\n  then order x", [["rule", "keyword.declaration"], ["r", "entity.name.function"], ["when", "keyword.control"], ["then", "keyword.control"]]],
  overrides_clause: ["rule r \"R\" overrides p, q\n  then order x", [["overrides", "keyword.control"], ["p", "entity.name.function"], ["q", "entity.name.function"]]],
  when_clause: null,
  then_clause: null,
  action: null,
  order_action: ["rule r \"R\" then order x", [["order", "keyword.other.action"], ["x", "entity.name.type"]]],
  refer_action: ["rule r \"R\" then refer x", [["refer", "keyword.other.action"], ["x", "entity.name.type"]]],
  avoid_action: ["rule r \"R\" then avoid x instead y", [["avoid", "keyword.other.action"], ["x", "entity.name.type"], ["instead", "keyword.other"], ["y", "entity.name.type"]]],
  alternative: ["rule r \"R\" then order x\n         alternative y when b", [["alternative", "keyword.other"], ["y", "entity.name.type"], ["when", "keyword.control"], ["b", "variable.other"]]],
  urgency: ["rule r \"R\" then order x same_day\n  order y urgent\n  order z routine", [["same_day", "constant.language.urgency"], ["urgent", "constant.language.urgency"], ["routine", "constant.language.urgency"]]],
  time_frame: ["rule r \"R\" then order x within 8 hours", [["within", "keyword.other"], ["8", "constant.numeric"], ["hours", "keyword.other.unit"]]],
  exclusive_decl: ["exclusive p, q \"P or Q\"", [["exclusive", "keyword.declaration"]]],
  require_decl: ["require \"R\" when a then order x", [["require", "keyword.declaration"], ["when", "keyword.control"], ["then", "keyword.control"], ["order", "keyword.other.action"]]],
  demand: ["require \"R\" then order x or refer y", [["or", "keyword.operator.logical"]]],
  demand_and: ["require \"R\" then order x and refer y", [["and", "keyword.operator.logical"]]],
  demand_not: ["require \"R\" then not order x", [["not", "keyword.operator.logical"]]],
  demand_atom: ["require \"R\" then (order x)", [["(", "punctuation.section.parens"]]],
  some_demand: ["require \"R\" then some order in lab", [["some", "keyword.other.quantifier"], ["order", "keyword.other.action"], ["in", "keyword.operator.word"]]],
  no_demand: ["require \"R\" then no refer x and no order in lab and no avoid", [["no", "keyword.other.quantifier"], ["refer", "keyword.other.action"], ["x", "entity.name.type"], ["no", "keyword.other.quantifier"], ["no", "keyword.other.quantifier"], ["avoid", "keyword.other.action"]]],
  nothing_demand: ["require \"R\" then nothing", [["nothing", "constant.language"]]],
  has_demand: ["require \"R\" then order x within 1 hour or sooner", [["order", "keyword.other.action"], ["within", "keyword.other"], ["hour", "keyword.other.unit"], ["or sooner", "keyword.other"]]],
  or_sooner: null,
  action_kind: null,
  case_decl: ["case \"C\"\n  given a yes, b 3 mg, c p, d [q]\n  expect order x", [["case", "keyword.declaration"], ["given", "keyword.control"], ["a", "variable.other"], ["yes", "constant.language"], ["3", "constant.numeric"], ["mg", "keyword.other.unit"], ["p", "constant.other.value"], ["q", "constant.other.value"], ["expect", "keyword.control"]]],
  given_clause: null,
  fact: null,
  expect_clause: ["case \"C\"\n  expect nothing\n  expect no order", [["expect", "keyword.control"], ["nothing", "constant.language"], ["expect", "keyword.control"], ["no", "keyword.other.quantifier"]]],
  header_statement: null,
  input_statement: null,
  use_statement: null,
  assume_statement: null,
  define_statement: null,
  score_statement: null,
  entry_statement: null,
  rule_statement: null,
  require_statement: null,
  case_statement: null,
  exclusive_statement: null,
  unknown_statement: ["frobnicate a b", [["frobnicate", "invalid.illegal"], ["a", "variable.other"]]],
};

/** Checks one sample; returns its tokens. */
async function checkSample(name, [text, expected]) {
  const lines = await tokenize(text);
  const tokens = lines.flat();
  let from = 0;
  for (const [want, scope] of expected) {
    const at = tokens.findIndex((t, i) => i >= from && t.text === want);
    assert.ok(at >= 0, `${name}: no token \`${want}\` in ${JSON.stringify(text)} (after token ${from}): ${JSON.stringify(tokens.map((t) => t.text))}`);
    const got = innermost(tokens[at]);
    assert.ok(got.startsWith(scope), `${name}: \`${want}\` is ${got}, want ${scope} (in ${JSON.stringify(text)})`);
    from = at + 1;
  }
  return tokens;
}

test("every rule of the pest grammar is in CONSTRUCTS, and no other", () => {
  const rules = [...pestRules().keys()].filter((r) => !r.startsWith("kw_"));
  const missing = rules.filter((r) => !(r in CONSTRUCTS));
  assert.deepEqual(missing, [], `rules of grammar/leidraad.pest with no highlighting sample in test/coverage.test.js: ${missing.join(", ")}`);
  const stale = Object.keys(CONSTRUCTS).filter((r) => !rules.includes(r));
  assert.deepEqual(stale, [], `samples for rules that grammar/leidraad.pest no longer has: ${stale.join(", ")}`);
});

test("every sample is highlighted as it says", async () => {
  for (const [name, sample] of Object.entries(CONSTRUCTS)) {
    if (sample) {
      await checkSample(name, sample);
    }
  }
});

/** Every keyword and operator literal of the pest grammar. */
function grammarLiterals() {
  const words = new Set();
  const symbols = new Set();
  for (const [name, body] of pestRules()) {
    if (["WHITESPACE", "COMMENT", "string", "string_text", "keyword"].includes(name)) {
      continue;
    }
    for (const lit of literals(body)) {
      if (/^[a-z][a-z_]*$/.test(lit)) {
        words.add(lit);
      } else if (lit.trim() !== "" && !/^\\?u\{/.test(lit)) {
        symbols.add(lit);
      }
    }
  }
  return { words: [...words].sort(), symbols: [...symbols].sort() };
}

test("the pest grammar's literals are found", () => {
  const { words, symbols } = grammarLiterals();
  // A sanity check of the extraction itself.
  for (const w of ["guideline", "when", "then", "within", "molar", "sooner", "exclusive", "code"]) {
    assert.ok(words.includes(w), `${w} not extracted from the pest grammar: ${words}`);
  }
  for (const s of ["==", "..", "(", "[", ",", "*", "=", ":", "/"]) {
    assert.ok(symbols.includes(s), `${s} not extracted: ${symbols}`);
  }
});

test("every keyword and operator of the pest grammar gets a scope of its own", async () => {
  const { words, symbols } = grammarLiterals();
  const tokens = [];
  for (const sample of Object.values(CONSTRUCTS)) {
    if (sample) {
      tokens.push(...(await tokenize(sample[0])).flat());
    }
  }
  const scoped = (t) => !PLAIN.test(innermost(t)) && !innermost(t).startsWith("variable.") && !innermost(t).startsWith("entity.name");
  const missing = [];
  for (const word of words) {
    const re = new RegExp(`(^|[^\\p{L}\\p{N}_])${word}($|[^\\p{L}\\p{N}_])`, "u");
    if (!tokens.some((t) => scoped(t) && re.test(t.text))) {
      missing.push(word);
    }
  }
  for (const symbol of symbols) {
    if (!tokens.some((t) => scoped(t) && t.text.includes(symbol))) {
      missing.push(symbol);
    }
  }
  assert.deepEqual(missing, [], `keywords or operators of grammar/leidraad.pest that no sample highlights: ${missing.join(" ")}`);
});

/** The bundled guidelines and the fixtures that have no syntax errors. */
function corpus() {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(p);
      } else if (entry.name.endsWith(".leidraad")) {
        files.push(p);
      }
    }
  };
  walk(path.join(ROOT, "guidelines"));
  walk(path.join(ROOT, "tests", "fixtures"));
  return files.sort();
}

test("every character of the guidelines and fixtures is highlighted", async () => {
  const { words } = grammarLiterals();
  const reserved = new Set(words);
  const files = corpus();
  assert.ok(files.length > 100, `only ${files.length} files`);
  const problems = [];
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    const rel = path.relative(ROOT, file);
    (await tokenize(text)).forEach((line, i) => {
      for (const t of line) {
        const scope = innermost(t);
        if (t.text.trim() !== "" && PLAIN.test(scope)) {
          problems.push(`${rel}:${i + 1}: \`${t.text.trim()}\` has no scope (${t.scopes.join(" ")})`);
        }
        if (reserved.has(t.text) && (scope.startsWith("variable.") || scope.startsWith("entity.name"))) {
          problems.push(`${rel}:${i + 1}: the keyword \`${t.text}\` is highlighted as a name (${scope})`);
        }
      }
    });
  }
  // Fixtures of syntax errors hold text no grammar highlights; they are
  // allowed, but only in tests/fixtures/diagnostics.
  const outside = problems.filter((p) => !p.startsWith("tests/fixtures/diagnostics/"));
  assert.deepEqual(outside, [], outside.slice(0, 30).join("\n"));
  assert.ok(problems.length < 40, `${problems.length} unhighlighted tokens in the diagnostics fixtures:\n${problems.slice(0, 40).join("\n")}`);
});
