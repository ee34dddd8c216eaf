//! The language server as a function of messages: [`Server::handle`]
//! takes one JSON-RPC message from the editor and returns the messages to
//! send back and the checks to run. The command line (`leidraad lsp`,
//! `src/cli/lsp.rs`) owns standard input and output, the threads and the
//! clock: it calls [`Server::idle`] when the editor has paused typing (the
//! debounce), runs each [`Job`] on a worker thread, and hands the result
//! to [`Server::finished`], which publishes it only if the document still
//! has that version.
//!
//! This module translates between the protocol (UTF-16 positions, URIs,
//! `lsp_types`) and [`crate::ide`] (byte offsets, spans, plain data); the
//! features themselves live there.

pub mod capabilities;
mod convert;
pub mod documents;
mod handlers;
pub mod line_index;

use crate::check::{CheckOptions, Loaded, Request as LoadRequest, load_uses};
use crate::ide::{self, Analysis};
use crate::source::Sources;
use documents::{Checked, Document, Documents};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::Uri;
use serde::Deserialize;
use std::sync::Arc;

/// Reads the files that open documents `use` and the editor does not
/// have open. Implemented by the command line, which may read files.
pub trait Files: Send + Sync {
    /// The text of `request.path`, relative to the folder of the document
    /// named `root` (as [`crate::check::Loader`] is asked for it).
    fn load(&self, root: &str, request: &LoadRequest<'_>) -> Loaded;
}

/// The editor's settings, from `initializationOptions` (all optional).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Config {
    /// The address of a code's explanation, `{code}` standing for the code
    /// (`L101`) and `{name}` for its name (`unknown-name`): the link of
    /// each diagnostic's `codeDescription`.
    pub explanation_url: String,
    /// Run the analyses (conflicts, rules that never fire, requirements)
    /// as `leidraad check` does; `false` checks only the front end.
    pub analyses: bool,
    /// How long the editor must pause typing before the document is
    /// checked again, in milliseconds.
    pub debounce_ms: u64,
}

/// Where an explanation is when the editor does not say.
pub const DEFAULT_EXPLANATION_URL: &str = "https://leidraad.org/docs/diagnostics.html#{code}";

/// A document up to this size is analysed on the server's own thread
/// when a request needs it before its job has run (milliseconds); a
/// larger one is answered "content modified" until the worker is done.
pub const SYNCHRONOUS_BYTES: usize = 512 * 1024;

impl Default for Config {
    fn default() -> Self {
        Config {
            explanation_url: DEFAULT_EXPLANATION_URL.to_owned(),
            analyses: true,
            debounce_ms: 200,
        }
    }
}

/// What a job needs to put one document's files together: its text and
/// name, the open documents (by name) it may use, and the disk.
#[derive(Clone)]
struct Snapshot {
    name: String,
    text: String,
    open: Vec<(String, String)>,
    files: Arc<dyn Files>,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Snapshot {
    /// The front end of the document, with the files it uses: from the
    /// editor where it has them open, else read by [`Files`].
    fn analyse(&self) -> Analysis {
        let mut sources = Sources::new();
        let file = sources.add(self.name.clone(), self.text.clone());
        let folder = self.name.rsplit_once('/').map_or("", |(folder, _)| folder);
        let mut loader = |request: &LoadRequest<'_>| {
            let name = if folder.is_empty() {
                request.path.to_owned()
            } else {
                format!("{folder}/{}", request.path)
            };
            match self.open.iter().find(|(open, _)| *open == name) {
                Some((_, text)) => Loaded::File {
                    name,
                    bytes: text.clone().into_bytes(),
                },
                None => self.files.load(&self.name, request),
            }
        };
        let uses = load_uses(&mut sources, &[file], &mut loader);
        Analysis::new(sources, uses, file)
    }
}

/// The check of one version of one document, to be run off the server's
/// thread. Pure: [`Job::run`] does no I/O but through [`Files`].
#[derive(Debug)]
pub struct Job {
    uri: Uri,
    version: i32,
    snapshot: Snapshot,
    options: CheckOptions,
}

