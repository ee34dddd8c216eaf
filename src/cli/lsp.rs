//! `leidraad lsp`: the language server over standard input and output.
//!
//! The server itself ([`leidraad::lsp::Server`]) is a function of
//! messages; this file owns what it must not: standard input and output
//! (`lsp_server::Connection::stdio`, with its reader and writer threads),
//! the clock of the debounce, a worker thread for the full checks, and
//! the files that open documents `use` but the editor does not have open.

use super::{FolderLoader, Status};
use leidraad::check::{Loaded, Loader, Request};
use leidraad::lsp::{Done, Files, Job, Server};
use lsp_server::{Connection, Message};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

/// What wakes the server's loop.
enum Event {
    Message(Message),
    Done(Done),
    /// The editor closed standard input.
    Closed,
}

/// Reads a used file from the folder of the document that uses it, as
/// `leidraad check` does (never from outside that folder).
struct DiskFiles;

impl Files for DiskFiles {
    fn load(&self, root: &str, request: &Request<'_>) -> Loaded {
        if !root.starts_with('/') {
            return Loaded::Missing(
                "the guideline that uses it is not saved in a folder".to_owned(),
            );
        }
        let mut loader = FolderLoader::default();
        loader.add_root(request.root, root);
        loader.load(request)
    }
}

pub fn run() -> miette::Result<Status> {
    let (connection, io_threads) = Connection::stdio();
    let (events_sender, events) = mpsc::channel();
    // The editor's messages, forwarded into the one queue of events.
    let forward = events_sender.clone();
    let receiver = connection.receiver.clone();
    std::thread::spawn(move || {
        for message in receiver {
            if forward.send(Event::Message(message)).is_err() {
                return;
            }
        }
        let _ = forward.send(Event::Closed);
    });
    // The worker: full checks, one at a time, the newest job of each
    // document only (an older one is stale before it starts).
    let (jobs, queued) = mpsc::channel::<Job>();
    let done = events_sender;
    std::thread::spawn(move || {
        while let Ok(first) = queued.recv() {
            let mut latest: Vec<Job> = Vec::new();
            for job in std::iter::once(first).chain(queued.try_iter()) {
                latest.retain(|older| older.document().0 != job.document().0);
                latest.push(job);
            }
            for job in latest {
                job.run(&mut |result| {
                    let _ = done.send(Event::Done(result));
                });
            }
        }
    });
    let mut server = Server::new(std::sync::Arc::new(DiskFiles));
    let mut last_change = Instant::now();
    let code = loop {
        let event = if server.has_pending() {
            let debounce = Duration::from_millis(server.config().debounce_ms);
            match events.recv_timeout(debounce.saturating_sub(last_change.elapsed())) {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) => {
                    let output = server.idle();
                    for message in output.messages {
                        if connection.sender.send(message).is_err() {
                            break;
                        }
                    }
                    for job in output.jobs {
                        let _ = jobs.send(job);
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break 1,
            }
        } else {
            match events.recv() {
                Ok(event) => event,
                Err(_) => break 1,
            }
        };
        let output = match event {
            Event::Message(message) => {
                if matches!(&message, Message::Notification(n)
                    if n.method == "textDocument/didChange" || n.method == "textDocument/didOpen")
                {
                    last_change = Instant::now();
                }
                server.handle(message)
            }
            Event::Done(done) => server.finished(done),
            Event::Closed => break 1,
        };
        for message in output.messages {
            if connection.sender.send(message).is_err() {
                break;
            }
        }
        for job in output.jobs {
            let _ = jobs.send(job);
        }
        if let Some(code) = output.exit {
            break code;
        }
    };
    drop(connection);
    io_threads
        .join()
        .map_err(|error| miette::miette!("the connection to the editor failed: {error}"))?;
    Ok(if code == 0 {
        Status::Clean
    } else {
        Status::Problems
    })
}
