//! The scenario key table (src/scenario/schema/) against the serde structs, in both directions, and what
//! reads it: range checks, `dialsim keys` (text, `--json`, `--markdown` = docs/keys.md, `keys SCENARIO`),
//! "did you mean" for `--set`/`--vary`, and the shell completions of keys and values.

use std::collections::BTreeSet;
use std::process::Command;

use crate::common::{dialsim, ok_stdout};
use dialsim::{KeyKind, Scenario, ScenarioKey, scenario_key, scenario_keys};

/// A pattern's name made concrete: `<type>` → mobile, `<number_type>` → mobile, `<digits>` → 601.
fn concrete(name: &str) -> String {
    name.replace("<type>", "mobile").replace("<number_type>", "mobile").replace("<digits>", "601")
}

/// Scenario text setting dotted `path` (concrete, `[]` for an array of tables) to TOML `value`.
fn text_setting(path: &str, value: &str) -> String {
    if let Some((array, field)) = path.split_once("[].") {
        // A register entry needs all three of its keys.
        let rest = if array == "compliance.registers" {
            ["name = \"tps\"", "path = \"tps.csv\"", "date = \"2026-01-01\""]
                .into_iter()
                .filter(|l| !l.starts_with(field))
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            String::new()
        };
        return format!("[[{array}]]\n{field} = {value}\n{rest}\n");
    }
    let parts: Vec<&str> = path.split('.').collect();
    let (last, parents) = parts.split_last().unwrap();
    let quoted: Vec<String> = parents
        .iter()
        .map(|p| if p.bytes().all(|b| b.is_ascii_digit()) { format!("\"{p}\"") } else { p.to_string() })
        .collect();
    if parents.is_empty() {
        format!("{last} = {value}\n")
    } else {
        format!("[{}]\n{last} = {value}\n", quoted.join("."))
    }
}

/// The distribution key a field belongs to (`agents.talk` of `agents.talk.cv`).
fn dist_parent(k: &ScenarioKey) -> Option<String> {
    let (parent, _) = k.name.rsplit_once('.')?;
    scenario_key(&concrete(parent)).filter(|p| p.kind == KeyKind::Distribution).map(|_| concrete(parent))
}

/// Scenario text giving key `k` the value `v` (a distribution field inside a distribution of its kind).
fn text_for(k: &ScenarioKey, v: &str) -> String {
    let path = concrete(&k.name);
    match (dist_parent(k), path.rsplit('.').next()) {
        (Some(parent), Some("mean")) => text_setting(&parent, &format!("{{ dist = \"exponential\", mean = {v} }}")),
        (Some(parent), Some("cv")) => {
            text_setting(&parent, &format!("{{ dist = \"lognormal\", mean = 10.0, cv = {v} }}"))
        }
        (Some(parent), Some("value")) => text_setting(&parent, &format!("{{ dist = \"fixed\", value = {v} }}")),
        (Some(parent), Some("dist")) => {
            let fields = match v.trim_matches('"') {
                "fixed" => "value = 1.0",
                "lognormal" => "mean = 10.0, cv = 0.5",
                _ => "mean = 10.0",
            };
            text_setting(&parent, &format!("{{ dist = {v}, {fields} }}"))
        }
        // One element given: the 24 hours of a curve.
        _ if k.kind == KeyKind::NumberList && !v.starts_with('[') => {
            text_setting(&path, &format!("[{}]", vec![v; 24].join(", ")))
        }
        _ => text_setting(&path, v),
    }
}

