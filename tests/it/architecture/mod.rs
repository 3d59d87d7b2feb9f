//! The house's layers point one way: no import cycle between the library's modules, and no import up the layers
//! ARCHITECTURE.md gives them.
//!
//! The crate root holds `lib.rs`, `main.rs` and one folder per top-level module (`src/NAME/`). A module imports
//! others through `crate::OTHER` paths, `use crate::{…}` groups and `super::` paths that leave it — or through a
//! name the crate root re-exports (`crate::PhoneNumber` is an import of `plan`). This test reads those references
//! from whole sources (only items marked `#[cfg(test)]` left out) and fails on any cycle, naming it, so that
//! shared vocabulary moves down into a leaf module instead of an arrow running back up. A folder that gathers
//! leaves ([`GATHERED`]: `foundation`) is one module to the layer table, and each of its modules
//! (`foundation::error`, `foundation::clock`, …) is also a node of its own, so they too import one another
//! without a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub(crate) use crate::common::rust_files;

mod flags;

/// Top-level folders that gather modules standing side by side, each a node of the import graph of its own;
/// their `mod.rs` declares modules and nothing else (a test checks it), so every path into them names one.
const GATHERED: &[&str] = &["foundation"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The library's modules and the files of each: the top-level modules (the binary's `cli` and `main` are not the
/// library), a folder of `gathered` counted as its modules (`foundation::error`) instead.
fn modules(src: &Path, gathered: &[&str]) -> BTreeMap<String, Vec<PathBuf>> {
    let mut out: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if ["lib", "main", "cli"].contains(&name.as_str()) {
            continue;
        }
        if path.is_dir() && gathered.contains(&name.as_str()) {
            for child in std::fs::read_dir(&path).unwrap() {
                let child = child.unwrap().path();
                let stem = child.file_stem().unwrap().to_string_lossy().into_owned();
                if stem != "mod" {
                    let files = if child.is_dir() { rust_files(&child) } else { vec![child.clone()] };
                    out.entry(format!("{name}::{stem}")).or_default().extend(files);
                }
            }
            continue;
        }
        let files = if path.is_dir() { rust_files(&path) } else { vec![path.clone()] };
        out.entry(name).or_default().extend(files);
    }
    out
}

/// The top-level module a node belongs to (`foundation::error` → `foundation`).
fn top(node: &str) -> &str {
    node.split("::").next().unwrap()
}

/// Modules a source text refers to: `crate::NAME` anywhere, and the first names of a `use crate::{A, B::…}`
/// group; a name the crate root re-exports (`crate::PhoneNumber`) counts as the module that defines it (`known`
/// maps every module to itself and every root re-export to its module). A path into a gathered folder is read
/// one name further (`crate::foundation::{text, error::Error}` names `foundation::text` and
/// `foundation::error`) when `known` has its modules.
fn references(text: &str, known: &BTreeMap<String, String>) -> BTreeSet<String> {
    references_through(text, "crate::", known)
}

/// [`references`] through paths that start with `prefix` (`crate::` in the library, `dialsim::` in the binary).
fn references_through(text: &str, prefix: &str, known: &BTreeMap<String, String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut from = 0;
    while let Some(at) = text[from..].find(prefix) {
        let start = from + at + prefix.len();
        if !text[..from + at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            path_references(&text[start..], "", known, &mut out);
        }
        from = start;
    }
    out
}

/// The modules named by the path that `rest` starts with, read below module `base` (`""`: the crate root): its
/// first name, or the first names of the items of a `{…}` group, each read one name further inside a module
/// whose modules `known` holds.
fn path_references(rest: &str, base: &str, known: &BTreeMap<String, String>, out: &mut BTreeSet<String>) {
    if let Some(group) = rest.strip_prefix('{') {
        let (mut depth, mut item) = (0, 0);
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' | ',' if depth == 0 => {
                    path_references(group[item..i].trim_start(), base, known, out);
                    if c == '}' {
                        return;
                    }
                    item = i + 1;
                }
                '}' => depth -= 1,
                _ => {}
            }
        }
        return;
    }
    let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    if name.is_empty() {
        return;
    }
    let full = if base.is_empty() { name.clone() } else { format!("{base}::{name}") };
    let inside = format!("{full}::");
    match rest[name.len()..].strip_prefix("::") {
        Some(after) if known.keys().any(|k| k.starts_with(&inside)) => path_references(after, &full, known, out),
        _ => out.extend(known.get(&full).cloned()),
    }
}

