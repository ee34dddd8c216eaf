//! `leidraad explain CODE`

use super::Status;
use leidraad::diagnostics::suggest::did_you_mean;
use leidraad::diagnostics::{Code, GROUPS, Group};
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
        outln!("");
        outln!("groups, for `check --deny` and `--allow` (`leidraad explain GROUP` lists one):");
        for group in GROUPS {
            outln!("{:<12} {}", group.name, group.summary);
        }
        return Ok(Status::Clean);
    }
    if let Some(group) = Group::lookup(code) {
        outln!("# group `{}`: {}", group.name, group.summary);
        outln!("");
        for c in group.codes() {
            let info = c.info();
            outln!("{}  {:<26} {}", info.code, info.name, info.summary);
        }
        outln!("");
        outln!(
            "`leidraad check --deny {0}` makes these fail the check, `--allow {0}` not; the more specific flag wins (a code beats a group, a smaller group a larger one), and on a tie deny.",
            group.name
        );
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
                .flat_map(|c| [c.info().code, c.info().name])
                .chain(GROUPS.iter().map(|g| g.name));
            let hint = did_you_mean(code, candidates)
                .map_or(String::new(), |s| format!("; did you mean `{s}`?"));
            Err(miette!(
                help = "`leidraad explain all` lists every code",
                "there is no diagnostic code `{code}`{hint}"
            ))
        }
    }
}
