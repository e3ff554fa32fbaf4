//! The layout rules of `crates/app/src` (README, "Architecture"), read from the source files:
//! no import cycle of more than three files (AppState aside), no area importing `http/`,
//! `platform/` importing no area, `web/` importing no area but `auth/`, and no SQL outside the areas' query modules and `platform/`.

use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::path::Path;
use std::path::PathBuf;

/// Folders of plumbing; every other folder under src/ is an area.
const PLUMBING: &[&str] = &["platform", "web", "http"];

/// Files allowed to hold SQL besides `platform/`: each area's `queries.rs`, and the measured
/// fast path of Tugas Saya in its own file.
fn may_hold_sql(rel: &str) -> bool {
    rel.starts_with("platform/") || rel.ends_with("/queries.rs") || rel == "desks/tasks_sql.rs"
}

struct Source {
    /// Path relative to src/, e.g. `desks/actions.rs`.
    rel: String,
    /// The module path of the file, e.g. `["desks", "actions"]` (`mod.rs` is its folder).
    module: Vec<String>,
    /// The file's text without `#[cfg(test)]` modules (tests may reach anywhere).
    text: String,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn read_sources() -> Vec<Source> {
    let root = src_dir();
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src dir readable") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path
                .strip_prefix(&root)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            let mut module: Vec<String> = rel.trim_end_matches(".rs").split('/').map(str::to_owned).collect();
            if module.last().is_some_and(|m| m == "mod" || m == "lib") {
                module.pop();
            }
            let text = without_comments(&without_test_modules(
                &std::fs::read_to_string(&path).expect("source readable"),
            ));
            out.push(Source { rel, module, text });
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// Cuts every `#[cfg(test)]` item (to its closing brace) out of a file's text.
fn without_test_modules(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let Some(open) = after.find('{') else {
            return out;
        };
        let mut depth = 0usize;
        let mut end = after.len();
        for (i, c) in after[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Drops comment lines: a doc link names a module without depending on it.
fn without_comments(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident_at(s: &str) -> &str {
    let end = s.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(s.len());
    &s[..end]
}

/// The module paths a file refers to: `crate::a::b::C` gives `[a, b, C]`, `crate::{a, b}` gives
/// `[a]` and `[b]`, `super::x::Y` is resolved against the file's own module.
fn referenced_paths(src: &Source) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (prefix, base) in [("crate::", Vec::new()), ("super::", parent_of(&src.module))] {
        let mut rest = src.text.as_str();
        while let Some(at) = rest.find(prefix) {
            let before_ok = at == 0 || !rest[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':');
            rest = &rest[at + prefix.len()..];
            if !before_ok {
                continue;
            }
            if let Some(group) = rest.strip_prefix('{') {
                let close = group.find('}').unwrap_or(group.len());
                for part in group[..close].split(',') {
                    let name = ident_at(part.trim());
                    if !name.is_empty() {
                        out.push(base.iter().cloned().chain([name.to_owned()]).collect());
                    }
                }
                continue;
            }
            let mut path = base.clone();
            let mut cursor = rest;
            loop {
                let name = ident_at(cursor);
                if name.is_empty() {
                    break;
                }
                path.push(name.to_owned());
                cursor = &cursor[name.len()..];
                match cursor.strip_prefix("::") {
                    Some(next) if !next.starts_with('{') => cursor = next,
                    _ => break,
                }
            }
            if !path.is_empty() {
                out.push(path);
            }
        }
    }
    out
}

fn parent_of(module: &[String]) -> Vec<String> {
    module[..module.len().saturating_sub(1)].to_vec()
}

/// The file a module path lands in: the longest prefix of the path that is a file's module.
fn file_of<'a>(path: &[String], by_module: &BTreeMap<Vec<String>, &'a str>) -> Option<&'a str> {
    (1..=path.len()).rev().find_map(|n| by_module.get(&path[..n]).copied())
}

/// Import edges between files (AppState's `state.rs` left out: every handler takes it).
fn import_graph(sources: &[Source]) -> BTreeMap<String, BTreeSet<String>> {
    let by_module: BTreeMap<Vec<String>, &str> = sources.iter().map(|s| (s.module.clone(), s.rel.as_str())).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for src in sources.iter().filter(|s| s.rel != "state.rs") {
        let edges = graph.entry(src.rel.clone()).or_default();
        for path in referenced_paths(src) {
            if let Some(target) = file_of(&path, &by_module)
                && target != src.rel
                && target != "state.rs"
            {
                edges.insert(target.to_owned());
            }
        }
    }
    graph
}

/// Strongly connected components (Tarjan), the ones with more than one file.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        on_stack: BTreeSet<&'g str>,
        stack: Vec<&'g str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(w: &mut Walk<'g>, v: &'g str) {
        let n = w.index.len();
        w.index.insert(v, n);
        w.low.insert(v, n);
        w.stack.push(v);
        w.on_stack.insert(v);
        for u in w.graph.get(v).into_iter().flatten() {
            let u = u.as_str();
            if !w.index.contains_key(u) {
                visit(w, u);
                let low = w.low[v].min(w.low[u]);
                w.low.insert(v, low);
            } else if w.on_stack.contains(u) {
                let low = w.low[v].min(w.index[u]);
                w.low.insert(v, low);
            }
        }
        if w.low[v] == w.index[v] {
            let mut component = Vec::new();
            while let Some(u) = w.stack.pop() {
                w.on_stack.remove(u);
                component.push(u.to_owned());
                if u == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                w.found.push(component);
            }
        }
    }
    let mut w = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        on_stack: BTreeSet::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !w.index.contains_key(v.as_str()) {
            visit(&mut w, v);
        }
    }
    w.found
}

