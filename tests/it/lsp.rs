//! `leidraad lsp` as an editor sees it: the binary started, JSON-RPC over
//! its standard input and output (initialize, open, change, every request
//! the server offers, shutdown, exit), with snapshots of the answers.
//! The documents are `tests/fixtures/lsp/`: a guideline and another one
//! that share a vocabulary, with `é`, `→` and emoji in their labels.

use crate::support::{self, Running};
use insta::assert_snapshot;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::mpsc;
use std::time::Duration;

/// How long one answer may take (the machine is shared).
const ANSWER: Duration = Duration::from_secs(60);

struct Client {
    server: Running,
    messages: mpsc::Receiver<Value>,
    /// Notifications that came while waiting for a response.
    notifications: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        let mut server = support::spawn(support::leidraad(["lsp"]));
        let stdout = server.child.stdout.take().unwrap();
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.strip_prefix("Content-Length: ") {
                        length = Some(value.parse::<usize>().unwrap());
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                reader.read_exact(&mut body).unwrap();
                if sender.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Client {
            server,
            messages,
            notifications: Vec::new(),
            next_id: 1,
        }
    }

    fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).unwrap();
        let stdin = self.server.child.stdin.as_mut().unwrap();
        write!(stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        stdin.write_all(&body).unwrap();
        stdin.flush().unwrap();
    }

    fn next(&mut self) -> Value {
        self.messages
            .recv_timeout(ANSWER)
            .unwrap_or_else(|_| panic!("no message from the server within {ANSWER:?}"))
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its response (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.next();
            if message.get("id") == Some(&json!(id)) {
                return message;
            }
            self.notifications.push(message);
        }
    }

    /// The full check of `uri` at `version`: the second diagnostics
    /// published for it (the first is the front end's, sent at once).
    fn diagnostics(&mut self, uri: &str, version: i64) -> Value {
        let mut seen = 0;
        let mut kept = Vec::new();
        let mut found = None;
        for message in std::mem::take(&mut self.notifications) {
            if is_publish(&message, uri, version) && found.is_none() {
                seen += 1;
                if seen == 2 {
                    found = Some(message);
                    continue;
                }
            }
            kept.push(message);
        }
        self.notifications = kept;
        while found.is_none() {
            let message = self.next();
            if is_publish(&message, uri, version) {
                seen += 1;
                if seen == 2 {
                    found = Some(message);
                }
            } else {
                self.notifications.push(message);
            }
        }
        found.unwrap()["params"]["diagnostics"].clone()
    }
}

fn is_publish(message: &Value, uri: &str, version: i64) -> bool {
    message["method"] == "textDocument/publishDiagnostics"
        && message["params"]["uri"] == uri
        && message["params"]["version"] == version
}

fn uri_of(name: &str) -> String {
    format!(
        "file://{}",
        support::root()
            .join("tests/fixtures/lsp")
            .join(name)
            .display()
    )
}

fn text_of(name: &str) -> String {
    std::fs::read_to_string(support::root().join("tests/fixtures/lsp").join(name)).unwrap()
}

/// The protocol position (UTF-16) of the `nth` (0-based) occurrence of
/// `needle` in `text`, plus `plus` characters.
fn position(text: &str, needle: &str, nth: usize, plus: usize) -> Value {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} #{nth} is not in the text"))
        .0;
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..offset].matches('\n').count();
    let before = &text[line_start..offset];
    let character = before.encode_utf16().count()
        + text[offset..]
            .chars()
            .take(plus)
            .map(char::len_utf16)
            .sum::<usize>();
    json!({"line": line, "character": character})
}

/// A response as a snapshot: pretty JSON with the fixture folder's
/// address shortened.
fn shown(value: &Value) -> String {
    let folder = format!(
        "file://{}",
        support::root().join("tests/fixtures/lsp").display()
    );
    serde_json::to_string_pretty(value)
        .unwrap()
        .replace(&folder, "file://[fixtures]")
}

fn doc(uri: &str) -> Value {
    json!({"uri": uri})
}

fn at(uri: &str, position: Value) -> Value {
    json!({"textDocument": doc(uri), "position": position})
}

