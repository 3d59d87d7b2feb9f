//! The house's layers point one way: no import cycle between the library's top-level modules.
//!
//! Each top-level module (`src/NAME.rs` or `src/NAME/`) imports others through `crate::OTHER` paths and
//! `use crate::{…}` groups — or through a name the crate root re-exports (`crate::PhoneNumber` is an import of
//! `number`). This test reads those references from whole sources (only items marked `#[cfg(test)]` left out)
//! and fails on any cycle, naming it, so that shared vocabulary moves down into a leaf module instead of an
//! arrow running back up.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The library's top-level modules and the files of each (the binary's `cli` and `main` are not the library).
fn modules(src: &Path) -> BTreeMap<String, Vec<PathBuf>> {
    let mut out: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if ["lib", "main", "cli"].contains(&name.as_str()) {
            continue;
        }
        let files = if path.is_dir() { rust_files(&path) } else { vec![path.clone()] };
        out.entry(name).or_default().extend(files);
    }
    out
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// Top-level modules a source text refers to: `crate::NAME` anywhere, and the first names of a
/// `use crate::{A, B::…}` group; a name the crate root re-exports (`crate::PhoneNumber`) counts as the module
/// that defines it (`known` maps every module to itself and every root re-export to its module).
fn references(text: &str, known: &BTreeMap<String, String>) -> BTreeSet<String> {
    references_through(text, "crate::", known)
}

/// [`references`] through paths that start with `prefix` (`crate::` in the library, `dialsim::` in the binary).
fn references_through(text: &str, prefix: &str, known: &BTreeMap<String, String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = text[from..].find(prefix) {
        let start = from + at + prefix.len();
        from = start;
        if bytes.get(start) == Some(&b'{') {
            let end = text[start..].find('}').map_or(text.len(), |e| start + e);
            let mut depth = 0;
            let mut item = String::new();
            for c in text[start + 1..end].chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.extend(first_segment(&item, known));
                        item.clear();
                    }
                    _ => item.push(c),
                }
            }
            out.extend(first_segment(&item, known));
        } else {
            let name: String = text[start..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if let Some(module) = known.get(&name) {
                out.insert(module.clone());
            }
        }
    }
    out
}

fn first_segment(item: &str, known: &BTreeMap<String, String>) -> Option<String> {
    let name: String = item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    known.get(&name).cloned()
}

/// The names `lib.rs` re-exports at the crate root (`pub use MODULE::{A, B};`, `pub use MODULE::A;`), each with
/// the module that defines it.
fn root_reexports(lib: &str, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let code = code_of(lib);
    let mut rest = code.as_str();
    while let Some(at) = rest.find("pub use ") {
        let stmt = &rest[at + "pub use ".len()..];
        let end = stmt.find(';').unwrap_or(stmt.len());
        let stmt = &stmt[..end];
        rest = &rest[at + "pub use ".len() + end..];
        let Some((module, names)) = stmt.split_once("::") else { continue };
        let module = module.trim();
        if !modules.contains(module) {
            continue;
        }
        for name in names.trim().trim_start_matches('{').trim_end_matches('}').split(',') {
            // `a::B` inside the group, or `B as C`: the name the root gives it.
            let name = name.trim();
            let alias = name.rsplit(" as ").next().unwrap_or(name).rsplit("::").next().unwrap_or(name).trim();
            if !alias.is_empty() {
                out.insert(alias.to_string(), module.to_string());
            }
        }
    }
    out
}

