//! The command-line layer: the only code that reads files, reads standard
//! input or prints. One file per command.

/// `print!` that does not panic when the reader has gone away (a pipe into
/// `head`); see [`write_stdout`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(&format!($($arg)*))
    };
}

/// `println!` that does not panic when the reader has gone away.
macro_rules! outln {
    ($($arg:tt)*) => {{
        let mut line = format!($($arg)*);
        line.push('\n');
        $crate::cli::write_stdout(&line)
    }};
}

/// `eprint!` that does not panic when standard error cannot be written;
/// see [`write_stderr`].
macro_rules! eout {
    ($($arg:tt)*) => {
        $crate::cli::write_stderr(&format!($($arg)*))
    };
}

/// `eprintln!` that does not panic when standard error cannot be written.
macro_rules! eoutln {
    ($($arg:tt)*) => {{
        let mut line = format!($($arg)*);
        line.push('\n');
        $crate::cli::write_stderr(&line)
    }};
}

mod ask;
mod audit;
mod check;
mod compile;
mod diff;
mod doc;
mod eval;
mod explain;
mod fmt;
mod lsp;
mod test;

use clap::{Parser, Subcommand, ValueEnum};
use leidraad::check::{CheckOptions, Loaded, Loader, Request, Uses, load, load_uses};
use leidraad::diagnostics::{Diagnostic, render};
use leidraad::logic::analyse::AnalysisOptions;
use leidraad::logic::diagram::CompileOptions;
use leidraad::source::{FileId, Sources};
use miette::{IntoDiagnostic, WrapErr, miette};
use std::io::{IsTerminal, Read};
use std::process::ExitCode;
use std::time::Duration;