#[test]
fn a_session_with_every_request() {
    let guideline = uri_of("guideline.leidraad");
    let other = uri_of("other.leidraad");
    let vocabulary = uri_of("care.vocabulary.leidraad");
    let text = text_of("guideline.leidraad");
    let mut client = Client::start();

    let initialized = client.request(
        "initialize",
        json!({
            "processId": null,
            "capabilities": {},
            "initializationOptions": {"explanationUrl": "https://example.org/leidraad/{code}.html", "debounceMs": 20}
        }),
    );
    assert_snapshot!("initialize", shown(&initialized));
    client.notify("initialized", json!({}));

    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": guideline, "languageId": "leidraad", "version": 1, "text": text}}),
    );
    let opened = client.diagnostics(&guideline, 1);
    assert_snapshot!("open_diagnostics", shown(&opened));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": other, "languageId": "leidraad", "version": 1, "text": text_of("other.leidraad")}}),
    );
    assert_eq!(
        client.diagnostics(&other, 1),
        json!([]),
        "the other guideline is clean"
    );

    // Hover: a definition with its citation, a rule's sentence, an input
    // from the vocabulary (label, type, unit, range, the comment above it).
    let hovers = json!({
        "definition": client.request("textDocument/hover", at(&guideline, position(&text, "older", 3, 2))),
        "rule": client.request("textDocument/hover", at(&guideline, position(&text, "imaging", 2, 0))),
        "input": client.request("textDocument/hover", at(&guideline, position(&text, "age", 0, 1))),
        "value": client.request("textDocument/hover", at(&guideline, position(&text, "severe", 1, 0))),
        "nothing": client.request("textDocument/hover", at(&guideline, position(&text, "version", 0, 0))),
    });
    assert_snapshot!("hover", shown(&hovers));

    let definition = client.request(
        "textDocument/definition",
        at(&guideline, position(&text, "fever", 1, 0)),
    );
    assert_snapshot!("definition", shown(&definition));
    assert_eq!(definition["result"]["uri"], vocabulary.as_str());

    let references = client.request(
        "textDocument/references",
        json!({"textDocument": doc(&guideline), "position": position(&text, "xray", 0, 0), "context": {"includeDeclaration": true}}),
    );
    assert_snapshot!("references", shown(&references));

    // Rename across the files of the shared vocabulary.
    let prepared = client.request(
        "textDocument/prepareRename",
        at(&guideline, position(&text, "fever", 1, 2)),
    );
    assert_snapshot!("prepare_rename", shown(&prepared));
    let renamed = client.request(
        "textDocument/rename",
        json!({"textDocument": doc(&guideline), "position": position(&text, "fever", 1, 2), "newName": "febrile"}),
    );
    let changes = renamed["result"]["changes"].as_object().unwrap();
    let mut files: Vec<&String> = changes.keys().collect();
    files.sort();
    assert_eq!(files, [&vocabulary, &guideline, &other], "{renamed}");
    let sorted: std::collections::BTreeMap<_, _> = changes.iter().collect();
    assert_snapshot!("rename", shown(&json!(sorted)));
    let refused = json!({
        "keyword": client.request("textDocument/rename", json!({"textDocument": doc(&guideline), "position": position(&text, "fever", 1, 0), "newName": "rule"}))["error"],
        "taken": client.request("textDocument/rename", json!({"textDocument": doc(&guideline), "position": position(&text, "fever", 1, 0), "newName": "age"}))["error"],
        "not_a_name": client.request("textDocument/rename", json!({"textDocument": doc(&guideline), "position": position(&text, "fever", 1, 0), "newName": "2fever"}))["error"],
    });
    assert_snapshot!("rename_refused", shown(&refused));

    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": doc(&guideline)}),
    );
    assert_snapshot!("document_symbols", shown(&symbols));
    let workspace = client.request("workspace/symbol", json!({"query": "FEV"}));
    assert_snapshot!("workspace_symbols", shown(&workspace));

    // Completion: the values of the input tested, entries after an action,
    // units after a number, snippets at the start of a line.
    let labels = |response: &Value| -> Vec<String> {
        response["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| format!("{} ({})", item["label"].as_str().unwrap(), item["kind"]))
            .collect()
    };
    let values = client.request(
        "textDocument/completion",
        at(&guideline, position(&text, "severe", 1, 0)),
    );
    let entries = client.request(
        "textDocument/completion",
        at(&guideline, position(&text, "xray", 0, 0)),
    );
    let units = client.request(
        "textDocument/completion",
        at(&guideline, position(&text, "years", 0, 0)),
    );
    let start = client.request(
        "textDocument/completion",
        at(&guideline, position(&text, "rule", 0, 0)),
    );
    let names = client.request(
        "textDocument/completion",
        at(&guideline, position(&text, "older and", 0, 0)),
    );
    assert_snapshot!(
        "completion",
        shown(&json!({
            "values": labels(&values),
            "entries": labels(&entries),
            "units": labels(&units)[..6],
            "names": labels(&names),
            "statement start": start["result"].as_array().unwrap()[..3],
        }))
    );

    let tokens = client.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": doc(&guideline)}),
    );
    assert_snapshot!(
        "semantic_tokens",
        decode_tokens(&text, &tokens, &initialized)
    );
    let folds = client.request(
        "textDocument/foldingRange",
        json!({"textDocument": doc(&guideline)}),
    );
    assert_snapshot!("folding_ranges", shown(&folds));
    let formatted = client.request(
        "textDocument/formatting",
        json!({"textDocument": doc(&guideline), "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_snapshot!("formatting", shown(&formatted));

    // A change, as an editor sends it: one range replaced (UTF-16
    // positions on a line with an emoji before it in the file).
    let typo = position(&text, "xray", 0, 0);
    let typo_end = position(&text, "xray", 0, 4);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": guideline, "version": 2}, "contentChanges": [{"range": {"start": typo, "end": typo_end}, "text": "xrya"}]}),
    );
    let changed = client.diagnostics(&guideline, 2);
    assert_snapshot!("change_diagnostics", shown(&changed));
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": doc(&guideline), "range": {"start": typo, "end": typo}, "context": {"diagnostics": []}}),
    );
    assert_snapshot!("code_action_did_you_mean", shown(&actions));

    // Unknown, with nothing near: declare it. And a conflict, with its
    // example patient and the two `overrides` fixes.
    let mut text = text.replacen("then order xray", "then order ultrasound", 1);
    text.push_str("\nrule no_xray \"No X-ray with fever\"\n  when fever\n  then avoid xray\n");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": guideline, "version": 3}, "contentChanges": [{"text": text}]}),
    );
    let unknown = client.diagnostics(&guideline, 3);
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": doc(&guideline), "range": {"start": position(&text, "ultrasound", 0, 1), "end": position(&text, "ultrasound", 0, 1)}, "context": {"diagnostics": []}}),
    );
    assert_snapshot!(
        "code_action_declare",
        shown(&json!({"diagnostics": unknown, "actions": actions}))
    );
    let text = text.replacen("then order ultrasound", "then order xray", 1);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": guideline, "version": 4}, "contentChanges": [{"text": text}]}),
    );
    let conflict = client.diagnostics(&guideline, 4);
    let l301 = conflict
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "L301")
        .unwrap_or_else(|| panic!("a conflict: {conflict:#}"))
        .clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": doc(&guideline), "range": l301["range"], "context": {"diagnostics": [l301]}}),
    );
    assert_snapshot!(
        "code_action_overrides",
        shown(&json!({"conflict": l301, "actions": actions}))
    );

    client.notify(
        "textDocument/didClose",
        json!({"textDocument": doc(&other)}),
    );
    let shutdown = client.request("shutdown", Value::Null);
    assert_eq!(shutdown["result"], Value::Null, "{shutdown}");
    client.notify("exit", Value::Null);
    drop(client.messages);
    assert_eq!(client.server.finish(ANSWER), 0, "exit after shutdown");
}