/// The keys serde accepts in the table at `header` (`""`: the top level; `[[x]]` for an array of tables; a
/// distribution given as `agents.talk=lognormal`), read from its refusal of an unknown key.
fn accepted(header: &str) -> Vec<String> {
    let text = match header.split_once('=') {
        Some((path, dist)) => text_setting(path, &format!("{{ dist = \"{dist}\", zz_probe = 1 }}")),
        None if header.is_empty() => "zz_probe = 1\n".to_string(),
        None if header.starts_with("[[") => format!("{header}\nzz_probe = 1\n"),
        None => format!("[{header}]\nzz_probe = 1\n"),
    };
    let err = Scenario::parse("probe.toml", &text, &[]).unwrap_err().to_string();
    let list = err.split_once("(the keys here: ").unwrap_or_else(|| panic!("{header}: {err}")).1;
    list.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

#[test]
fn every_key_the_parser_accepts_is_in_the_key_table() {
    // Every table of the scenario: the top level and each prefix of a key's name (made concrete).
    let mut tables: BTreeSet<String> = BTreeSet::from([String::new()]);
    for k in scenario_keys() {
        let parts: Vec<&str> = k.name.split('.').collect();
        for n in 1..parts.len() {
            tables.insert(parts[..n].join("."));
        }
    }
    let mut probed = 0;
    for table in &tables {
        let row = scenario_key(&concrete(table));
        if row.is_some_and(|r| r.kind == KeyKind::NumberTable) || tables.contains(&format!("{table}.<digits>")) {
            continue; // a table of any names (numbers.mix, population.prefix): each is a pattern's row
        }
        let headers: Vec<String> = match row.map(|r| r.kind) {
            Some(KeyKind::Distribution) => {
                ["exponential", "lognormal", "fixed"].iter().map(|d| format!("{}={d}", concrete(table))).collect()
            }
            _ => match table.strip_suffix("[]") {
                Some(array) => vec![format!("[[{array}]]")],
                None => vec![
                    concrete(table)
                        .split('.')
                        .map(|p| if p == "601" { "\"601\"".into() } else { p.to_string() })
                        .collect::<Vec<_>>()
                        .join("."),
                ],
            },
        };
        for header in headers {
            for field in accepted(&header) {
                let name = if table.is_empty() { field.clone() } else { format!("{}.{field}", concrete(table)) };
                let settable = dialsim::settable_keys();
                let section = tables.iter().any(|t| concrete(t) == name || concrete(t) == format!("{name}[]"))
                    || settable.iter().any(|(n, _)| n.starts_with(&format!("{name}.")));
                assert!(
                    scenario_key(&name).is_some() || section,
                    "the scenario accepts {name} (in {header:?}), which the key table lacks"
                );
                probed += 1;
            }
        }
    }
    assert!(probed > 150, "only {probed} keys probed");
}

#[test]
fn every_key_of_the_table_is_accepted_with_its_example_value() {
    for k in scenario_keys() {
        if matches!(k.kind, KeyKind::TableList) {
            continue; // its entries' keys are rows of their own
        }
        let value = k
            .example_value()
            .or_else(|| k.absent_value())
            .or_else(|| k.min.map(|b| b.value.to_string()))
            .or_else(|| {
                k.allowed().first().map(|a| if k.kind == KeyKind::Integer { a.to_string() } else { format!("\"{a}\"") })
            })
            .unwrap_or_else(|| panic!("{} has no default, example, bound or allowed value", k.name));
        let text = merge(&format!("{}{}", context(&concrete(&k.name)), text_for(k, &value)));
        if let Err(e) = Scenario::parse("keys.toml", &text, &[]) {
            panic!("{}: the table's value {value} is refused: {e}\n{text}", k.name);
        }
    }
}

/// Context some values need: a list-assisted frame or banks' population needs known numbers, rate mode a rate.
fn context(key: &str) -> &'static str {
    match key {
        "numbers.frame.design" | "numbers.frame.in_service_listed" => "[numbers.frame]\nknown = [\"known.csv\"]\n",
        "dialer.mode" => "[dialer]\nrate_per_hour = 100.0\n",
        _ => "",
    }
}

#[test]
fn every_allowed_value_is_accepted_and_a_value_outside_them_is_refused() {
    // Read by the CSV reader when a run opens its files, with aliases (latin1, cp1250, true): not refused here.
    let read_later = ["numbers.read.encoding", "numbers.read.header"];
    let mut checked = 0;
    for k in scenario_keys().iter().filter(|k| !k.allowed().is_empty()) {
        let path = concrete(&k.name);
        for a in k.allowed() {
            let v = if k.kind == KeyKind::Integer { a.to_string() } else { format!("\"{a}\"") };
            let v = if k.kind == KeyKind::ChoiceList { format!("[{v}]") } else { v };
            let text = format!("{}{}", context(&path), text_for(k, &v));
            let merged = merge(&text);
            Scenario::parse("keys.toml", &merged, &[]).unwrap_or_else(|e| panic!("{path} = {v}: {e}\n{merged}"));
            checked += 1;
        }
        if read_later.contains(&k.name.as_str()) {
            continue;
        }
        let bad = if k.kind == KeyKind::Integer { "7".to_string() } else { "\"zz-none\"".to_string() };
        let bad = if k.kind == KeyKind::ChoiceList { format!("[{bad}]") } else { bad };
        let err = Scenario::parse("keys.toml", &text_for(k, &bad), &[]);
        assert!(err.is_err(), "{path} = {bad} is accepted though the table allows only {:?}", k.allowed());
    }
    assert!(checked > 40, "{checked}");
}