/// Leidraad checks clinical guidelines written as rules, for every possible
/// patient, and evaluates patient records against them.
#[derive(Debug, Parser)]
#[command(name = "leidraad", version, about, long_about = None)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
    /// When to colour human output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticFormat {
    /// Like a compiler: source line, underline, label, help.
    Human,
    /// One line per finding: `FILE:LINE:COLUMN: CODE SEVERITY: MESSAGE`.
    Short,
    /// One JSON object: format, version, summary and every diagnostic.
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub and others).
    Sarif,
    /// A GitLab Code Quality report.
    Gitlab,
    /// GitHub Actions annotations for errors and warnings, one per line.
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// A line per file and the failures, like `check`.
    Human,
    /// One JSON object: every case with its status.
    Json,
    /// JUnit XML, one test case per `case`.
    Junit,
    /// GitHub Actions annotations for the failed cases.
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ResultFormat {
    /// Each recommendation with its rule, source line and reasons.
    Human,
    /// One JSON object (see docs/language.md for its fields).
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check rule files and run their cases; report every problem found.
    Check {
        /// Rule files (`.leidraad`), or folders: every `.leidraad` file
        /// below a folder is checked, in name order.
        #[arg(required = true, value_name = "PATH")]
        files: Vec<String>,
        #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
        format: DiagnosticFormat,
        /// Make the findings of a code (`L309`) or group (`warnings`,
        /// `unused`, `incomplete`) fail the check; may be repeated. The
        /// more specific of `--deny` and `--allow` wins; a tie, deny.
        #[arg(long, value_name = "CODE|GROUP")]
        deny: Vec<String>,
        /// Report the findings of a code or group without failing the
        /// check, for example `--allow incomplete` (an analysis that
        /// stopped on its budget, a requirement not verified); errors
        /// cannot be allowed.
        #[arg(long, value_name = "CODE|GROUP")]
        allow: Vec<String>,
        /// Compare the guidelines checked together: where two give one
        /// patient clashing advice (L309).
        #[arg(long)]
        compare: bool,
        /// Show every note (each proved requirement) instead of a count.
        #[arg(long, short)]
        verbose: bool,
        /// The most decision-diagram nodes an analysis may use; past it the
        /// analysis reports what it could not decide (L306).
        #[arg(long, value_name = "NODES", default_value_t = AnalysisOptions::default().node_budget)]
        budget: usize,
        /// Check names, types and units only; skip the analyses.
        #[arg(long)]
        no_analyses: bool,
        /// Guidelines with more rules than this are not analysed (L306 says so).
        #[arg(long, value_name = "N", default_value_t = CheckOptions::default().max_rules)]
        max_rules: usize,
        /// The language of the example patients' advice in the findings
        /// (`en`, `nl`), over the guideline's `language`; the diagnostics
        /// themselves stay English.
        #[arg(long, value_name = "CODE", value_parser = lang_parser())]
        lang: Option<String>,
    },
    /// Ask the questions of a guideline one at a time in the terminal, only
    /// those that can still change the advice, and print the advice with
    /// its explanation (see docs/ask.md).
    Ask {
        /// The rule file.
        file: String,
        /// The language of the questions' words and the advice (`en`,
        /// `nl`), over the guideline's `language`.
        #[arg(long, value_name = "CODE", value_parser = lang_parser())]
        lang: Option<String>,
        #[command(flatten)]
        budgets: DiagramBudgets,
    },
    /// Evaluate patient records against a guideline.
    Eval {
        /// The rule file.
        file: String,
        /// A JSON patient record; `-` reads standard input.
        #[arg(long, conflicts_with = "batch", required_unless_present = "batch")]
        facts: Option<String>,
        /// A file with one JSON record per line; prints one JSON result per line.
        #[arg(long)]
        batch: Option<String>,
        /// How to write the result [default: human]; `--batch` writes JSON
        /// lines only.
        #[arg(long, value_enum)]
        format: Option<ResultFormat>,
        /// Evaluate rule by rule with the reference interpreter instead of
        /// the compiled decision diagram (the answers are the same; the
        /// interpreter needs every input a rule mentions).
        #[arg(long)]
        reference: bool,
        /// Read the record as partly answered: print the advice certain so
        /// far, the advice still possible and the questions whose answer
        /// can still change it (a field left out is not answered yet; its
        /// default is not assumed). See docs/ask.md.
        #[arg(long, conflicts_with_all = ["batch", "reference"])]
        partial: bool,
        /// Set aside record fields that are not inputs of the guideline
        /// (a wider record on purpose) instead of refusing the record; a
        /// field whose name is a near miss of an input's is still refused.
        #[arg(long)]
        ignore_unknown_fields: bool,
        /// How much of the explanation each `--batch` result carries:
        /// `full` (the default) as `--format json` gives it, `reasons` each
        /// recommendation with its rule and reasons and what was overruled,
        /// `none` the advice alone.
        #[arg(long, value_enum, requires = "batch", default_value_t = eval::ExplainMode::Full)]
        explain: eval::ExplainMode,
        /// Threads that evaluate a `--batch` [default: one per core]; `1`
        /// evaluates each line as it is read. The output keeps the order of
        /// the input either way.
        #[arg(long, value_name = "N", requires = "batch", value_parser = clap::value_parser!(u16).range(1..))]
        threads: Option<u16>,
        /// The language of the advice and its explanation (`en`, `nl`),
        /// over the guideline's `language`.
        #[arg(long, value_name = "CODE", value_parser = lang_parser())]
        lang: Option<String>,
        #[command(flatten)]
        budgets: DiagramBudgets,
    },
    /// Run the `case` vignettes in rule files (`check` runs them too).
    Test {
        /// The rule files whose cases to run, or folders holding them.
        #[arg(required = true, value_name = "PATH")]
        files: Vec<String>,
        #[arg(long, value_enum, default_value_t = TestFormat::Human)]
        format: TestFormat,
    },
    /// Compile a guideline to its decision diagram and write it out.
    Compile {
        /// The rule file.
        file: String,
        /// What to write.
        #[arg(long, value_enum, default_value_t = compile::Emit::Json)]
        emit: compile::Emit,
        /// The order in which the diagram asks for inputs.
        #[arg(long, value_enum, default_value_t = compile::Order::Auto)]
        order: compile::Order,
        /// Draw only the advice about this catalogue entry (dot, mermaid).
        #[arg(long, value_name = "ENTRY")]
        target: Option<String>,
        /// `--emit sql`: the engine the query is written for.
        #[arg(long, value_enum, default_value_t = compile::SqlDialect::Duckdb)]
        dialect: compile::SqlDialect,
        /// `--emit sql`: the table (or view, or `read_parquet('...')`) of
        /// records, one column per input.
        #[arg(long, value_name = "NAME", default_value = "records")]
        table: String,
        /// `--emit sql`: write `CREATE OR REPLACE VIEW NAME AS` the query.
        #[arg(long, value_name = "NAME")]
        view: Option<String>,
        /// `--emit sql`: a number column in another unit than its input's,
        /// converted exactly: `--unit creatinine=mg/dL` (repeat for several).
        #[arg(long = "unit", value_name = "COLUMN=UNIT")]
        units: Vec<String>,
        /// `--emit sql`: a column passed through before the inputs, such as
        /// the patient's key (repeat for several).
        #[arg(long = "key", value_name = "COLUMN")]
        keys: Vec<String>,
        /// The language of the flowcharts' words (`en`, `nl`), over the
        /// guideline's `language`.
        #[arg(long, value_name = "CODE", value_parser = lang_parser())]
        lang: Option<String>,
        #[command(flatten)]
        budgets: DiagramBudgets,
    },
    /// What a change to a guideline does to every patient: the groups of
    /// patients whose advice differs between OLD and NEW. Exit status 0:
    /// the same advice for every patient; 1: some differ; 2: usage or
    /// input error, or the diff ran out of its budget.
    Diff {
        /// The old version: a file, or `REV:PATH` read with `git show`.
        old: String,
        /// The new version: a file, or `REV:PATH`.
        new: String,
        #[arg(long, value_enum, default_value_t = diff::DiffFormat::Human)]
        format: diff::DiffFormat,
        /// An input or catalogue entry renamed: `--rename OLD_NAME=NEW_NAME`
        /// (repeat for several).
        #[arg(long = "rename", value_name = "OLD=NEW")]
        renames: Vec<String>,
        /// The most boxes of patients the diff may visit before it stops.
        #[arg(long, value_name = "N", default_value_t = leidraad::diff::DiffOptions::default().max_boxes)]
        max_boxes: usize,
        /// The longest the diff may take, in seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
        time_limit: f64,
    },
    /// Build a static review site: one HTML page per guideline (its
    /// questionnaire, rules as sentences, requirements, cases, findings and
    /// a flowchart per catalogue entry), an index page, and with `--diff`
    /// the groups of patients whose advice changed. See docs/review.md.
    Doc {
        /// Rule files, or folders (every `.leidraad` file below).
        #[arg(required = true, value_name = "PATH")]
        files: Vec<String>,
        /// The folder to write the pages to (made when absent; pages of the
        /// same name are replaced).
        #[arg(short = 'o', long = "out", value_name = "DIR")]
        out: String,
        /// An old version of the one FILE (a file, or `REV:PATH` read with
        /// `git show`): adds the page of the change.
        #[arg(long, value_name = "OLD")]
        diff: Option<String>,
        /// The most decision-diagram nodes an analysis may use.
        #[arg(long, value_name = "NODES", default_value_t = AnalysisOptions::default().node_budget)]
        budget: usize,
        /// The language of the pages (`en`, `nl`), over each guideline's
        /// `language`; the findings' messages stay English.
        #[arg(long, value_name = "CODE", value_parser = lang_parser())]
        lang: Option<String>,
        #[command(flatten)]
        budgets: DiagramBudgets,
    },
    /// Write rule files in the one layout (white space only; comments and
    /// labels kept). Exit status 0: formatted; 1: a file has syntax errors
    /// (left as it is), or would change under `--check`/`--diff`; 2: usage
    /// or I/O error.
    Fmt {
        /// Rule files, folders (every `.leidraad` file below), or `-` for
        /// standard input to standard output (the default).
        #[arg(value_name = "PATH")]
        files: Vec<String>,
        /// Write nothing; list the files that would change.
        #[arg(long)]
        check: bool,
        /// Write nothing; show what would change as a unified diff.
        #[arg(long)]
        diff: bool,
    },
    /// Run a guideline over a table of patient records on DuckDB and count
    /// the advice; with `--compare OLD`, the patients whose advice changes.
    /// Needs python3 with `pip install duckdb` (docs/sql.md). Exit status
    /// 0: counted (and no advice changed); 1: some advice changed; 2: usage
    /// or input error.
    Audit {
        /// The rule file (the new version with `--compare`).
        file: String,
        /// The records: a Parquet, CSV or JSON-lines file, or a DuckDB
        /// database (`.duckdb`, with `--table`); one column per input.
        #[arg(long, value_name = "TABLE")]
        data: String,
        /// The old version of the guideline, to compare with.
        #[arg(long, value_name = "OLD")]
        compare: Option<String>,
        /// The table in a DuckDB database.
        #[arg(long, value_name = "NAME", default_value = "records")]
        table: String,
        /// A number column in another unit than its input's:
        /// `--unit creatinine=mg/dL` (repeat for several).
        #[arg(long = "unit", value_name = "COLUMN=UNIT")]
        units: Vec<String>,
        /// With `--compare`: an input or catalogue entry renamed,
        /// `--rename OLD_NAME=NEW_NAME` (as for `leidraad diff`); the
        /// table's column has the new name.
        #[arg(long = "rename", value_name = "OLD=NEW")]
        renames: Vec<String>,
        /// Example rows shown per change.
        #[arg(long, value_name = "N", default_value_t = 3)]
        examples: usize,
        #[arg(long, value_enum, default_value_t = audit::AuditFormat::Human)]
        format: audit::AuditFormat,
    },
    /// Run the language server over standard input and output, for an
    /// editor (see docs/lsp.md). Exit status 0 after `shutdown` and
    /// `exit`, 1 when the editor went away without them.
    Lsp,
    /// Print the explanation of a diagnostic code, such as `L101`.
    Explain {
        /// A code (`L101`) or its name (`unknown-name`); `all` lists every code.
        code: String,
    },
}

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Nothing wrong.
    Clean,
    /// The command ran and found problems (errors, failed cases, bad records).
    Problems,
    /// The command could not run: bad usage or unreadable input.
    Usage,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        match status {
            Status::Clean => ExitCode::SUCCESS,
            Status::Problems => ExitCode::from(1),
            Status::Usage => ExitCode::from(2),
        }
    }
}