/// The code a module builds with: comments (doc links name modules without importing them) and the items
/// marked `#[cfg(test)]` (unit tests may use any module) left out — each such item alone, wherever it stands
/// and however it is indented, so the code after it is read.
fn code_of(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            // Skip the item: to the end of its braces, or to its `;` when it has none.
            let mut depth = 0i64;
            let mut opened = false;
            for l in lines.by_ref() {
                let l = l.split("//").next().unwrap_or("");
                depth += l.matches('{').count() as i64 - l.matches('}').count() as i64;
                opened |= l.contains('{');
                if (opened && depth <= 0) || (!opened && l.trim_end().ends_with(';')) {
                    break;
                }
            }
            continue;
        }
        if !t.starts_with("//") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// A cycle in `graph`, as the list of modules around it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_string(), 1);
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()).copied().unwrap_or(0) {
                1 => {
                    let at = path.iter().position(|n| n == next).unwrap();
                    let mut cycle = path[at..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(next, graph, state, path) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if state.get(node).copied().unwrap_or(0) == 0
            && let Some(c) = visit(node, graph, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

fn import_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src);
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    let mut known = root_reexports(&std::fs::read_to_string(src.join("lib.rs")).unwrap(), &names);
    known.extend(names.iter().map(|n| (n.clone(), n.clone())));
    modules
        .iter()
        .map(|(name, files)| {
            let mut refs = BTreeSet::new();
            for f in files {
                refs.extend(references(&code_of(&std::fs::read_to_string(f).unwrap()), &known));
            }
            refs.remove(name);
            (name.clone(), refs)
        })
        .collect()
}

#[test]
fn top_level_modules_import_one_way_without_cycles() {
    let graph = import_graph();
    assert!(graph.len() > 10, "the modules were found: {graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle between top-level modules: {}", cycle.join(" -> "));
    }
}

#[test]
fn the_cycle_finder_finds_a_planted_cycle() {
    let known: BTreeMap<String, String> = ["a", "b", "c"].iter().map(|s| (s.to_string(), s.to_string())).collect();
    let refs = references("use crate::{b::X, c};\nfn f() { crate::a::g() }", &known);
    assert_eq!(refs, BTreeSet::from(["a".to_string(), "b".to_string(), "c".to_string()]));
    let mut graph = BTreeMap::new();
    graph.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    graph.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
    graph.insert("c".to_string(), BTreeSet::new());
    assert_eq!(find_cycle(&graph), None);
    graph.get_mut("c").unwrap().insert("a".to_string());
    assert_eq!(find_cycle(&graph).unwrap(), ["a", "b", "c", "a"]);
}

#[test]
fn imports_through_root_reexports_and_code_after_a_test_item_are_seen() {
    let modules: BTreeSet<String> = ["plan", "number", "sim"].iter().map(|s| s.to_string()).collect();
    let lib = "pub use plan::{NumberType, Plan as P, kind::Kind};\npub use number::PhoneNumber;\n";
    let mut known = root_reexports(lib, &modules);
    assert_eq!(known.get("P").map(String::as_str), Some("plan"));
    assert_eq!(known.get("Kind").map(String::as_str), Some("plan"));
    assert_eq!(known.get("PhoneNumber").map(String::as_str), Some("number"));
    known.extend(modules.iter().map(|n| (n.clone(), n.clone())));
    let text = "fn a() -> crate::PhoneNumber { todo() }\n    #[cfg(test)]\n    fn helper() {\n        crate::sim::x();\n    }\nfn b(t: crate::NumberType) {}\n#[cfg(test)]\nuse crate::sim::Y;\n";
    let refs = references(&code_of(text), &known);
    assert_eq!(refs, BTreeSet::from(["number".to_string(), "plan".to_string()]), "{}", code_of(text));
}

/// The layers ARCHITECTURE.md gives each top-level module (the rows between its `layers` markers:
/// `| N name | module, module | … |`).
fn layers() -> BTreeMap<String, u32> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md")).unwrap();
    let begin = text.find("<!-- layers: begin -->").expect("ARCHITECTURE.md marks its layer table");
    let end = text.find("<!-- layers: end -->").expect("ARCHITECTURE.md ends its layer table");
    let mut out = BTreeMap::new();
    for row in text[begin..end].lines().filter(|l| l.starts_with("| ") && !l.starts_with("| layer")) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let Some(layer) = cells.get(1).and_then(|c| c.split_whitespace().next()).and_then(|n| n.parse().ok()) else {
            continue;
        };
        for module in cells[2].split(',').map(str::trim).filter(|m| !m.is_empty()) {
            assert!(out.insert(module.to_string(), layer).is_none(), "ARCHITECTURE.md gives {module} two layers");
        }
    }
    out
}