fn area_of(rel: &str) -> Option<&str> {
    let (top, _) = rel.split_once('/')?;
    (!PLUMBING.contains(&top)).then_some(top)
}

#[test]
fn no_import_cycle_spans_more_than_three_files() {
    let graph = import_graph(&read_sources());
    let big: Vec<Vec<String>> = cycles(&graph).into_iter().filter(|c| c.len() > 3).collect();
    assert!(big.is_empty(), "import cycles of more than three files: {big:#?}");
}

#[test]
fn no_area_imports_http_and_platform_imports_no_area() {
    let sources = read_sources();
    let graph = import_graph(&sources);
    let mut wrong = Vec::new();
    for (from, targets) in &graph {
        for to in targets {
            if area_of(from).is_some() && to.starts_with("http/") {
                wrong.push(format!("{from} imports {to}"));
            }
            if from.starts_with("platform/") && area_of(to).is_some() {
                wrong.push(format!("{from} imports {to}"));
            }
            // The extractors resolve sessions and officers, so `web/` may read `auth/`, nothing else.
            if from.starts_with("web/") && area_of(to).is_some_and(|a| a != "auth") {
                wrong.push(format!("{from} imports {to}"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layout: {wrong:#?}");
}

#[test]
fn sql_lives_only_in_query_modules_and_platform() {
    let calls = [
        "sqlx::query(",
        "sqlx::query_as",
        "sqlx::query_scalar",
        "query_with(",
        "sqlx::raw_sql",
    ];
    let offenders: Vec<String> = read_sources()
        .into_iter()
        .filter(|s| !may_hold_sql(&s.rel) && calls.iter().any(|c| s.text.contains(c)))
        .map(|s| s.rel)
        .collect();
    assert!(
        offenders.is_empty(),
        "SQL outside the query modules and platform/: {offenders:#?}"
    );
}

#[test]
fn the_cycle_finder_sees_a_cycle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (a, b) in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")] {
        graph.entry(a.into()).or_default().insert(b.into());
        graph.entry(b.into()).or_default();
    }
    assert_eq!(
        cycles(&graph),
        vec![vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]]
    );
}
