//! The `leidraad` command: parses arguments, runs a command, maps the result
//! to an exit status (0 clean, 1 problems found, 2 usage or I/O problem).

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match cli::run(args) {
        Ok(status) => status.into(),
        Err(report) => {
            cli::write_stderr(&format!("{report:?}\n"));
            cli::Status::Usage.into()
        }
    }
}