pub fn run(args: Args) -> miette::Result<Status> {
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    match args.command {
        Command::Check {
            files,
            format,
            deny,
            allow,
            compare,
            verbose,
            budget,
            no_analyses,
            max_rules,
            lang,
        } => {
            let options = CheckOptions {
                analyses: !no_analyses,
                compare,
                analysis: AnalysisOptions {
                    node_budget: budget,
                    ..AnalysisOptions::default()
                },
                max_rules,
                language: lang,
            };
            let gate = check::gate(&deny, &allow, no_analyses).map_err(|m| miette!("{m}"))?;
            let files = find_rule_files(&files)?;
            check::run(
                &files,
                &check::Output {
                    format,
                    verbose,
                    color,
                },
                &gate,
                &options,
            )
        }
        Command::Eval {
            file,
            facts,
            batch,
            format,
            reference,
            partial,
            ignore_unknown_fields,
            explain,
            threads,
            lang,
            budgets,
        } => eval::run(
            &file,
            lang.as_deref(),
            facts.as_deref(),
            batch.as_deref().map(|batch| {
                let options = eval::BatchOptions {
                    explain,
                    threads: threads.map(usize::from),
                };
                (batch, options)
            }),
            format,
            reference,
            partial,
            leidraad::model::record::ReadOptions {
                unknown_fields: if ignore_unknown_fields {
                    leidraad::model::record::UnknownFields::Ignore
                } else {
                    leidraad::model::record::UnknownFields::Refuse
                },
            },
            &budgets.options(),
            color,
        ),
        Command::Ask {
            file,
            lang,
            budgets,
        } => ask::run(&file, lang.as_deref(), &budgets.options(), color),
        Command::Test { files, format } => test::run(&find_rule_files(&files)?, format, color),
        Command::Compile {
            file,
            emit,
            order,
            target,
            dialect,
            table,
            view,
            units,
            keys,
            lang,
            budgets,
        } => compile::run(
            &file,
            lang.as_deref(),
            emit,
            order,
            target.as_deref(),
            &budgets.options(),
            &compile::SqlArgs {
                dialect,
                table,
                view,
                units,
                keys,
            },
            color,
        ),
        Command::Diff {
            old,
            new,
            format,
            renames,
            max_boxes,
            time_limit,
        } => diff::run(
            &old,
            &new,
            format,
            &renames,
            leidraad::diff::DiffOptions {
                renames: Vec::new(),
                max_boxes,
                time_limit: Some(Duration::try_from_secs_f64(time_limit).unwrap_or(Duration::MAX)),
            },
            color,
        ),
        Command::Doc {
            files,
            out,
            diff,
            budget,
            lang,
            budgets,
        } => doc::run(
            &files,
            &out,
            diff.as_deref(),
            &leidraad::doc::DocOptions {
                check: CheckOptions {
                    analysis: AnalysisOptions {
                        node_budget: budget,
                        ..AnalysisOptions::default()
                    },
                    language: lang,
                    ..CheckOptions::default()
                },
                compile: budgets.options(),
                diff: leidraad::diff::DiffOptions::default(),
            },
        ),
        Command::Fmt { files, check, diff } => fmt::run(&files, check, diff, color),
        Command::Lsp => lsp::run(),
        Command::Explain { code } => explain::run(&code),
        Command::Audit {
            file,
            data,
            compare,
            table,
            units,
            renames,
            examples,
            format,
        } => {
            let units = compile::SqlArgs {
                dialect: compile::SqlDialect::Duckdb,
                table: String::new(),
                view: None,
                units,
                keys: Vec::new(),
            }
            .options()?
            .units;
            audit::run(
                &file,
                &data,
                compare.as_deref(),
                &table,
                &units,
                &diff::parse_renames(&renames)?,
                examples,
                format,
                color,
            )
        }
    }
}

