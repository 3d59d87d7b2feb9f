//! The library's public surface: every public item has exactly one public path, and the engine's internals
//! have none.
//!
//! The test reads the module tree from `src/lib.rs` down (`mod` and `pub mod` declarations), the items each module
//! defines with `pub`, and every `pub use`. An item is reachable at `M::NAME` when it is `pub` in a module `M`
//! whose every ancestor is a `pub mod`, and at `R::ALIAS` for every `pub use` of it in a publicly reachable
//! module `R` (re-exports of re-exports are followed to the item). rustfmt puts every top-level item of a file at
//! column 0, which is what the reader relies on (CI checks `cargo fmt`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One module of the tree: its files' top-level declarations.
#[derive(Debug, Default)]
struct Module {
    /// Whether this module and all its ancestors are `pub mod`.
    public: bool,
    /// Items defined here with `pub` or `pub(crate)`: name → whether plain `pub`.
    items: BTreeMap<String, bool>,
    /// `pub use` entries: alias → (target path segments, counts as public).
    uses: Vec<(String, Vec<String>, bool)>,
}

/// The module tree, by path (`""` is the crate root, `"sim::engine"` a nested module).
type Tree = BTreeMap<String, Module>;

/// The source text a file declares items with: top-level code only, comments and the closing unit tests cut.
fn code_of(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with("#[cfg(test)]") {
            break;
        }
        if !line.trim_start().starts_with("//") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The name after `pub` and an item keyword at the start of `line`, if it declares a public item.
fn public_item(line: &str) -> Option<String> {
    let rest = line.strip_prefix("pub ")?;
    let mut words = rest.split_whitespace();
    let mut word = words.next()?;
    while ["const", "unsafe", "async", "extern"].contains(&word) {
        let next = words.next()?;
        if word == "const" && !["fn", "unsafe", "async", "extern"].contains(&next) {
            // `pub const NAME: …`
            return Some(ident(next));
        }
        word = next;
    }
    match word {
        "struct" | "enum" | "trait" | "fn" | "type" | "static" | "union" => Some(ident(words.next()?)),
        _ => None,
    }
}

fn ident(s: &str) -> String {
    s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
}

/// The leaves of a use tree: `a::{B, c::D as E}` → `[(["a","B"], "B"), (["a","c","D"], "E")]`.
fn use_leaves(tree: &str) -> Vec<(Vec<String>, String)> {
    fn split_top(s: &str) -> Vec<String> {
        let (mut parts, mut depth, mut cur) = (Vec::new(), 0, String::new());
        for c in s.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(std::mem::take(&mut cur));
                    continue;
                }
                _ => {}
            }
            cur.push(c);
        }
        parts.push(cur);
        parts.into_iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect()
    }
    fn walk(prefix: &[String], s: &str, out: &mut Vec<(Vec<String>, String)>) {
        if let Some(open) = s.find('{') {
            let head: Vec<String> =
                s[..open].split("::").map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect();
            let mut base = prefix.to_vec();
            base.extend(head);
            let inner = &s[open + 1..s.rfind('}').expect("a closed use group")];
            for part in split_top(inner) {
                walk(&base, &part, out);
            }
            return;
        }
        let (path, alias) = match s.split_once(" as ") {
            Some((p, a)) => (p.trim(), Some(a.trim().to_string())),
            None => (s.trim(), None),
        };
        let mut segs = prefix.to_vec();
        segs.extend(path.split("::").map(|p| p.trim().to_string()));
        let alias = alias.unwrap_or_else(|| segs.last().unwrap().clone());
        out.push((segs, alias));
    }
    let mut out = Vec::new();
    walk(&[], tree, &mut out);
    out
}