impl Job {
    /// The document this job checks, and its version.
    pub fn document(&self) -> (&Uri, i32) {
        (&self.uri, self.version)
    }

    /// Checks the document: first the front end (parse and resolve, whose
    /// diagnostics are shown at once), then everything `leidraad check`
    /// reports. Each result is handed to `done` as it is ready.
    pub fn run(self, done: &mut dyn FnMut(Done)) {
        let analysis = self.snapshot.analyse();
        // The front end's diagnostics go out first; the full check then
        // starts from the same front end instead of parsing again.
        done(Done {
            uri: self.uri.clone(),
            version: self.version,
            result: Found::Front(Box::new(analysis.clone())),
        });
        let diagnostics = ide::diagnostics::check_analysis(&analysis, &self.options);
        let (sources, file) = (analysis.sources, analysis.file);
        done(Done {
            uri: self.uri,
            version: self.version,
            result: Found::Full(Checked {
                version: self.version,
                sources,
                file,
                diagnostics,
            }),
        });
    }
}

/// One result of a [`Job`].
#[derive(Debug)]
pub struct Done {
    uri: Uri,
    version: i32,
    result: Found,
}

#[derive(Debug)]
enum Found {
    Front(Box<Analysis>),
    Full(Checked),
}

/// What one step of the server produced.
#[derive(Debug, Default)]
pub struct Output {
    /// To send to the editor, in order.
    pub messages: Vec<Message>,
    /// Checks to run; a newer one for the same document makes an older one
    /// that has not started unnecessary.
    pub jobs: Vec<Job>,
    /// The editor said `exit`: end with this status (0 after `shutdown`).
    pub exit: Option<i32>,
}

/// The server's state: the open documents and the settings.
pub struct Server {
    documents: Documents,
    config: Config,
    files: Arc<dyn Files>,
    initialized: bool,
    shut_down: bool,
}