/// The semantic tokens as lines of `line:column text kind`.
fn decode_tokens(text: &str, tokens: &Value, initialized: &Value) -> String {
    let legend: Vec<String> =
        initialized["result"]["capabilities"]["semanticTokensProvider"]["legend"]["tokenTypes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_owned())
            .collect();
    let lines: Vec<Vec<u16>> = text
        .split('\n')
        .map(|l| l.encode_utf16().collect())
        .collect();
    let data: Vec<u64> = tokens["result"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    let (mut line, mut column) = (0, 0);
    let mut out = String::new();
    for token in data.chunks(5) {
        let &[delta_line, delta_start, length, kind, _] = token else {
            panic!("tokens come in fives");
        };
        if delta_line > 0 {
            column = 0;
        }
        line += delta_line as usize;
        column += delta_start as usize;
        let units = &lines[line][column..column + length as usize];
        out.push_str(&format!(
            "{}:{} {} {}\n",
            line + 1,
            column,
            String::from_utf16(units).unwrap(),
            legend[kind as usize]
        ));
    }
    out
}

#[test]
fn a_large_file_stays_responsive() {
    // 10 MB of rules, far more than the analyses take (L306 says so when
    // the check is done): while the worker reads it, the server answers
    // at once, for it ("content modified": ask again) and for a small
    // document opened beside it.
    let mut text =
        String::from("guideline big \"Big\"\n\ninput a : yes/no \"A → é 🩺\"\nexam x \"X\"\n\n");
    let mut n = 0;
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(&format!(
            "rule r{n} \"Rule {n} → é 🩺\" when a then order x\n"
        ));
        n += 1;
    }
    let small = uri_of("other.leidraad");
    let mut client = Client::start();
    client.request(
        "initialize",
        json!({"capabilities": {}, "initializationOptions": {"debounceMs": 0}}),
    );
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": "untitled:big", "languageId": "leidraad", "version": 1, "text": text}}),
    );
    // Let the worker start on it.
    std::thread::sleep(Duration::from_millis(200));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": small, "languageId": "leidraad", "version": 1, "text": text_of("other.leidraad")}}),
    );
    let started = std::time::Instant::now();
    let busy = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": "untitled:big"}}),
    );
    assert_eq!(busy["error"]["code"], -32801, "{busy}");
    let other = text_of("other.leidraad");
    let hover = client.request(
        "textDocument/hover",
        at(&small, position(&other, "fever_mri", 0, 1)),
    );
    assert!(
        hover["result"]["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("MRI for fever"),
        "{hover}"
    );
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(5),
        "the answers took {elapsed:?}"
    );
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    drop(client.messages);
    assert_eq!(client.server.finish(ANSWER), 0);
}

