//! The pieces every page of the review site shares: escaping, the page
//! frame and its stylesheet. The words of the pages are in the words
//! tables (`model::words`, the `doc` block).

pub(crate) use crate::emit::xml_text as esc;

/// The stylesheet of every page: readable on screen, with a print style
/// that drops the navigation, keeps charts and tables whole where it can,
/// and prints link targets of line references as they are.
pub(crate) const STYLE: &str = r#"
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa;
  --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --question: #ddf4ff; --answer: #fff8c5; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 4rem; }
h1 { font-size: 1.8rem; margin: .5rem 0; }
h2 { font-size: 1.35rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; margin-top: 2.5rem; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .25rem; }
a { color: #0969da; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .95rem; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { background: var(--soft); }
tbody th { font-weight: 600; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0 1rem; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
nav.toc ol { columns: 2; padding-left: 1.25rem; }
.rule { border-left: 4px solid var(--line); padding: .25rem 0 .25rem .75rem; margin: 1rem 0; }
.rule p { margin: .25rem 0; }
.cite { color: var(--muted); font-style: italic; white-space: pre-wrap; margin: .25rem 0; }
.where { color: var(--muted); font-size: .9rem; }
.status { font-weight: 600; white-space: nowrap; }
.status.ok { color: var(--ok); }
.status.bad { color: var(--bad); }
.status.warn { color: var(--warn); }
.finding { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; margin: .5rem 0; }
.finding.error { border-left: 4px solid var(--bad); }
.finding.warning { border-left: 4px solid var(--warn); }
.finding.note { border-left: 4px solid var(--muted); }
.finding p { margin: .2rem 0; }
figure.chart { margin: 1rem 0 2rem; overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; padding: .5rem; }
figure.chart figcaption { font-weight: 600; margin-bottom: .5rem; }
svg.flowchart { max-width: none; height: auto; font: 13px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
svg.flowchart rect.question { fill: var(--question); stroke: #0969da; stroke-width: 1.5; }
svg.flowchart rect.answer { fill: var(--answer); stroke: #9a6700; stroke-width: 1.5; }
svg.flowchart rect.label { fill: #ffffff; stroke: none; }
svg.flowchart path.edge { fill: none; stroke: #57606a; stroke-width: 1.4; }
svg.flowchart path.head { fill: #57606a; }
svg.flowchart text { fill: var(--ink); }
svg.flowchart text.label { fill: #24292f; font-style: italic; }
pre.source { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: .5rem 0;
  overflow-x: auto; line-height: 1.4; }
pre.source .line { display: block; padding: 0 .75rem 0 0; }
pre.source .line:target { background: #fff8c5; }
pre.source a.ln { display: inline-block; width: 4.5em; padding-right: 1em; text-align: right; color: var(--muted);
  text-decoration: none; user-select: none; }
pre.witness { background: var(--soft); padding: .5rem; border-radius: 6px; overflow-x: auto; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav.toc, .crumb { display: none; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; }
  figure.chart, .rule, .finding, tr { break-inside: avoid; }
  figure.chart { overflow: visible; border: none; }
  svg.flowchart { max-width: 100%; }
  pre.source { white-space: pre-wrap; border: none; }
}
"#;

/// A whole page: the frame around `body`.
pub(crate) fn page(lang: &str, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"leidraad doc\">\n<link rel=\"icon\" href=\"data:,\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(lang),
        esc(title)
    )
}