/// The budgets of building a decision diagram (`compile`, and `eval` for a
/// record that lacks inputs). A build that overruns one stops with a
/// message that names it.
#[derive(Clone, Copy, Debug, clap::Args)]
pub struct DiagramBudgets {
    /// The largest diagram built, in nodes and leaves.
    #[arg(long, value_name = "N", default_value_t = CompileOptions::default().max_nodes)]
    max_nodes: usize,
    /// The most memory building the diagram may take, in MiB (lower than
    /// the library's default, so that a command never takes the machine).
    #[arg(long, value_name = "MIB", default_value_t = 4096)]
    max_memory: usize,
    /// The longest building the diagram may take, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    time_limit: f64,
}

impl DiagramBudgets {
    pub fn options(&self) -> CompileOptions {
        CompileOptions {
            max_nodes: self.max_nodes,
            max_memory: self.max_memory.saturating_mul(1 << 20),
            time_limit: Some(
                std::time::Duration::try_from_secs_f64(self.time_limit).unwrap_or(Duration::MAX),
            ),
            ..CompileOptions::default()
        }
    }
}

/// The largest rule file or record file read; larger input is refused
/// rather than read half.
const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a file (or standard input for `-`) completely.
pub fn read_bytes(path: &str) -> miette::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if path == "-" {
        std::io::stdin()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .into_diagnostic()
            .wrap_err("could not read standard input")?;
    } else {
        let file = std::fs::File::open(path)
            .into_diagnostic()
            .wrap_err_with(|| format!("could not open `{path}`"))?;
        file.take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .into_diagnostic()
            .wrap_err_with(|| format!("could not read `{path}`"))?;
    }
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(miette!(
            "`{path}` is larger than {} MiB; split it into smaller files",
            MAX_INPUT_BYTES / 1024 / 1024
        ));
    }
    Ok(bytes)
}