/// Scenario text with a table header given twice made one (context + the key's own line).
fn merge(text: &str) -> String {
    let mut sections: Vec<(String, Vec<String>)> = vec![(String::new(), Vec::new())];
    for line in text.lines() {
        if line.starts_with('[') && !line.starts_with("[[") {
            match sections.iter().position(|(h, _)| h == line) {
                Some(i) => {
                    let s = sections.remove(i);
                    sections.push(s);
                }
                None => sections.push((line.to_string(), Vec::new())),
            }
        } else if let Some(last) = sections.last_mut() {
            last.1.push(line.to_string());
        }
    }
    sections.into_iter().map(|(h, lines)| format!("{h}\n{}\n", lines.join("\n"))).collect()
}

#[test]
fn every_range_of_the_table_is_enforced_at_both_ends() {
    let mut checked = 0;
    for k in scenario_keys() {
        let integer = k.kind == KeyKind::Integer;
        let step = |lo: f64, hi: f64| if integer { 1.0 } else { ((hi - lo) * 0.01).max(1e-3) };
        let (Some(lo), Some(hi)) = (k.min, k.max) else { continue };
        let d = step(lo.value, hi.value);
        let outside = [(lo.value - if lo.exclusive { 0.0 } else { d }), hi.value + if hi.exclusive { 0.0 } else { d }];
        for x in outside {
            let v = if integer { format!("{}", x as i64) } else { format!("{x:?}") };
            let text = text_for(k, &v);
            let err = match Scenario::parse("keys.toml", &text, &[]) {
                Ok(_) => panic!("{} = {v} is accepted outside the table's range ({})\n{text}", k.name, k.range_text()),
                Err(e) => e.to_string(),
            };
            // A number is refused by the range check (an integer below 0 may be refused by its type instead).
            if !integer && k.name != "numbers.mix.<number_type>" {
                assert!(err.contains("out of range"), "{}: {err}", k.name);
            }
            checked += 1;
        }
    }
    assert!(checked > 150, "{checked}");
}

#[test]
fn keys_json_lists_every_accepted_key_with_a_description_and_every_kpi() {
    let dir = tempfile::tempdir().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&ok_stdout(dir.path(), &["keys", "--json"])).unwrap();
    let keys = json["keys"].as_array().unwrap();
    let names: Vec<&str> = keys.iter().map(|k| k["name"].as_str().unwrap()).collect();
    let table: Vec<&str> = scenario_keys().iter().map(|k| k.name.as_str()).collect();
    assert_eq!(names, table);
    for k in keys {
        assert!(k["description"].as_str().is_some_and(|d| d.len() > 5), "{k}");
        assert!(k["type"].is_string() && k["allowed"].is_array(), "{k}");
    }
    let pacer = keys.iter().find(|k| k["name"] == "dialer.pacer").unwrap();
    assert_eq!(pacer["default"], "\"adaptive-hard-limit\"");
    assert!(pacer["allowed"].as_array().unwrap().iter().any(|a| a == "model"));
    let agents = keys.iter().find(|k| k["name"] == "dialer.agents").unwrap();
    assert_eq!(
        (agents["min"].as_f64(), agents["max"].as_f64(), agents["unit"].as_str()),
        (Some(1.0), Some(10_000.0), Some("agents"))
    );
    // Keys without a default are listed too.
    for name in
        ["population.patience", "calendar.last_dial_margin_s", "numbers.read.encoding", "numbers.read.max_rejected"]
    {
        let k = keys.iter().find(|k| k["name"] == name).unwrap_or_else(|| panic!("{name} missing"));
        assert!(k["default"].is_null(), "{k}");
    }
    let kpis: Vec<&str> = json["kpis"].as_array().unwrap().iter().map(|k| k["name"].as_str().unwrap()).collect();
    assert_eq!(kpis, dialsim::sim::kpi::names().collect::<Vec<_>>());
}