#[test]
fn every_module_imports_only_its_own_layer_or_those_below_as_architecture_md_says() {
    let graph = import_graph();
    let layers = layers();
    let mut wrong = Vec::new();
    for (module, imports) in &graph {
        let Some(&own) = layers.get(module) else {
            wrong.push(format!("{module} has no layer in ARCHITECTURE.md"));
            continue;
        };
        for import in imports {
            match layers.get(import) {
                Some(&l) if l > own => wrong.push(format!("{module} (layer {own}) imports {import} (layer {l})")),
                _ => {}
            }
        }
    }
    for module in layers.keys().filter(|m| !graph.contains_key(*m)) {
        wrong.push(format!("ARCHITECTURE.md names {module}, which is no top-level module"));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The library modules ARCHITECTURE.md lets the command line use (the rows between its `cli` markers): the
/// jobs, and what the binary still reaches past them, each row saying why.
fn cli_may_use() -> BTreeSet<String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md")).unwrap();
    let begin = text.find("<!-- cli: begin -->").expect("ARCHITECTURE.md marks what the command line may use");
    let end = text.find("<!-- cli: end -->").expect("ARCHITECTURE.md ends what the command line may use");
    text[begin..end]
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| module"))
        .filter_map(|row| row.split('|').nth(1).map(|m| m.trim().trim_matches('`').to_string()))
        .collect()
}

/// The library modules the command line (`src/cli/`, `src/main.rs`) reaches through `dialsim::` paths, root
/// re-exports resolved to their modules.
fn cli_uses() -> BTreeSet<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src);
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    let mut known = root_reexports(&std::fs::read_to_string(src.join("lib.rs")).unwrap(), &names);
    known.extend(names.iter().map(|n| (n.clone(), n.clone())));
    let mut files = rust_files(&src.join("cli"));
    files.push(src.join("main.rs"));
    let mut out = BTreeSet::new();
    for f in files {
        out.extend(references_through(&code_of(&std::fs::read_to_string(f).unwrap()), "dialsim::", &known));
    }
    out
}

#[test]
fn the_command_line_reaches_only_the_library_modules_architecture_md_lets_it() {
    let (uses, may) = (cli_uses(), cli_may_use());
    assert!(uses.contains("jobs"), "the command line was read: {uses:?}");
    let past: Vec<&String> = uses.difference(&may).collect();
    assert!(past.is_empty(), "the command line uses {past:?}, which ARCHITECTURE.md does not let it: go through a job");
    // The list only shrinks: a module the command line no longer uses leaves it.
    let stale: Vec<&String> = may.difference(&uses).collect();
    assert!(stale.is_empty(), "ARCHITECTURE.md lets the command line use {stale:?}, which it no longer does");
}

#[test]
fn a_library_path_in_the_command_line_is_seen_through_groups_and_reexports() {
    let modules: BTreeSet<String> = ["jobs", "plan", "sim"].iter().map(|s| s.to_string()).collect();
    let mut known = root_reexports("pub use plan::Plan;\n", &modules);
    known.extend(modules.iter().map(|n| (n.clone(), n.clone())));
    let text = "use dialsim::{Plan, jobs::ListJob};\nfn f() { dialsim::sim::run() }\n";
    let refs = references_through(text, "dialsim::", &known);
    assert_eq!(refs, BTreeSet::from(["jobs".to_string(), "plan".to_string(), "sim".to_string()]));
}

#[test]
fn no_source_file_passes_six_hundred_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut long = Vec::new();
    for dir in ["src", "tests", "benches", "examples"] {
        for f in rust_files(&root.join(dir)) {
            let lines = std::fs::read_to_string(&f).unwrap().lines().count();
            if lines > 600 {
                long.push(format!("{} ({lines} lines)", f.strip_prefix(root).unwrap().display()));
            }
        }
    }
    assert!(rust_files(&root.join("src")).len() > 100, "the sources were found");
    assert!(long.is_empty(), "split these (STYLE.md: files of a few hundred lines): {}", long.join(", "));
}