/// Reads the module tree from `files` (path → text), starting at `root` (the crate's `lib.rs`).
fn read_tree(files: &BTreeMap<PathBuf, String>, root: &Path) -> Tree {
    let mut tree = Tree::new();
    let mut todo = vec![(String::new(), root.to_path_buf(), true)];
    while let Some((path, file, public)) = todo.pop() {
        let text = code_of(&files[&file]);
        let dir = match file.file_name().and_then(|n| n.to_str()) {
            Some("lib.rs" | "mod.rs") => file.parent().unwrap().to_path_buf(),
            _ => file.with_extension(""),
        };
        let mut module = Module { public, ..Module::default() };
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let (is_pub, rest) = if let Some(r) = line.strip_prefix("pub ") {
                (true, r)
            } else if let Some(r) = line.strip_prefix("pub(crate) ") {
                (false, r)
            } else {
                (false, line)
            };
            if let Some(name) = rest.strip_prefix("mod ").and_then(|r| r.strip_suffix(';')) {
                let child = if path.is_empty() { name.to_string() } else { format!("{path}::{name}") };
                let flat = dir.join(format!("{name}.rs"));
                let nested = dir.join(name).join("mod.rs");
                let found = if files.contains_key(&flat) { flat } else { nested };
                assert!(files.contains_key(&found), "module {child}: no file {}", found.display());
                todo.push((child, found, public && is_pub));
            } else if let Some(r) = rest.strip_prefix("use ") {
                let mut stmt = r.to_string();
                while !stmt.trim_end().ends_with(';') {
                    stmt.push_str(lines.next().expect("a use statement ends with ;"));
                }
                let counts = is_pub && line.starts_with("pub ");
                for (segs, alias) in use_leaves(stmt.trim_end().trim_end_matches(';')) {
                    module.uses.push((alias, segs, counts));
                }
            } else if let Some(name) = public_item(&format!("pub {rest}")) {
                module.items.insert(name, line.starts_with("pub "));
            }
        }
        tree.insert(path, module);
    }
    tree
}

/// The module a use path's leading segments name, seen from module `at` (`None` for an external crate).
fn resolve_module(tree: &Tree, at: &str, segs: &[String]) -> Option<String> {
    let mut cur: Vec<String> = if at.is_empty() { Vec::new() } else { at.split("::").map(String::from).collect() };
    for (i, seg) in segs.iter().enumerate() {
        match seg.as_str() {
            "crate" if i == 0 => cur.clear(),
            "self" if i == 0 => {}
            "super" => {
                cur.pop();
            }
            name => {
                cur.push(name.to_string());
                if !tree.contains_key(&cur.join("::")) {
                    return None;
                }
            }
        }
    }
    Some(cur.join("::"))
}

/// The item (defining module, name) that `name` in module `at` stands for, following `pub use` chains.
fn original(tree: &Tree, at: &str, name: &str, depth: usize) -> Option<(String, String)> {
    assert!(depth < 16, "a use chain loops at {at}::{name}");
    let module = tree.get(at)?;
    if module.items.contains_key(name) {
        return Some((at.to_string(), name.to_string()));
    }
    let (_, segs, _) = module.uses.iter().find(|(alias, _, _)| alias == name)?;
    let target = resolve_module(tree, at, &segs[..segs.len() - 1])?;
    original(tree, &target, segs.last().unwrap(), depth + 1)
}

/// Every public path of every item of the crate, by the item (defining module, name).
fn public_paths(tree: &Tree) -> BTreeMap<(String, String), BTreeSet<String>> {
    let join = |m: &str, n: &str| if m.is_empty() { format!("dialsim::{n}") } else { format!("dialsim::{m}::{n}") };
    let mut paths: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for (at, module) in tree {
        for (item, is_pub) in &module.items {
            let entry = paths.entry((at.clone(), item.clone())).or_default();
            if module.public && *is_pub {
                entry.insert(join(at, item));
            }
        }
    }
    for (at, module) in tree {
        for (alias, _, counts) in &module.uses {
            if !(*counts && module.public) {
                continue;
            }
            if let Some(item) = original(tree, at, alias, 0) {
                paths.entry(item).or_default().insert(join(at, alias));
            }
        }
    }
    paths
}

fn crate_files() -> BTreeMap<PathBuf, String> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.insert(path.clone(), std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out
}