/// The names `lib.rs` re-exports at the crate root (`pub use MODULE::{A, B};`, `pub use MODULE::a::A;`), each with
/// the module of `modules` that defines it (the longest that starts the path).
fn root_reexports(lib: &str, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let code = code_of(lib);
    let mut rest = code.as_str();
    while let Some(at) = rest.find("pub use ") {
        let stmt = &rest[at + "pub use ".len()..];
        let end = stmt.find(';').unwrap_or(stmt.len());
        let stmt = stmt[..end].trim();
        rest = &rest[at + "pub use ".len() + end..];
        let Some(module) = modules.iter().filter(|m| stmt.starts_with(&format!("{m}::"))).max_by_key(|m| m.len())
        else {
            continue;
        };
        let names = &stmt[module.len() + 2..];
        let names = names.split_once('{').map_or(names, |(_, group)| group).trim_end_matches('}');
        for name in names.split(',') {
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

/// Every module of `modules` by its own name, and every name the crate root re-exports by its module.
fn known_names(src: &Path, modules: &BTreeMap<String, Vec<PathBuf>>) -> BTreeMap<String, String> {
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    let mut known = root_reexports(&std::fs::read_to_string(src.join("lib.rs")).unwrap(), &names);
    known.extend(names.iter().map(|n| (n.clone(), n.clone())));
    known
}

/// The module path of a source file under `src` (`sim/engine/mod.rs` → `sim::engine`).
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut segs: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
    if segs.last().is_some_and(|s| s == "mod") {
        segs.pop();
    }
    segs
}

/// `code` of module `at` with every `super::` path made a `crate::` path (`super::super::plan` in
/// `foundation::open` is `crate::plan`), so that the one reader of `crate::` paths sees both. An inline module's
/// `super` is taken for its file's: the inline modules that use it are unit tests, which are not read.
fn absolute(code: &str, at: &[String]) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(i) = rest.find("super::") {
        out.push_str(&rest[..i]);
        if rest[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
            out.push_str("super::");
            rest = &rest[i + "super::".len()..];
            continue;
        }
        let mut path = &rest[i..];
        let mut up = 0;
        while let Some(r) = path.strip_prefix("super::") {
            (up, path) = (up + 1, r);
        }
        out.push_str("crate::");
        for seg in &at[..at.len().saturating_sub(up)] {
            out.push_str(seg);
            out.push_str("::");
        }
        rest = path;
    }
    out.push_str(rest);
    out
}

/// The code a module builds with: comments (doc links name modules without importing them) and the items
/// marked `#[cfg(test)]` (unit tests may use any module) left out — each such item alone, wherever it stands
/// and however it is indented, so the code after it is read. A line left out stays as an empty line, so the
/// code's line numbers are the file's.
fn code_of(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            // Skip the item: to the end of its braces, or to its `;` when it has none.
            let mut depth = 0i64;
            let mut opened = false;
            out.push('\n');
            for l in lines.by_ref() {
                out.push('\n');
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
        }
        out.push('\n');
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

/// The import graph of the library's modules (a folder of `gathered` counted as its modules).
fn import_graph(gathered: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let src = src();
    let modules = modules(&src, gathered);
    let known = known_names(&src, &modules);
    modules
        .iter()
        .map(|(name, files)| {
            let mut refs = BTreeSet::new();
            for f in files {
                let code = absolute(&code_of(&std::fs::read_to_string(f).unwrap()), &module_path(&src, f));
                refs.extend(references(&code, &known));
            }
            refs.remove(name);
            (name.clone(), refs)
        })
        .collect()
}

#[test]
fn modules_import_one_way_without_cycles_between_top_level_modules_nor_a_gathered_folders() {
    let graph = import_graph(&[]);
    assert!(graph.len() > 10 && graph.contains_key("foundation"), "the modules were found: {graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle between top-level modules: {}", cycle.join(" -> "));
    }
    let graph = import_graph(GATHERED);
    assert!(graph.contains_key("foundation::error") && !graph.contains_key("foundation"), "{graph:?}");
    assert!(graph["foundation::open"].contains("foundation::error"), "imports inside foundation were read");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle between modules: {}", cycle.join(" -> "));
    }
}

#[test]
fn the_crate_root_holds_lib_main_and_folders_only() {
    let mut loose = Vec::new();
    for entry in std::fs::read_dir(src()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !path.is_dir() && name != "lib.rs" && name != "main.rs" {
            loose.push(name);
        }
    }
    assert!(loose.is_empty(), "move {loose:?} into the folder of its layer (ARCHITECTURE.md)");
}