impl Server {
    pub fn new(files: Arc<dyn Files>) -> Server {
        Server {
            documents: Documents::default(),
            config: Config::default(),
            files,
            initialized: false,
            shut_down: false,
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Whether a changed document waits for [`Server::idle`].
    pub fn has_pending(&self) -> bool {
        self.documents
            .iter()
            .any(|d| d.scheduled != Some(d.version))
    }

    /// One message from the editor.
    pub fn handle(&mut self, message: Message) -> Output {
        let mut output = Output::default();
        match message {
            Message::Request(request) => {
                let response = self.request(request);
                output.messages.push(Message::Response(response));
            }
            Message::Notification(notification) => self.notification(notification, &mut output),
            // The server sends no requests, so it expects no responses.
            Message::Response(_) => {}
        }
        output
    }

    fn request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        if request.method == "initialize" {
            self.initialized = true;
            if let Some(options) = request
                .params
                .get("initializationOptions")
                .filter(|o| !o.is_null())
            {
                match Config::deserialize(options) {
                    Ok(config) => self.config = config,
                    Err(error) => {
                        return error_response(
                            id,
                            ErrorCode::InvalidParams,
                            format!("the initializationOptions are not understood: {error}"),
                        );
                    }
                }
            }
            return ok_response(id, capabilities::initialize_result());
        }
        if !self.initialized {
            return error_response(
                id,
                ErrorCode::ServerNotInitialized,
                "the editor must send `initialize` first".to_owned(),
            );
        }
        if request.method == "shutdown" {
            self.shut_down = true;
            return ok_response(id, serde_json::Value::Null);
        }
        if self.shut_down {
            return error_response(
                id,
                ErrorCode::InvalidRequest,
                "the server is shutting down".to_owned(),
            );
        }
        // Answer on the current text: a small changed document is analysed
        // now (its job will still publish the diagnostics).
        let stale: Vec<Uri> = self
            .documents
            .iter()
            .filter(|d| d.current().is_none() && d.text.len() <= SYNCHRONOUS_BYTES)
            .map(|d| d.uri.clone())
            .collect();
        for uri in stale {
            if let Some(snapshot) = self.snapshot(&uri) {
                let analysis = snapshot.analyse();
                if let Some(document) = self.documents.get_mut(&uri) {
                    document.analysed = Some(document.version);
                    document.analysis = Some(analysis);
                }
            }
        }
        handlers::request(self, request)
    }

    fn notification(&mut self, notification: Notification, output: &mut Output) {
        use lsp_types::notification::{
            DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
        };
        match notification.method.as_str() {
            "exit" => output.exit = Some(if self.shut_down { 0 } else { 1 }),
            DidOpenTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(
                    notification.params,
                ) {
                    let item = params.text_document;
                    self.documents
                        .open(Document::new(item.uri, item.version, item.text));
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(
                    notification.params,
                ) {
                    if let Some(document) = self.documents.get_mut(&params.text_document.uri) {
                        document.change(params.text_document.version, params.content_changes);
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(
                    notification.params,
                ) {
                    self.documents.close(&params.text_document.uri);
                    // Its problems go with it.
                    output
                        .messages
                        .push(publish(params.text_document.uri, None, Vec::new()));
                }
            }
            // `initialized`, `didSave`, `$/cancelRequest` (every request is
            // answered at once), settings changes: nothing to do.
            _ => {}
        }
    }

    /// What a job for `uri` needs.
    fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let document = self.documents.get(uri)?;
        Some(Snapshot {
            name: document.name.clone(),
            text: document.text.clone(),
            open: self
                .documents
                .iter()
                .filter(|d| d.uri != document.uri)
                .map(|d| (d.name.clone(), d.text.clone()))
                .collect(),
            files: Arc::clone(&self.files),
        })
    }

    /// The editor has paused typing: every changed document gets a job
    /// that checks it.
    pub fn idle(&mut self) -> Output {
        let mut output = Output::default();
        let pending: Vec<Uri> = self
            .documents
            .iter()
            .filter(|d| d.scheduled != Some(d.version))
            .map(|d| d.uri.clone())
            .collect();
        for uri in pending {
            let Some(snapshot) = self.snapshot(&uri) else {
                continue;
            };
            let Some(document) = self.documents.get_mut(&uri) else {
                continue;
            };
            document.scheduled = Some(document.version);
            output.jobs.push(Job {
                uri,
                version: document.version,
                snapshot,
                options: CheckOptions {
                    analyses: self.config.analyses,
                    ..CheckOptions::default()
                },
            });
        }
        output
    }

    /// A [`Job`] has a result: publish it if the document still has that
    /// version; a stale result is dropped, never shown for other text.
    pub fn finished(&mut self, done: Done) -> Output {
        let mut output = Output::default();
        let Some(document) = self.documents.get_mut(&done.uri) else {
            return output;
        };
        if document.version != done.version {
            return output;
        }
        let (sources, file, diagnostics) = match &done.result {
            Found::Front(analysis) => (&analysis.sources, analysis.file, &analysis.diagnostics),
            Found::Full(checked) => (&checked.sources, checked.file, &checked.diagnostics),
        };
        let shown = convert::diagnostics(sources, file, diagnostics, &self.config);
        output
            .messages
            .push(publish(done.uri.clone(), Some(done.version), shown));
        match done.result {
            Found::Front(analysis) => {
                document.analysed = Some(done.version);
                document.analysis = Some(*analysis);
            }
            Found::Full(checked) => document.checked = Some(checked),
        }
        output
    }
}

fn publish(uri: Uri, version: Option<i32>, diagnostics: Vec<lsp_types::Diagnostic>) -> Message {
    use lsp_types::notification::{Notification as _, PublishDiagnostics};
    let params = lsp_types::PublishDiagnosticsParams {
        uri,
        diagnostics,
        version,
    };
    Message::Notification(Notification::new(
        PublishDiagnostics::METHOD.to_owned(),
        params,
    ))
}

fn ok_response(id: RequestId, result: impl serde::Serialize) -> Response {
    Response::new_ok(id, result)
}

fn error_response(id: RequestId, code: ErrorCode, message: String) -> Response {
    Response::new_err(id, code as i32, message)
}
