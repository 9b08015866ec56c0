//! The server's layout is its architecture (README, Layout): imports only
//! run downwards — `server` over `http` over `realtime` (and `smtp`) over `services`
//! over `jobs`, and what they all share below — and no two files import
//! each other, directly or round a loop. A change that breaks either fails
//! here, naming the import.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

/// For each top-level module, the modules of this crate it may import.
const ALLOWED: &[(&str, &[&str])] = &[
    ("server", &["http", "realtime", "smtp", "services", "jobs", "access", "bus", "state", "error", "config", "metrics", "tokens", "passwords"]),
    ("http", &["http", "realtime", "services", "jobs", "access", "bus", "state", "error", "config", "metrics", "tokens", "passwords"]),
    ("smtp", &["smtp", "services", "jobs", "bus", "state", "error", "config", "metrics", "tokens"]),
    ("realtime", &["realtime", "services", "jobs", "access", "bus", "state", "error", "config", "metrics", "tokens"]),
    ("services", &["services", "jobs", "access", "bus", "state", "error", "config", "metrics", "tokens", "passwords"]),
    ("jobs", &["jobs", "bus", "state", "error", "config", "metrics"]),
    ("state", &["access", "bus", "config", "jobs", "metrics", "tokens"]),
    ("access", &["config", "error"]),
    ("bus", &[]),
    ("error", &[]),
    ("config", &[]),
    ("metrics", &[]),
    ("tokens", &[]),
    ("passwords", &[]),
    ("lib", &[]),
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a source file: `http/auth.rs` → `http::auth`, `jobs/mod.rs` → `jobs`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// Every `crate::a::b…` path a file names (in `use` trees too), without the
/// item at its end: the modules it imports. Test code (`#[cfg(test)]` and
/// below) is left out.
fn imports(text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let text = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        // The path (with a `{…}` group flattened to each of its branches).
        let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':' || c == '{' || c == '}' || c == ',' || c.is_whitespace())).unwrap_or(rest.len());
        for path in flatten(&rest[..end]) {
            // The longest prefix of the path that is one of the crate's modules.
            let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
            if let Some(module) = (1..=segments.len()).rev().map(|n| segments[..n].join("::")).find(|m| modules.contains(m)) {
                found.insert(module);
            }
        }
    }
    found
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn flatten(tree: &str) -> Vec<String> {
    let tree = tree.trim().trim_end_matches(',');
    let Some(open) = tree.find('{') else { return vec![tree.split_whitespace().collect()] };
    let prefix = &tree[..open];
    let mut depth = 0;
    let (mut start, mut out) = (open + 1, Vec::new());
    // Byte offsets from `open` on (the paths are ASCII, but `find` gives bytes).
    for (i, c) in tree[open..].char_indices().map(|(i, c)| (i + open, c)) {
        match c {
            '{' => depth += 1,
            '}' | ',' if depth == 1 => {
                let branch = tree[start..i].trim();
                if !branch.is_empty() {
                    out.extend(flatten(branch).into_iter().map(|b| format!("{prefix}{b}")));
                }
                start = i + 1;
                if c == '}' {
                    depth -= 1;
                }
            }
            '}' => depth -= 1,
            _ => {}
        }
        if depth == 0 && c == '}' {
            break;
        }
    }
    out
}

#[test]
fn imports_only_run_downwards_and_no_files_import_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&src, f)).collect();
    let graph: BTreeMap<String, BTreeSet<String>> = files
        .iter()
        .map(|f| {
            let module = module_of(&src, f);
            let mut deps = imports(&std::fs::read_to_string(f).unwrap(), &modules);
            deps.remove(&module);
            (module, deps)
        })
        .collect();
    assert!(graph["http::auth"].contains("access"), "the scanner sees imports: {:?}", graph["http::auth"]);

    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut wrong = Vec::new();
    for (module, deps) in &graph {
        let top = module.split("::").next().unwrap();
        let may = allowed.get(top).unwrap_or_else(|| panic!("module {top} has no place in the layout: add it to ALLOWED and the README"));
        for dep in deps {
            if !may.contains(&dep.split("::").next().unwrap()) {
                wrong.push(format!("{module} imports {dep}"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layout:\n{}", wrong.join("\n"));

    // No loops between files: a depth-first walk finds no way back.
    fn visit<'a>(m: &'a str, graph: &'a BTreeMap<String, BTreeSet<String>>, path: &mut Vec<&'a str>, done: &mut BTreeSet<&'a str>) {
        if let Some(at) = path.iter().position(|p| *p == m) {
            panic!("import loop: {} -> {m}", path[at..].join(" -> "));
        }
        if !done.insert(m) {
            return;
        }
        path.push(m);
        for dep in graph.get(m).into_iter().flatten() {
            visit(dep, graph, path, done);
        }
        path.pop();
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        visit(module, &graph, &mut Vec::new(), &mut done);
    }
}

#[test]
fn use_trees_are_read_branch_by_branch() {
    assert_eq!(flatten("a::{b, c::{d, e}}"), ["a::b", "a::c::d", "a::c::e"]);
    assert_eq!(flatten("{\n    bus::Bus,\n    error::{ApiError, ApiResult},\n}"), ["bus::Bus", "error::ApiError", "error::ApiResult"]);
    assert_eq!(flatten("state::SharedState"), ["state::SharedState"]);
}
