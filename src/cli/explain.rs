//! `leidraad explain CODE`

use super::Status;
use leidraad::diagnostics::Code;
use leidraad::diagnostics::suggest::did_you_mean;
use miette::miette;

pub fn run(code: &str) -> miette::Result<Status> {
    if code.eq_ignore_ascii_case("all") {
        for c in Code::ALL {
            let info = c.info();
            outln!(
                "{}  {:<26} {:<8} {}",
                info.code,
                info.name,
                info.severity.as_str(),
                info.summary
            );
        }
        return Ok(Status::Clean);
    }
    match Code::lookup(code) {
        Some(c) => {
            out!("{}", c.info().explanation);
            Ok(Status::Clean)
        }
        None => {
            let candidates = Code::ALL
                .iter()
                .flat_map(|c| [c.info().code, c.info().name]);
            let hint = did_you_mean(code, candidates)
                .map_or(String::new(), |s| format!("; did you mean `{s}`?"));
            Err(miette!(
                help = "`leidraad explain all` lists every code",
                "there is no diagnostic code `{code}`{hint}"
            ))
        }
    }
}