fn crate_paths() -> BTreeMap<(String, String), BTreeSet<String>> {
    let files = crate_files();
    let tree = read_tree(&files, &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"));
    assert!(tree.len() > 40, "the module tree was read: {} modules", tree.len());
    public_paths(&tree)
}

#[test]
fn every_public_item_has_one_public_path_besides_the_jobs_facade() {
    let paths = crate_paths();
    let public = paths.values().filter(|p| !p.is_empty()).count();
    assert!(public > 100, "the public items were found: {public}");
    // `jobs` is the front end's whole API (ARCHITECTURE.md): besides the jobs it re-exports the request and
    // result types they take and give, so an item may have its home path and one path under `jobs`, no more.
    let doubles: Vec<String> = paths
        .iter()
        .filter(|(_, p)| {
            let facade = p.iter().filter(|p| p.starts_with("dialsim::jobs::")).count();
            facade > 1 || p.len() - facade > 1
        })
        .map(|((m, n), p)| format!("{m}::{n} at {}", p.iter().cloned().collect::<Vec<_>>().join(", ")))
        .collect();
    assert!(doubles.is_empty(), "{} items have more than one public path:\n{}", doubles.len(), doubles.join("\n"));
}

#[test]
fn the_engines_internals_are_not_public() {
    let paths = crate_paths();
    let internal = ["EventQueue", "uniform", "sample", "FreshLeads", "LANES", "ROUNDS", "days_from_civil"];
    let leaks: Vec<String> = paths
        .iter()
        .filter(|((_, n), p)| internal.contains(&n.as_str()) && !p.is_empty())
        .map(|((m, n), p)| format!("{m}::{n} at {p:?}"))
        .collect();
    let seen: BTreeSet<&str> = paths.keys().map(|(_, n)| n.as_str()).filter(|n| internal.contains(n)).collect();
    assert_eq!(seen.len(), internal.len(), "every internal item was found in the sources: {seen:?}");
    assert!(leaks.is_empty(), "internals reachable from outside the crate:\n{}", leaks.join("\n"));
    // The simulator's draw purposes are pinned inside the crate; the scenario's `Purpose` is the only public one.
    let purposes: Vec<_> = paths.iter().filter(|((_, n), p)| n == "Purpose" && !p.is_empty()).collect();
    assert_eq!(purposes.len(), 1, "one public type named Purpose: {purposes:?}");
}

#[test]
fn the_reader_finds_a_planted_second_path() {
    let file = |p: &str, t: &str| (PathBuf::from(p), t.to_string());
    let mut files: BTreeMap<PathBuf, String> = [
        file("/c/lib.rs", "pub mod a;\nmod b;\npub use b::Inner as Renamed;\n"),
        file("/c/a/mod.rs", "mod deep;\npub use deep::{Thing, f};\npub(crate) use deep::Hidden;\n"),
        file("/c/a/deep.rs", "pub struct Thing;\npub fn f() {}\npub struct Hidden;\n    pub fn method() {}\n"),
        file("/c/b.rs", "pub struct Inner;\npub const N: u32 = 1;\n"),
    ]
    .into_iter()
    .collect();
    let paths = public_paths(&read_tree(&files, Path::new("/c/lib.rs")));
    let of = |m: &str, n: &str| paths[&(m.to_string(), n.to_string())].iter().cloned().collect::<Vec<_>>();
    assert_eq!(of("a::deep", "Thing"), ["dialsim::a::Thing"]);
    assert_eq!(of("a::deep", "f"), ["dialsim::a::f"]);
    assert!(of("a::deep", "Hidden").is_empty());
    assert_eq!(of("b", "Inner"), ["dialsim::Renamed"]);
    assert!(of("b", "N").is_empty());
    assert!(!paths.contains_key(&("a::deep".to_string(), "method".to_string())), "methods are not items");
    // A root re-export of an item a public module already exports: two paths.
    files.insert(PathBuf::from("/c/lib.rs"), "pub mod a;\nmod b;\npub use a::Thing;\n".to_string());
    let paths = public_paths(&read_tree(&files, Path::new("/c/lib.rs")));
    assert_eq!(paths[&("a::deep".to_string(), "Thing".to_string())].len(), 2);
}
