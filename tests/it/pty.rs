//! A program run on a pseudo-terminal, as a person at a terminal runs it:
//! its standard input, output and error are the terminal's other end, the
//! line discipline echoes what is typed and turns Enter (`\r`) into the end
//! of a line, and what it prints is read as it comes. [`Pty::expect`] waits
//! for a text with a deadline instead of sleeping.
//!
//! The terminal comes from `rustix` (`openpt`, `grantpt`, `unlockpt`,
//! `ptsname`: POSIX calls, no `unsafe` here), already a dependency of the
//! build through `tempfile` and `terminal_size`.

use std::fs::File;
use std::io::{Read as _, Write as _};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// What the reader thread has seen on the terminal, and whether the other
/// end is closed (the program and every copy of its terminal are gone).
#[derive(Default)]
struct Screen {
    bytes: Vec<u8>,
    closed: bool,
}

/// A running program on a pseudo-terminal.
pub struct Pty {
    child: Child,
    what: String,
    /// The terminal's controlling side, to type on.
    keyboard: File,
    screen: Arc<(Mutex<Screen>, Condvar)>,
    reader: Option<std::thread::JoinHandle<()>>,
    /// How much of the output [`Pty::expect`] has consumed, in bytes.
    cursor: usize,
    /// How long [`Pty::expect`] waits.
    pub limit: Duration,
}

impl Pty {
    /// Starts `command` with a new pseudo-terminal as its standard input,
    /// output and error.
    pub fn spawn(mut command: Command) -> Pty {
        use rustix::fs::{Mode, OFlags};
        use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
        let what = format!(
            "{} {}",
            command.get_program().to_string_lossy(),
            command
                .get_args()
                .map(|a| a.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        );
        let controller =
            openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC).unwrap();
        grantpt(&controller).unwrap();
        unlockpt(&controller).unwrap();
        let name = ptsname(&controller, Vec::new()).unwrap();
        let terminal = rustix::fs::open(
            name.as_c_str(),
            OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .unwrap();
        let terminal = File::from(terminal);
        let child = command
            .stdin(Stdio::from(terminal.try_clone().unwrap()))
            .stdout(Stdio::from(terminal.try_clone().unwrap()))
            .stderr(Stdio::from(terminal))
            .spawn()
            .expect("the program starts");
        // `command` holds the terminal's copies until it is dropped: then
        // only the child has the terminal, and its end closes the screen.
        drop(command);
        let controller = File::from(controller);
        let keyboard = controller.try_clone().unwrap();
        let screen = Arc::new((Mutex::new(Screen::default()), Condvar::new()));
        let seen = Arc::clone(&screen);
        let reader = std::thread::spawn(move || {
            let mut controller = controller;
            let mut buffer = [0u8; 4096];
            loop {
                // EIO once the program's side is closed: the end.
                let read = controller.read(&mut buffer).unwrap_or(0);
                let (lock, changed) = &*seen;
                let mut screen = lock.lock().unwrap();
                if read == 0 {
                    screen.closed = true;
                    changed.notify_all();
                    return;
                }
                screen.bytes.extend_from_slice(&buffer[..read]);
                changed.notify_all();
            }
        });
        Pty {
            child,
            what,
            keyboard,
            screen,
            reader: Some(reader),
            cursor: 0,
            limit: Duration::from_secs(30),
        }
    }

    /// Types `line` and Enter.
    pub fn type_line(&mut self, line: &str) {
        self.keyboard.write_all(line.as_bytes()).unwrap();
        self.keyboard.write_all(b"\r").unwrap();
        self.keyboard.flush().unwrap();
    }

    /// Types Control-D: the end of the input, at the start of a line.
    pub fn end_input(&mut self) {
        self.keyboard.write_all(&[4]).unwrap();
        self.keyboard.flush().unwrap();
    }

    /// Everything the program printed so far, with the terminal's `\r\n`
    /// read as `\n`.
    pub fn transcript(&self) -> String {
        let screen = self.screen.0.lock().unwrap();
        text_of(&screen.bytes)
    }

    /// Waits until `text` appears after what was consumed before, and
    /// returns the output up to and including it (consumed now). Fails the
    /// test, with the transcript, if it does not appear within
    /// [`Pty::limit`] or the program ends first.
    pub fn expect(&mut self, text: &str) -> String {
        let start = Instant::now();
        let (lock, changed) = &*self.screen;
        let mut screen = lock.lock().unwrap();
        loop {
            let rest = screen.bytes.get(self.cursor..).unwrap_or(&[]);
            // Searched in the raw bytes: `\r\n` is normalised after.
            let wanted = text.replace('\n', "\r\n");
            if let Some(at) = find(rest, wanted.as_bytes()) {
                let end = self.cursor + at + wanted.len();
                let shown = text_of(&screen.bytes[self.cursor..end]);
                self.cursor = end;
                return shown;
            }
            let elapsed = start.elapsed();
            if screen.closed || elapsed >= self.limit {
                let transcript = text_of(&screen.bytes);
                let why = if screen.closed {
                    "the program ended"
                } else {
                    "timed out"
                };
                drop(screen);
                panic!(
                    "`{}`: {why} before {text:?} appeared; after {:?} the terminal shows:\n{}",
                    self.what,
                    elapsed,
                    crate::support::clip(&transcript)
                );
            }
            screen = changed
                .wait_timeout(screen, self.limit - elapsed)
                .unwrap()
                .0;
        }
    }

    /// Waits for the end of the program, at most [`Pty::limit`]; its exit
    /// status, what it printed after the last [`Pty::expect`], and the
    /// whole transcript.
    pub fn finish(mut self) -> (i32, String, String) {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > self.limit {
                panic!(
                    "`{}` did not end within {:?}:\n{}",
                    self.what,
                    self.limit,
                    crate::support::clip(&self.transcript())
                );
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        let (rest, transcript) = {
            let screen = self.screen.0.lock().unwrap();
            (
                text_of(screen.bytes.get(self.cursor..).unwrap_or(&[])),
                text_of(&screen.bytes),
            )
        };
        let code = status
            .code()
            .unwrap_or_else(|| panic!("`{}` was killed by a signal ({status:?})", self.what));
        assert!(
            code != 101 && !rest.contains("panicked"),
            "`{}` panicked:\n{rest}",
            self.what
        );
        (code, rest, transcript)
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        // A test that failed half way leaves no program behind.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace("\r\n", "\n")
}