/// The rule files that `paths` name: a file as it is, a folder as every
/// `.leidraad` file below it (hidden entries and links to folders are
/// passed by), sorted by name so that every run checks them in one order.
/// A folder with none is refused.
pub fn find_rule_files(paths: &[String]) -> miette::Result<Vec<String>> {
    fn walk(folder: &std::path::Path, found: &mut Vec<std::path::PathBuf>) -> miette::Result<()> {
        let entries = std::fs::read_dir(folder)
            .into_diagnostic()
            .wrap_err_with(|| format!("could not read the folder `{}`", folder.display()))?;
        let mut entries: Vec<_> = entries
            .collect::<Result<_, _>>()
            .into_diagnostic()
            .wrap_err_with(|| format!("could not read the folder `{}`", folder.display()))?;
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            let kind = entry.file_type().into_diagnostic()?;
            if kind.is_dir() {
                walk(&path, found)?;
            } else if path.extension().is_some_and(|e| e == "leidraad") && !kind.is_dir() {
                found.push(path);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    for path in paths {
        let as_path = std::path::Path::new(path);
        if path != "-" && as_path.is_dir() {
            let mut found = Vec::new();
            walk(as_path, &mut found)?;
            if found.is_empty() {
                return Err(miette!(
                    help = "a rule file's name ends in `.leidraad`",
                    "the folder `{path}` holds no rule files"
                ));
            }
            files.extend(found.into_iter().map(|p| p.to_string_lossy().into_owned()));
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// Loads rule files into `sources`, with a diagnostic for each file that is
/// not text, and the vocabularies they use (what could not be loaded is
/// reported by the check, at the `use`).
pub fn load_rule_files(
    paths: &[String],
) -> miette::Result<(Sources, Vec<FileId>, Vec<Diagnostic>, Uses)> {
    let mut sources = Sources::new();
    let mut ids = Vec::new();
    let mut problems = Vec::new();
    let mut loader = FolderLoader::default();
    for path in paths {
        let bytes = read_bytes(path)?;
        let (id, problem) = load(&mut sources, path, bytes);
        ids.push(id);
        problems.extend(problem);
        loader.add_root(id, path);
    }
    let uses = load_uses(&mut sources, &ids, &mut loader);
    Ok((sources, ids, problems, uses))
}

/// Reads the files that guidelines `use`, each from the folder of its root
/// guideline and never from outside it: a path that a link leads out of
/// the folder is refused, as is a folder or a file too large. The library
/// has refused absolute paths, addresses and `..` out of the folder
/// before asking.
#[derive(Default)]
struct FolderLoader {
    /// Each root's folder, as given and as the file system resolves it.
    roots: std::collections::HashMap<FileId, (std::path::PathBuf, Option<std::path::PathBuf>)>,
}

impl FolderLoader {
    fn add_root(&mut self, id: FileId, path: &str) {
        // Standard input's folder is the current one.
        let folder = match std::path::Path::new(path).parent() {
            Some(parent) if path != "-" => parent.to_path_buf(),
            _ => std::path::PathBuf::new(),
        };
        let on_disk = if folder.as_os_str().is_empty() {
            std::path::Path::new(".")
        } else {
            folder.as_path()
        };
        let canonical = std::fs::canonicalize(on_disk).ok();
        self.roots.insert(id, (folder, canonical));
    }
}

impl Loader for FolderLoader {
    fn load(&mut self, request: &Request<'_>) -> Loaded {
        let Some((folder, canonical_folder)) = self.roots.get(&request.root) else {
            return Loaded::Missing(
                "the guideline that uses it was not read from a file".to_owned(),
            );
        };
        let path = folder.join(request.path);
        let name = if folder.as_os_str().is_empty() {
            request.path.to_owned()
        } else {
            format!("{}/{}", folder.display(), request.path)
        };
        let canonical = match std::fs::canonicalize(&path) {
            Ok(canonical) => canonical,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Loaded::Missing(format!("there is no file `{name}`"));
            }
            Err(_) => return Loaded::Missing(format!("`{name}` could not be read")),
        };
        if !canonical_folder
            .as_ref()
            .is_some_and(|inside| canonical.starts_with(inside))
        {
            return Loaded::Refused(format!(
                "`{name}` is a link that leads out of the guideline's folder"
            ));
        }
        if !canonical.is_file() {
            return Loaded::Refused(format!("`{name}` is not a file"));
        }
        let mut bytes = Vec::new();
        let read = std::fs::File::open(&canonical)
            .and_then(|file| file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes));
        if read.is_err() {
            return Loaded::Missing(format!("`{name}` could not be read"));
        }
        if bytes.len() as u64 > MAX_INPUT_BYTES {
            return Loaded::Refused(format!(
                "`{name}` is larger than {} MiB",
                MAX_INPUT_BYTES / 1024 / 1024
            ));
        }
        Loaded::File { name, bytes }
    }
}

pub fn render_diagnostics(
    diagnostics: &[Diagnostic],
    sources: &Sources,
    format: DiagnosticFormat,
    color: bool,
) -> String {
    match format {
        DiagnosticFormat::Human => render::human(diagnostics, sources, color),
        DiagnosticFormat::Short => render::short(diagnostics, sources),
        DiagnosticFormat::Json => {
            let names = sources.iter().map(|(_, f)| f.name.clone()).collect();
            render::json(
                diagnostics,
                sources,
                &render::Summary::new(names, diagnostics),
            )
        }
        DiagnosticFormat::Sarif => render::sarif(diagnostics, sources),
        DiagnosticFormat::Gitlab => render::gitlab(diagnostics, sources),
        DiagnosticFormat::Github => render::github(diagnostics, sources),
    }
}

/// Writes to standard output. A closed pipe (`leidraad compile ... | head`)
/// ends the program quietly, as other command-line tools do; any other
/// write error is reported and ends it with status 2.
pub fn write_stdout(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        write_stderr(&format!("error: could not write the output: {error}\n"));
        std::process::exit(2);
    }
}

/// Writes to standard error, treated as standard output is: a closed pipe
/// drops the message quietly and the command goes on (its exit status
/// still tells the outcome); any other write error (`2>/dev/full`) ends it
/// with status 2, unreported, as there is nowhere left to report it.
pub fn write_stderr(text: &str) {
    use std::io::Write;
    let mut stderr = std::io::stderr().lock();
    if let Err(error) = stderr
        .write_all(text.as_bytes())
        .and_then(|()| stderr.flush())
    {
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            std::process::exit(2);
        }
    }
}

/// Reads one rule file for a command that needs an error-free guideline
/// (`eval`, `compile`): runs the front end only (proving is the business of
/// `check`), and on errors prints them and ends with advice to run `check`.
/// `doing` says what was not done, as in "so it is not compiled".
pub fn load_error_free(
    path: &str,
    doing: &str,
    color: bool,
) -> miette::Result<(Sources, leidraad::check::CheckedFile)> {
    load_error_free_in(path, doing, color, None)
}

/// [`load_error_free`] with the words of `language` (`--lang`) over the
/// guideline's `language`.
pub fn load_error_free_in(
    path: &str,
    doing: &str,
    color: bool,
    language: Option<&str>,
) -> miette::Result<(Sources, leidraad::check::CheckedFile)> {
    let (sources, files, mut problems, uses) = load_rule_files(&[path.to_owned()])?;
    let front_end = CheckOptions {
        analyses: false,
        language: language.map(str::to_owned),
        ..CheckOptions::default()
    };
    let mut result = leidraad::check::check_using(&sources, &uses, &files, &front_end);
    problems.append(&mut result.diagnostics);
    let has_errors = problems.iter().any(Diagnostic::is_error);
    match result.files.into_iter().next() {
        Some(checked) if checked.lowering.is_some() && !has_errors => Ok((sources, checked)),
        _ => {
            let errors: Vec<_> = problems.into_iter().filter(|d| d.is_error()).collect();
            eout!(
                "{}",
                render_diagnostics(&errors, &sources, DiagnosticFormat::Human, color)
            );
            Err(miette!(
                help = format!("run `leidraad check {path}` and fix the errors first"),
                "`{path}` has errors, {doing}"
            ))
        }
    }
}

/// `--lang CODE`: the codes of the words tables (`en`, `nl`).
fn lang_parser() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(leidraad::model::words::codes())
}

/// A count with its noun: `1 error`, `2 errors`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