#[test]
fn keys_lists_every_key_with_type_unit_and_description() {
    let dir = tempfile::tempdir().unwrap();
    let text = String::from_utf8(ok_stdout(dir.path(), &["keys"])).unwrap();
    for k in scenario_keys() {
        assert!(
            text.lines().any(|l| l.starts_with(&format!("{} ", k.name)) && l.contains(&k.description)),
            "{}",
            k.name
        );
    }
    assert!(text.contains("dialer.agents = 20  # integer, agents, 1 to 10000: Agents staffed"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("population.patience  # distribution, s: ")));
}

#[test]
fn the_guide_key_reference_is_the_output_of_keys_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let generated = String::from_utf8(ok_stdout(dir.path(), &["keys", "--markdown"])).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let committed = std::fs::read_to_string(root.join("docs/keys.md")).unwrap();
    assert!(
        committed == generated,
        "docs/keys.md differs from `dialsim keys --markdown`: run `dialsim keys --markdown > docs/keys.md`"
    );
    for k in scenario_keys() {
        assert!(generated.contains(&format!("| `{}` |", k.name.replace('|', "\\|"))), "{}", k.name);
    }
    let guide = std::fs::read_to_string(root.join("docs/README.md")).unwrap();
    assert!(guide.contains("](keys.md)"), "docs/README.md does not link keys.md");
}

#[test]
fn keys_scenario_tells_values_set_by_the_file_from_built_in_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), "[dialer]\nagents = 7\n\n[population.mobile]\nperson = 0.3\n").unwrap();
    let text = String::from_utf8(ok_stdout(dir.path(), &["keys", "s.toml"])).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.contains(&"dialer.agents = 7  # file"), "{text}");
    assert!(lines.contains(&"population.mobile.person = 0.3  # file"), "{text}");
    assert!(lines.contains(&"dialer.lines = 200  # default"), "{text}");
    assert!(lines.contains(&"population.patience  # not set"), "{text}");
    let default = String::from_utf8(ok_stdout(dir.path(), &["keys", "default"])).unwrap();
    assert!(default.lines().any(|l| l == "dialer.agents = 20  # file"), "{default}");
    let out = dialsim(dir.path(), &["keys", "defualt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean the embedded scenario `default`"));
}

#[test]
fn a_mistyped_key_or_value_in_set_or_vary_gets_a_suggestion_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("o");
    let out = out_dir.to_str().unwrap();
    for (args, hint) in [
        (vec!["simulate", "default", "--set", "dialer.pacer=modle", "-o", out], "did you mean `model`?"),
        (vec!["sweep", "default", "--vary", "dialer.pacer=modle,model", "-o", out], "did you mean `model`?"),
        (vec!["simulate", "default", "--set", "dialer.agent=30", "-o", out], "did you mean `dialer.agents`?"),
        (vec!["sweep", "default", "--vary", "dialer.agnets=10,20", "-o", out], "did you mean `dialer.agents`"),
        // A key without a default is suggested too.
        (vec!["simulate", "default", "--set", "population.patiense.mean=5", "-o", out], "`population.patience.mean`"),
        (vec!["simulate", "default", "--set", "dialer.on_budget_spent=amd-of", "-o", out], "did you mean `amd-off`?"),
    ] {
        let o = dialsim(dir.path(), &args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(hint), "{args:?}: {err}");
    }
}

/// Runs bash completion of `words` (the last one being completed) and returns COMPREPLY.
fn bash_complete(script: &std::path::Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let program = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={cword}\n_dialsim_keys dialsim '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        script.display(),
        quoted.join(" "),
        words[cword],
        words[cword - 1]
    );
    let out = Command::new("bash").arg("-c").arg(program).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().filter(|l| !l.is_empty()).map(str::to_string).collect()
}

