//! The language server's reaction to one edit of the bundled guideline:
//! the change notification, the debounce's end (`Server::idle`), the job
//! (the front end with the shared vocabulary, then the full check with
//! every analysis and the cases, as `leidraad check` runs it), and the
//! publication of both results. Target: under 20 ms. Figures:
//! `docs/performance.md`.
//!
//! Run: `cargo bench --bench lsp`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a benchmark stops on a failure, with its message; clippy.toml covers tests only"
)]

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use leidraad::check::{Loaded, Request};
use leidraad::lsp::{Files, Server};
use lsp_server::{Message, Notification};
use serde_json::json;

/// The shared vocabulary, read before the timing starts: the bench
/// measures the server, not the disk.
struct Cached(Vec<u8>);

impl Files for Cached {
    fn load(&self, _root: &str, request: &Request<'_>) -> Loaded {
        Loaded::File {
            name: format!("/guidelines/{}", request.path),
            bytes: self.0.clone(),
        }
    }
}

fn notification(method: &str, params: serde_json::Value) -> Message {
    Message::Notification(Notification::new(method.to_owned(), params))
}

fn bench_lsp(c: &mut Criterion) {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("guidelines");
    let text = std::fs::read_to_string(folder.join("lage-rugpijn.leidraad")).unwrap();
    let cached = std::fs::read(folder.join("rugpijn.vocabulary.leidraad")).unwrap();
    let uri = "file:///guidelines/lage-rugpijn.leidraad";
    let mut server = Server::new(Arc::new(Cached(cached)));
    let request = lsp_server::Request::new(
        1.into(),
        "initialize".to_owned(),
        json!({"capabilities": {}}),
    );
    server.handle(Message::Request(request));
    server.handle(notification(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "leidraad", "version": 1, "text": text}}),
    ));
    // One edit: a word of the first rule's label, typed and taken back.
    let at = text.find("\nrule ").unwrap() + 1;
    let line = text[..at].matches('\n').count();
    let mut version = 1;
    let mut published = 0;
    let change = |server: &mut Server, version: i32, word: &str| {
        server.handle(notification(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 4}}, "text": word}]}),
        ));
        let mut messages = 0;
        for job in server.idle().jobs {
            job.run(&mut |done| messages += server.finished(done).messages.len());
        }
        messages
    };
    let mut group = c.benchmark_group("lsp");
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("lage-rugpijn/change_checked", |b| {
        b.iter(|| {
            version += 1;
            published += change(black_box(&mut server), version, "rule");
        })
    });
    group.finish();
    assert!(published > 0, "the checks were published");
}

criterion_group!(benches, bench_lsp);
criterion_main!(benches);