/// A multi-line example of every statement kind, by its first word. A
/// statement kind the grammar gains (a new entry in
/// `STATEMENT_KEYWORDS`) fails the test below until it has an example,
/// and then until the outline, the tokens and the folds cover it.
const EXAMPLES: &[(&str, &str)] = &[
    ("guideline", "guideline g \"G\"\n  version \"1\"\n"),
    ("vocabulary", "vocabulary v \"V\"\n  version \"1\"\n"),
    ("use", "use \"other.leidraad\"\n"),
    ("input", "input c : one of p \"P\", q\n  \"C\"\n"),
    ("assume", "assume a\n  implies b == x\n"),
    ("define", "define d \"D\" =\n  a and b == x\n"),
    (
        "score",
        "score s \"S\" =\n    1 when a\n  + 2 when b == y\n",
    ),
    ("exam", "exam g1 \"G1\"\n  in imaging\n"),
    ("measure", "measure m \"M\"\n  in imaging\n"),
    ("specialist", "specialist sp \"Sp\"\n  in people\n"),
    ("rule", "rule r \"R\"\n  when a\n  then order e\n"),
    ("require", "require \"Q\"\n  when a\n  then order e\n"),
    ("case", "case \"C\"\n  given a yes, b x\n  expect order e\n"),
    ("exclusive", "exclusive e, f\n  \"E or F\"\n"),
];

/// What the examples use.
const DECLARATIONS: &str =
    "input a : yes/no \"A\"\ninput b : one of x, y \"B\"\nexam e \"E\" in imaging\nexam f \"F\"\n";