#[test]
fn bash_completes_keys_after_set_and_vary_and_enum_values_after_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("dialsim.bash");
    std::fs::write(&script, ok_stdout(dir.path(), &["completions", "bash"])).unwrap();
    assert_eq!(bash_complete(&script, &["dialsim", "simulate", "--set", "dialer.pa"]), ["dialer.pacer="]);
    let all = bash_complete(&script, &["dialsim", "compare", "a", "b", "--set-b", ""]);
    assert_eq!(all.len(), dialsim::settable_keys().len());
    assert!(
        all.contains(&"population.patience=".to_string()) && all.contains(&"calendar.last_dial_margin_s=".to_string())
    );
    // `=` breaks words in bash by default: the value is a word of its own.
    assert_eq!(bash_complete(&script, &["dialsim", "sweep", "--vary", "dialer.pacer", "=", "mo"]), ["model"]);
    let after_eq = bash_complete(&script, &["dialsim", "sweep", "--vary", "dialer.pacer", "="]);
    assert_eq!(after_eq.len(), 4, "{after_eq:?}");
    // Without `=` in COMP_WORDBREAKS the word holds the key.
    assert_eq!(
        bash_complete(&script, &["dialsim", "simulate", "--set", "compliance.purpose=ma"]),
        ["compliance.purpose=marketing"]
    );
    assert_eq!(
        bash_complete(&script, &["dialsim", "sweep", "--vary", "dialer.pacer=model,adaptive-t"]),
        ["dialer.pacer=model,adaptive-tapered"]
    );
    // Other words go to clap's completion.
    assert!(bash_complete(&script, &["dialsim", "simul"]).contains(&"simulate".to_string()));
    assert!(bash_complete(&script, &["dialsim", "simulate", "--se"]).contains(&"--set".to_string()));
}

/// Whether `shell` runs here; if not, says why the check is skipped.
fn have(shell: &str) -> bool {
    let ok = Command::new(shell).arg("--version").output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "CI must install {shell} (.ci/run does) to check its completions");
        eprintln!("skipped: {shell} is not installed, so its completion script is not checked (CI installs it)");
    }
    ok
}

#[test]
fn zsh_and_fish_completion_scripts_parse_and_name_the_key_function() {
    let dir = tempfile::tempdir().unwrap();
    let zsh = String::from_utf8(ok_stdout(dir.path(), &["completions", "zsh"])).unwrap();
    assert!(zsh.contains(":KEY=VALUE:_dialsim_keys'") && zsh.contains(":KEY=V1,V2,...:_dialsim_keys'"));
    assert!(!zsh.contains(":KEY=VALUE:_default'"), "a --set flag still completes files");
    assert!(zsh.contains("dialer.pacer) values=('adaptive-hard-limit'"));
    let fish = String::from_utf8(ok_stdout(dir.path(), &["completions", "fish"])).unwrap();
    assert!(fish.lines().filter(|l| l.contains("(__dialsim_keys)")).count() >= 6);
    std::fs::write(dir.path().join("_dialsim"), &zsh).unwrap();
    std::fs::write(dir.path().join("dialsim.fish"), &fish).unwrap();
    if have("zsh") {
        let out = Command::new("zsh").arg("-n").arg(dir.path().join("_dialsim")).output().unwrap();
        assert!(out.status.success(), "zsh -n: {}", String::from_utf8_lossy(&out.stderr));
    }
    if have("fish") {
        let out = Command::new("fish").arg("-n").arg(dir.path().join("dialsim.fish")).output().unwrap();
        assert!(out.status.success(), "fish -n: {}", String::from_utf8_lossy(&out.stderr));
        // fish completes non-interactively: the real candidates.
        let complete = |line: &str| {
            let program = format!("source '{}'; complete -C '{line}'", dir.path().join("dialsim.fish").display());
            let out = Command::new("fish").arg("-c").arg(program).output().unwrap();
            String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .map(|l| l.split('\t').next().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(complete("dialsim simulate --set dialer.pa"), ["dialer.pacer="]);
        assert_eq!(complete("dialsim sweep --vary dialer.pacer=mo"), ["dialer.pacer=model"]);
        assert!(complete("dialsim compare a b --set-a amd.ena").contains(&"amd.enabled=".to_string()));
        assert_eq!(complete("dialsim compare a b --set-a amd.enabled=t"), ["amd.enabled=true"]);
    }
}
