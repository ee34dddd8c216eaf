//! What the test modules share: the one way to run the `leidraad` binary,
//! and the size of the long property runs.

use std::ffi::OsStr;
use std::io::{Read, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The package root; relative paths in the tests are read from here, as
/// cargo runs a test binary in it.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fixtures folder: `fixtures("cli")` is `tests/fixtures/cli`.
pub fn fixtures(folder: &str) -> PathBuf {
    root().join("tests/fixtures").join(folder)
}

/// Adds a guideline's text to new sources as `name`, with the vocabularies
/// it uses read from `folder` (as `leidraad` reads them from the folder of
/// the file; their names are `name`'s folder joined with the path).
pub fn load_with_uses(
    name: &str,
    text: &str,
    folder: &Path,
) -> (
    leidraad::source::Sources,
    leidraad::source::FileId,
    leidraad::check::Uses,
) {
    use leidraad::check::{Loaded, Request, load_uses};
    let mut sources = leidraad::source::Sources::new();
    let file = sources.add(name, text);
    let prefix = Path::new(name)
        .parent()
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| !p.is_empty())
        .map_or(String::new(), |p| format!("{p}/"));
    let mut loader = |request: &Request<'_>| match std::fs::read(folder.join(request.path)) {
        Ok(bytes) => Loaded::File {
            name: format!("{prefix}{}", request.path),
            bytes,
        },
        Err(error) => Loaded::Missing(error.to_string()),
    };
    let uses = load_uses(&mut sources, &[file], &mut loader);
    (sources, file, uses)
}

/// A bundled guideline (`guidelines/NAME`) with the vocabularies it uses.
pub fn bundled(
    name: &str,
) -> (
    leidraad::source::Sources,
    leidraad::source::FileId,
    leidraad::check::Uses,
) {
    let path = format!("guidelines/{name}");
    let text = std::fs::read_to_string(root().join(&path)).unwrap();
    load_with_uses(&path, &text, &root().join("guidelines"))
}

/// A `leidraad` command in the package root, with standard input closed
/// and colour left to its default (`NO_COLOR` unset unless a test sets it).
pub fn leidraad<S: AsRef<OsStr>>(args: impl IntoIterator<Item = S>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_leidraad"));
    command
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    command
}

/// How a run ended and what it wrote.
pub struct Ran {
    /// The command line, for failure messages.
    pub what: String,
    pub status: i32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Ran {
    pub fn stdout_lossy(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn stderr_lossy(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// Long enough for any ordinary run; the robustness tests pass their own.
pub const LIMIT: Duration = Duration::from_secs(300);

/// Runs `command` with nothing on standard input; see [`run_with`].
pub fn run(command: Command) -> Ran {
    run_with(command, b"", LIMIT)
}

/// Runs `command` with `stdin`, and fails the test if it does not end
/// within `limit`, ends by a signal (a stack overflow aborts) or panics
/// (exit status 101, or "panicked" on standard error).
pub fn run_with(mut command: Command, stdin: &[u8], limit: Duration) -> Ran {
    let args: Vec<String> = command
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let what = format!("leidraad {}", args.join(" "));
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("leidraad starts");
    // Feed standard input and drain the output on threads, so that a full
    // pipe never blocks the child and the deadline is watched here.
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let mut stdout = child.stdout.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stdout.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let mut stderr = child.stderr.take().unwrap();
    let err_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stderr.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`{what}` did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    feeder.join().unwrap();
    let ran = Ran {
        what,
        status: status.code().unwrap_or(-1),
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    };
    let stderr = clip(&ran.stderr_lossy());
    let Some(code) = status.code() else {
        panic!(
            "`{}` was killed by a signal ({status:?}), as a stack overflow is\n{stderr}",
            ran.what
        );
    };
    assert!(
        code != 101 && !stderr.contains("panicked"),
        "`{}` panicked:\n{stderr}",
        ran.what
    );
    ran
}

/// A long-running `leidraad` (the language server), with pipes to its
/// standard input and output. [`Running::finish`] waits for its end
/// within a limit and fails the test on a signal or a panic, as
/// [`run_with`] does.
pub struct Running {
    pub child: std::process::Child,
    what: String,
    stderr: Option<std::thread::JoinHandle<Vec<u8>>>,
}

/// Starts `command` with piped standard input, output and error.
pub fn spawn(mut command: Command) -> Running {
    let args: Vec<String> = command
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let what = format!("leidraad {}", args.join(" "));
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("leidraad starts");
    let mut stderr = child.stderr.take().unwrap();
    let stderr = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stderr.read_to_end(&mut bytes);
        bytes
    });
    Running {
        child,
        what,
        stderr: Some(stderr),
    }
}

impl Running {
    /// Waits for the end, at most `limit`; the exit status.
    pub fn finish(mut self, limit: Duration) -> i32 {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > limit {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("`{}` did not finish within {limit:?}", self.what);
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let stderr = self.stderr.take().unwrap().join().unwrap();
        let stderr = clip(&String::from_utf8_lossy(&stderr));
        let Some(code) = status.code() else {
            panic!(
                "`{}` was killed by a signal ({status:?})\n{stderr}",
                self.what
            );
        };
        assert!(
            code != 101 && !stderr.contains("panicked"),
            "`{}` panicked:\n{stderr}",
            self.what
        );
        code
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // A test that failed half way leaves no server behind.
        let _ = self.child.kill();
    }
}

/// At most 3000 characters of `text`, for failure messages.
pub fn clip(text: &str) -> String {
    let limit = 3000;
    if text.chars().count() <= limit {
        text.to_owned()
    } else {
        let mut out: String = text.chars().take(limit).collect();
        out.push_str(&format!("... ({} bytes in all)", text.len()));
        out
    }
}

/// The scale of the long property runs, read here only:
/// `LEIDRAAD_TEST_SCALE=<factor>` multiplies the size of every run (`1`,
/// the default, is CI's: it keeps `.ci/run` under ten minutes on a 2-core
/// machine; `docs/testing.md` gives the "full" setting and the figures).
pub fn scale() -> f64 {
    std::env::var("LEIDRAAD_TEST_SCALE")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|f| f.is_finite() && *f > 0.0)
        .unwrap_or(1.0)
}

/// The size of one property run: `var` when it is set (the run's own
/// knob, such as `LEIDRAAD_DIAGRAM_CASES`), otherwise `ci` times
/// [`scale`], and at least 1.
pub fn cases(var: &str, ci: u64) -> u64 {
    if let Some(n) = std::env::var(var).ok().and_then(|v| v.trim().parse().ok()) {
        return n;
    }
    ((ci as f64 * scale()).round() as u64).max(1)
}

/// `leidraad eval GUIDELINE --facts - --format json` on one record: the
/// exit status and the JSON it printed.
pub fn eval_json(guideline: &str, record: &str) -> (i32, serde_json::Value) {
    let ran = run_with(
        leidraad(["eval", guideline, "--facts", "-", "--format", "json"]),
        record.as_bytes(),
        LIMIT,
    );
    let output = serde_json::from_str(&ran.stdout_lossy())
        .unwrap_or_else(|e| panic!("{e}: {}", ran.stdout_lossy()));
    (ran.status, output)
}

/// The one field error of the output of a refused record, which gets no
/// advice: its field and message.
pub fn only_field_error(output: &serde_json::Value) -> (String, String) {
    assert!(
        output.get("recommendations").is_none(),
        "a refused record gets no advice: {output}"
    );
    let errors = output["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{output}");
    (
        errors[0]["field"].as_str().unwrap().to_owned(),
        errors[0]["message"].as_str().unwrap().to_owned(),
    )
}
