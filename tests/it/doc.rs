//! `leidraad doc`: the review site. The page of a small guideline is
//! snapshotted (its body: the stylesheet is the same on every page), labels
//! that look like markup are shown as text, the same input gives the same
//! bytes in two runs (two processes, so two hash seeds), and the site of
//! the bundled guidelines shows every rule, requirement and chart.

use crate::support;
use std::path::{Path, PathBuf};

/// Runs `leidraad doc ARGS -o DIR` into a fresh folder and returns it.
fn doc(name: &str, args: &[&str]) -> PathBuf {
    let out = std::env::temp_dir().join(format!("leidraad-doc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let mut command = support::leidraad(["doc"]);
    command.args(args).arg("-o").arg(&out);
    let ran = support::run(command);
    assert_eq!(ran.status, 0, "{}: {}", ran.what, ran.stderr_lossy());
    out
}

fn read(folder: &Path, page: &str) -> String {
    std::fs::read_to_string(folder.join(page)).unwrap()
}

/// The part of a page between `<body>` and `</body>`.
fn body(page: &str) -> &str {
    let start = page.find("<body>").unwrap();
    let end = page.rfind("</body>").unwrap();
    &page[start..end]
}

#[test]
fn the_page_of_a_small_guideline() {
    let out = doc("small", &["tests/fixtures/doc/small.leidraad"]);
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // One file: its page and no index.
    assert_eq!(names, vec!["small.html".to_owned()]);
    let page = read(&out, "small.html");
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(page.contains("@media print"), "a print stylesheet");
    assert!(!page.contains("<script"), "no JavaScript is needed");
    insta::assert_snapshot!(body(&page));
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn labels_are_text_never_markup() {
    let out = doc("hostile", &["tests/fixtures/doc/hostile.leidraad"]);
    let page = read(&out, "hostile.html");
    // No element the guideline wrote: every `<` of a label is escaped.
    for tag in ["<script", "<img", "<b>", "<i>", "<svg onload", "</title><"] {
        assert!(!page.contains(tag), "`{tag}` got through:\n{page}");
    }
    for shown in [
        "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; &quot;Co&quot;",
        "Age &lt;script&gt;alert(1)&lt;/script&gt;",
        "Flag &amp; &quot;quoted&quot; &#39;single&#39;",
        "Scan &lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;",
        "source: &lt;script&gt;alert(3)&lt;/script&gt; &amp; &quot;cite&quot;",
        "Rule &lt;i&gt;italic&lt;/i&gt; &amp; co",
        "Require &lt;svg onload=alert(4)&gt;",
        "Case &lt;script&gt;alert(5)&lt;/script&gt;",
        "&lt;img src=x onerror=alert(1)&gt; &amp; friends",
    ] {
        assert!(page.contains(shown), "`{shown}` is not shown as text");
    }
    // In the chart too: its title, its description and its boxes.
    let chart = &page[page.find("<svg").unwrap()..page.find("</svg>").unwrap()];
    assert!(chart.contains("<title id=\"chart-0-title\">Flowchart: Scan &lt;/title&gt;"));
    assert!(chart.contains("Flag &amp; &quot;quoted&quot;"));
    // Every `&` starts a character reference.
    for (at, _) in page.match_indices('&') {
        let rest = &page[at..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                .iter()
                .any(|r| rest.starts_with(r)),
            "a bare `&` at {at}: {}",
            &rest[..rest.len().min(40)]
        );
    }
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let first = doc("same-1", &["guidelines"]);
    let second = doc("same-2", &["guidelines"]);
    let mut pages: Vec<String> = std::fs::read_dir(&first)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert!(pages.contains(&"index.html".to_owned()), "{pages:?}");
    for page in &pages {
        let (a, b) = (
            std::fs::read(first.join(page)).unwrap(),
            std::fs::read(second.join(page)).unwrap(),
        );
        assert!(a == b, "{page} differs between two runs");
    }
    let _ = std::fs::remove_dir_all(&first);
    let _ = std::fs::remove_dir_all(&second);
}

#[test]
fn the_change_page_shows_the_groups_of_the_diff() {
    let out = doc(
        "diff",
        &[
            "tests/fixtures/diff/new.leidraad",
            "--diff",
            "tests/fixtures/diff/old.leidraad",
        ],
    );
    let page = read(&out, "diff.html");
    let mut command = support::leidraad([
        "diff",
        "tests/fixtures/diff/old.leidraad",
        "tests/fixtures/diff/new.leidraad",
        "--format",
        "json",
    ]);
    command.env("NO_COLOR", "1");
    let ran = support::run(command);
    let json: serde_json::Value = serde_json::from_slice(&ran.stdout).unwrap();
    let groups = json["groups"].as_array().unwrap().len();
    assert!(groups > 0);
    assert!(page.contains(&format!("data-groups=\"{groups}\"")));
    assert_eq!(page.matches("<section class=\"group\"").count(), groups);
    assert!(read(&out, "index.html").contains("href=\"diff.html\""));
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn diff_takes_one_file() {
    let mut command = support::leidraad([
        "doc",
        "guidelines",
        "--diff",
        "tests/fixtures/diff/old.leidraad",
        "-o",
    ]);
    command.arg(std::env::temp_dir().join("leidraad-doc-never"));
    let ran = support::run(command);
    assert_eq!(ran.status, 2);
    assert!(ran.stderr_lossy().contains("compares one guideline"));
}