#[test]
fn a_gathered_folder_declares_its_modules_and_nothing_else() {
    let is_declaration = |l: &str| {
        let l = l.strip_prefix("pub ").or_else(|| l.strip_prefix("pub(crate) ")).unwrap_or(l);
        let name = l.strip_prefix("mod ").and_then(|r| r.strip_suffix(';'));
        name.is_some_and(|n| n.chars().all(|c| c.is_alphanumeric() || c == '_'))
    };
    for folder in GATHERED {
        let code = code_of(&std::fs::read_to_string(src().join(folder).join("mod.rs")).unwrap());
        let lines: Vec<&str> = code.lines().filter(|l| !l.trim().is_empty()).collect();
        let other: Vec<&&str> = lines.iter().filter(|l| !is_declaration(l)).collect();
        assert!(lines.len() > 1, "{folder}/mod.rs was read");
        assert!(other.is_empty(), "{folder}/mod.rs declares its modules and nothing else, not {other:?}");
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

#[test]
fn imports_into_a_gathered_folder_and_through_super_are_seen_module_by_module() {
    let modules: BTreeSet<String> =
        ["foundation::error", "foundation::text", "plan", "sim"].iter().map(|s| s.to_string()).collect();
    let mut known = root_reexports("pub use foundation::error::{Error, Result};\npub use plan::Plan;\n", &modules);
    assert_eq!(known.get("Result").map(String::as_str), Some("foundation::error"));
    known.extend(modules.iter().map(|n| (n.clone(), n.clone())));
    let set = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    let text =
        "use crate::{foundation::{text, error::Error}, Plan};\nfn f() -> crate::Result<()> { crate::sim::g() }\n";
    assert_eq!(references(text, &known), set(&["foundation::error", "foundation::text", "plan", "sim"]));
    // In `foundation::open`, `super::` is `crate::foundation::` and `super::super::` the crate root.
    let at = ["foundation".to_string(), "open".to_string()];
    let code = absolute("use super::text::csv_cell;\nfn f() { super::super::sim::g(); self::super::x(); }\n", &at);
    assert_eq!(references(&code, &known), set(&["foundation::text", "sim"]), "{code}");
    assert_eq!(module_path(Path::new("/s"), Path::new("/s/sim/engine/mod.rs")), ["sim", "engine"]);
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
    let graph = import_graph(GATHERED);
    let layers = layers();
    let mut wrong = Vec::new();
    for (module, imports) in &graph {
        let Some(&own) = layers.get(top(module)) else {
            wrong.push(format!("{module} has no layer in ARCHITECTURE.md"));
            continue;
        };
        for import in imports {
            match layers.get(top(import)) {
                Some(&l) if l > own => wrong.push(format!("{module} (layer {own}) imports {import} (layer {l})")),
                _ => {}
            }
        }
    }
    let tops: BTreeSet<&str> = graph.keys().map(|m| top(m)).collect();
    for module in layers.keys().filter(|m| !tops.contains(m.as_str())) {
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
/// re-exports resolved to their modules, a gathered folder's one by one (`foundation::text`).
fn cli_uses() -> BTreeSet<String> {
    let src = src();
    let known = known_names(&src, &modules(&src, GATHERED));
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
    assert!(uses.contains("jobs") && uses.contains("foundation::error"), "the command line was read: {uses:?}");
    let past: Vec<&String> = uses.difference(&may).collect();
    assert!(past.is_empty(), "the command line uses {past:?}, which ARCHITECTURE.md does not let it: go through a job");
    // The list only shrinks: a module the command line no longer uses leaves it.
    let stale: Vec<&String> = may.difference(&uses).collect();
    assert!(stale.is_empty(), "ARCHITECTURE.md lets the command line use {stale:?}, which it no longer does");
}

/// The command line only parses and prints: it imports nothing from the library but `jobs` (the jobs, the
/// request and result types they take and give, the front end's helpers) and the error types it maps to exit
/// codes. Whatever ARCHITECTURE.md's table says, no other module may come back.
#[test]
fn the_command_line_imports_only_jobs_and_the_error_types() {
    let uses = cli_uses();
    let past: Vec<&String> = uses.iter().filter(|m| !["jobs", "foundation::error"].contains(&m.as_str())).collect();
    assert!(past.is_empty(), "the command line reaches {past:?} past the jobs: make it a job, or a job's type");
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

/// The HTML report and the `--plot` charts take results still in memory as they are (typed), never by writing
/// one of the exports and parsing the bytes back: `report/html/` and `report/plot.rs` call no export's
/// `to_bytes` and name none of the file formats.
#[test]
fn the_report_builds_sections_from_typed_results_not_from_its_own_files() {
    let dir = src().join("report/html");
    let mut found = Vec::new();
    // tests.rs (a `#[cfg(test)]` module) checks that both ways give the same sections.
    let files = rust_files(&dir).into_iter().chain([src().join("report/plot.rs")]);
    for f in files.filter(|f| !f.ends_with("tests.rs")) {
        let code = code_of(&std::fs::read_to_string(&f).unwrap());
        for (i, line) in code.lines().enumerate() {
            let writes = ["to_bytes(", "SummaryJson", "IntervalsCsv", "SweepCsv", "FrontierCsv", "CompareCsv"];
            if writes.iter().any(|w| line.contains(w)) {
                found.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(rust_files(&dir).len() >= 5, "the report's files were found");
    assert!(found.is_empty(), "the report writes and re-reads its own files:\n{}", found.join("\n"));
}

/// A list of KPIs a view shows by default (the report's headline, a sweep's charts, what a ranking shows beside
/// its KPI, what the abandonment limit bounds) is kept in the registry (`sim/kpi.rs`), not in the view: an array
/// of two or more KPI names and nothing else appears nowhere else in the library (a file's column names, which
/// include others, are no such list). The lines of the run table's layout (`Line::Kpis(&[...])`) are the one
/// exception: together they place every KPI of the registry (its unit tests check that none is missed).
#[test]
fn lists_of_kpis_live_in_the_registry_only() {
    let kpis: BTreeSet<&str> = dialsim::sim::kpi::names().collect();
    let array = regex::Regex::new(r#"\[\s*(?:"[a-z0-9_]+"\s*,\s*)+"[a-z0-9_]+"\s*,?\s*\]"#).unwrap();
    let literal = regex::Regex::new(r#""([a-z0-9_]+)""#).unwrap();
    let mut found = Vec::new();
    for f in rust_files(&src()) {
        let rel = f.strip_prefix(src()).unwrap().to_string_lossy().replace('\\', "/");
        if rel == "sim/kpi.rs" || rel.ends_with("tests.rs") {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(&f).unwrap());
        for m in array.find_iter(&code) {
            if rel == "report/export/table.rs" && code[..m.start()].ends_with("Line::Kpis(&") {
                continue;
            }
            let names: Vec<String> = literal.captures_iter(m.as_str()).map(|c| c[1].to_string()).collect();
            if names.len() >= 2 && names.iter().all(|n| kpis.contains(n.as_str())) {
                found.push(format!("{rel}: {}", m.as_str().split_whitespace().collect::<Vec<_>>().join(" ")));
            }
        }
    }
    assert!(kpis.len() > 30, "the registry's KPIs were read");
    assert!(found.is_empty(), "lists of KPIs outside the registry:\n{}", found.join("\n"));
}

/// The command line reaches the library through `jobs` only, so what `jobs` re-exports is what it may use: no
/// output format (`Export`, `Table`, `SummaryJson`, `AuditJson`, `CompareCsv`, ...) is among them. A job's
/// result writes itself in the form the front end asks for (`SimulateDone::write_to`, `AuditDone::write_json`,
/// `CompareJob::write_to`); the front end picks the form and the stream.
#[test]
fn the_jobs_hand_the_command_line_no_output_format() {
    let reexport = regex::Regex::new(r"pub use crate::report::(\{[^}]*\}|[A-Za-z_]+)").unwrap();
    let mut names: Vec<String> = Vec::new();
    // Every file of `jobs`: a submodule's `pub use` reaches the command line through the module's own.
    let files = rust_files(&src().join("jobs"));
    assert!(files.iter().any(|f| f.ends_with("jobs/mod.rs")), "the jobs' files were found");
    for f in files {
        let code = code_of(&std::fs::read_to_string(&f).unwrap()).replace('\n', " ");
        for c in reexport.captures_iter(&code) {
            names.extend(c[1].trim_matches(|ch| ch == '{' || ch == '}').split(',').map(|n| n.trim().to_string()));
        }
    }
    names.retain(|n| !n.is_empty());
    assert_eq!(names, ["Report"], "jobs re-exports parts of the report beyond the report job's content type");
}

/// One implementation per idea: each of these functions is defined once in the library (the others call it).
#[test]
fn an_idea_is_implemented_once() {
    for name in ["edit_distance", "easter_sunday", "public_holidays"] {
        let defined: Vec<String> = rust_files(&src())
            .into_iter()
            .filter(|f| code_of(&std::fs::read_to_string(f).unwrap()).contains(&format!("fn {name}(")))
            .map(|f| f.strip_prefix(src()).unwrap().display().to_string())
            .collect();
        assert_eq!(defined.len(), 1, "fn {name} is defined in {defined:?}");
    }
}