#[test]
fn every_statement_kind_has_a_symbol_a_token_and_a_fold() {
    use leidraad::check::Uses;
    use leidraad::ide::{Analysis, folding, semantic_tokens, symbols};
    use leidraad::source::Sources;
    use leidraad::syntax::STATEMENT_KEYWORDS;
    for keyword in STATEMENT_KEYWORDS {
        let example = EXAMPLES
            .iter()
            .find(|(k, _)| k == keyword)
            .unwrap_or_else(|| panic!("add an example of a `{keyword}` statement to EXAMPLES"))
            .1;
        let text = match *keyword {
            "guideline" | "vocabulary" => format!("{example}\n{DECLARATIONS}"),
            _ => format!("guideline g \"G\"\n\n{DECLARATIONS}\n{example}"),
        };
        let start = text.find(example).unwrap();
        let mut sources = Sources::new();
        let file = sources.add("example.leidraad", text.clone());
        let analysis = Analysis::new(sources, Uses::default(), file);
        let item = analysis
            .syntax
            .items
            .iter()
            .find(|item| item.span().start as usize == start)
            .unwrap_or_else(|| {
                panic!(
                    "`{keyword}` example does not parse:\n{text}\n{:?}",
                    analysis.diagnostics
                )
            });
        let span = item.span();
        let outline = symbols::document_symbols(&analysis.syntax);
        assert!(
            outline.iter().any(|s| s.span == span && !s.name.is_empty()),
            "no outline symbol for `{keyword}`: {outline:#?}"
        );
        let tokens = semantic_tokens::semantic_tokens(&analysis);
        let first = tokens
            .iter()
            .find(|t| t.span.start as usize == start)
            .unwrap_or_else(|| panic!("no token at the start of `{keyword}`"));
        assert_eq!(
            first.kind,
            semantic_tokens::TokenKind::Keyword,
            "`{keyword}`"
        );
        assert!(
            tokens
                .iter()
                .filter(|t| span.start <= t.span.start && t.span.end <= span.end)
                .all(|t| t.kind != semantic_tokens::TokenKind::Name),
            "a word of `{keyword}` has no kind: {tokens:?}"
        );
        let folds = folding::folding_ranges(&analysis.syntax, analysis.sources.get(file).unwrap());
        let lines = text[span.range()].lines().count();
        assert_eq!(
            folds.iter().any(|f| f.span == span),
            lines > 1,
            "the fold of `{keyword}` ({lines} lines): {folds:?}"
        );
    }
}

#[test]
fn hover_shows_a_values_label() {
    use leidraad::check::Uses;
    use leidraad::ide::{Analysis, hover};
    use leidraad::source::Sources;
    let text = "guideline g \"G\"\n\ninput b : one of none \"geen\", acute \"acuut (< 6 weken)\", chronic\n  \"Uitval\"\nexam e \"E\"\nrule r \"R\"\n  when b == acute\n  then order e\n";
    let mut sources = Sources::new();
    let file = sources.add("labels.leidraad", text.to_owned());
    let analysis = Analysis::new(sources, Uses::default(), file);
    // A use of the value in a rule, and its declaration.
    let used = text.rfind("acute").unwrap();
    let markdown = hover::hover(&analysis, used + 1).unwrap().markdown;
    assert!(markdown.starts_with("**acuut (< 6 weken)**"), "{markdown}");
    assert!(
        markdown.contains("`acute`: a value of **Uitval**"),
        "{markdown}"
    );
    // A value without a label is shown by its name only.
    let chronic = text.find("chronic").unwrap();
    let markdown = hover::hover(&analysis, chronic + 1).unwrap().markdown;
    assert!(markdown.starts_with("`chronic`: a value"), "{markdown}");
    // The input lists its values with their labels.
    let input = text.find("input b").unwrap() + "input ".len();
    let markdown = hover::hover(&analysis, input).unwrap().markdown;
    assert!(
        markdown.contains("values: `none` \"geen\", `acute` \"acuut (< 6 weken)\", `chronic`"),
        "{markdown}"
    );
}
