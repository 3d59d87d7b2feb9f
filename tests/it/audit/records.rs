//! The records a run folder keeps. The consent ledger: every line of a default run's consents.jsonl matches
//! `data/schemas/consent-ledger.schema.json` (checked by a small walker of the schema's subset), withdrawn
//! receipts keep no names, and withdrawals are records of their own kind. The record of processing: in every
//! kind of folder, listed in its manifest, and of its schema.

use std::path::Path;

use serde_json::Value;

use super::{audit, clean_run, col, name_kept_on_a_withdrawn_receipt, read_csv, withdrawn_ids};
use crate::common;

/// A small JSON Schema walker for the subset the ledger schema uses: `$ref` (local), `oneOf`, `type`,
/// `const`, `enum`, `required`, `properties`, `additionalProperties: false`, `items`, `minItems`, `minLength`,
/// `maxLength`, `minimum`, `pattern`. (The `jsonschema` crate pulls an HTTP client and a large tree into the dev build; this covers
/// what the schema says.)
fn schema_errors(root: &Value, schema: &Value, v: &Value, path: &str, out: &mut Vec<String>) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.strip_prefix("#/$defs/").expect("local refs only");
        return schema_errors(root, &root["$defs"][name], v, path, out);
    }
    if let Some(options) = schema["oneOf"].as_array() {
        let ok = options
            .iter()
            .filter(|o| {
                let mut e = Vec::new();
                schema_errors(root, o, v, path, &mut e);
                e.is_empty()
            })
            .count();
        if ok != 1 {
            out.push(format!("{path}: matches {ok} of oneOf"));
        }
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let fits = |t: &str| match t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            _ => true,
        };
        if !types.iter().any(|t| fits(t)) {
            out.push(format!("{path}: not of type {types:?}"));
        }
    }
    if let Some(c) = schema.get("const")
        && c != v
    {
        out.push(format!("{path}: {v} is not {c}"));
    }
    if let Some(e) = schema["enum"].as_array()
        && !e.contains(v)
    {
        out.push(format!("{path}: {v} not in the enum"));
    }
    for r in schema["required"].as_array().into_iter().flatten() {
        if v.get(r.as_str().unwrap()).is_none() {
            out.push(format!("{path}: lacks {r}"));
        }
    }
    if let (Some(false), Some(obj)) = (schema["additionalProperties"].as_bool(), v.as_object()) {
        let props = schema["properties"].as_object();
        for k in obj.keys().filter(|k| !props.is_some_and(|p| p.contains_key(*k))) {
            out.push(format!("{path}: holds {k}, which the schema does not allow"));
        }
    }
    if let (Some(props), Some(obj)) = (schema["properties"].as_object(), v.as_object()) {
        for (k, s) in props {
            if let Some(x) = obj.get(k) {
                schema_errors(root, s, x, &format!("{path}.{k}"), out);
            }
        }
    }
    if let Some(a) = v.as_array() {
        if let Some(items) = schema.get("items") {
            for (i, x) in a.iter().enumerate() {
                schema_errors(root, items, x, &format!("{path}[{i}]"), out);
            }
        }
        if schema["minItems"].as_u64().is_some_and(|n| (a.len() as u64) < n) {
            out.push(format!("{path}: too few items"));
        }
    }
    if let Some(s) = v.as_str() {
        let n = s.chars().count() as u64;
        if schema["minLength"].as_u64().is_some_and(|m| n < m) || schema["maxLength"].as_u64().is_some_and(|m| n > m) {
            out.push(format!("{path}: length {n} out of range"));
        }
        if let Some(p) = schema["pattern"].as_str()
            && !regex::Regex::new(p).unwrap().is_match(s)
        {
            out.push(format!("{path}: '{s}' does not match {p}"));
        }
    }
    if let (Some(m), Some(x)) = (schema["minimum"].as_f64(), v.as_f64())
        && x < m
    {
        out.push(format!("{path}: below {m}"));
    }
}

#[test]
fn every_ledger_line_of_a_default_run_matches_the_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/schemas/consent-ledger.schema.json"))
            .unwrap(),
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let run = clean_run(tmp.path(), &[]);
    let text = std::fs::read_to_string(run.join("consents.jsonl")).unwrap();
    let mut kinds = std::collections::BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let v: Value = serde_json::from_str(line).unwrap();
        kinds.insert(v["type"].as_str().unwrap().to_string());
        let mut errors = Vec::new();
        schema_errors(&schema, &schema, &v, "$", &mut errors);
        assert!(errors.is_empty(), "consents.jsonl:{}: {errors:?}", i + 1);
    }
    assert_eq!(kinds.into_iter().collect::<Vec<_>>(), ["consent", "withdrawal"], "both kinds checked");
    // The walker can fail: a receipt without its controller's phone is refused.
    let mut v: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    v["piiControllers"][0].as_object_mut().unwrap().remove("phone");
    let mut errors = Vec::new();
    schema_errors(&schema, &schema, &v, "$", &mut errors);
    assert!(!errors.is_empty());
}

/// Whether `s` is an RFC 4122 UUID of the version 4 layout (the test's own reading, not the library's).
fn uuid_v4(s: &str) -> bool {
    regex::Regex::new("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$").unwrap().is_match(s)
}

fn ledger_lines(run: &Path) -> Vec<Value> {
    std::fs::read_to_string(run.join("consents.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn no_withdrawn_receipt_keeps_a_name_in_the_ledger_or_the_names() {
    let tmp = tempfile::tempdir().unwrap();
    let run = clean_run(tmp.path(), &[]);
    let lines = ledger_lines(&run);
    let withdrawn = withdrawn_ids(&lines);
    assert!(!withdrawn.is_empty(), "the run withdraws some consents");
    let mut kept = 0;
    for v in lines.iter().filter(|v| v["type"] == "consent") {
        let id = v["consentReceiptID"].as_str().unwrap();
        if withdrawn.iter().any(|w| w == id) {
            assert!(v.get("piiPrincipalName").is_none(), "withdrawn receipt {id} keeps a name: {v}");
            // The minimal receipt stays: its id, number, time and the wording's hash.
            assert!(v["piiPrincipalId"].is_string() && v["consentWordingSha256"].is_string());
        } else {
            assert!(v["piiPrincipalName"].is_string(), "receipt {id} standing without a name");
            kept += 1;
        }
    }
    assert!(kept > 0);
    let (h, names) = read_csv(&run.join("names.csv"));
    let r = col(&h, "receipt");
    assert!(names.iter().all(|n| !withdrawn.contains(&n[r])));
    // Control: the name put back on the receipt is found, at its line of consents.jsonl.
    name_kept_on_a_withdrawn_receipt(&run);
    let (code, stdout, _) = audit(tmp.path(), &["run"]);
    assert_eq!(code, 4, "{stdout}");
    let hit = stdout.lines().find(|l| l.contains("\twithdrawal-erasure\t")).expect("withdrawal-erasure named");
    assert!(hit.contains("consents.jsonl:"), "{hit}");
}

#[test]
fn withdrawal_lines_are_withdrawal_records_of_their_own_kind() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/schemas/consent-ledger.schema.json"))
            .unwrap(),
    )
    .unwrap();
    let withdrawal_schema = &schema["$defs"]["withdrawal"];
    let tmp = tempfile::tempdir().unwrap();
    let run = clean_run(tmp.path(), &[]);
    let lines = ledger_lines(&run);
    let receipts: Vec<&str> =
        lines.iter().filter(|v| v["type"] == "consent").map(|v| v["consentReceiptID"].as_str().unwrap()).collect();
    let mut fields: Vec<&str> = dialsim::compliance::WITHDRAWAL_FIELDS.to_vec();
    fields.sort_unstable();
    let mut seen = 0;
    for w in lines.iter().filter(|v| v["type"] == "withdrawal") {
        seen += 1;
        assert_eq!(w["version"], "dialsim-withdrawal-v1", "{w}");
        let mut keys: Vec<&str> = w.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, fields, "{w}");
        assert!(uuid_v4(w["withdrawalID"].as_str().unwrap()), "{w}");
        assert!(receipts.contains(&w["consentReceiptID"].as_str().unwrap()), "withdraws no receipt: {w}");
        let mut errors = Vec::new();
        schema_errors(&schema, withdrawal_schema, w, "$", &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
    }
    assert!(seen > 0);
    // Control: a withdrawal shaped as a receipt (its version, a receipt's field) is refused by the schema.
    let mut bad = lines.iter().find(|v| v["type"] == "withdrawal").unwrap().clone();
    bad["version"] = "KI-CR-v1.1.0".into();
    bad["piiControllers"] = Value::Array(vec![]);
    let mut errors = Vec::new();
    schema_errors(&schema, withdrawal_schema, &bad, "$", &mut errors);
    assert_eq!(errors.len(), 2, "{errors:?}");
}

/// Every kind of folder dialsim writes — a run, replications, a sweep, a frontier — holds processing.json, the
/// record of processing, listed in its manifest; the audit accepts it in a run folder.
#[test]
fn every_run_folder_kind_carries_its_record_of_processing_in_the_manifest() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/schemas/processing.schema.json"))
            .unwrap(),
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let runs: [(&str, Vec<&str>); 4] = [
        ("run", vec!["simulate", "--seed", "2", "--out", "run"]),
        ("reps", vec!["simulate", "--seed", "2", "--replications", "2", "--out", "reps"]),
        (
            "sweep",
            vec![
                "sweep",
                "default",
                "--vary",
                "dialer.agents=10,20",
                "--replications",
                "1",
                "--seed",
                "2",
                "-o",
                "sweep",
            ],
        ),
        (
            "frontier",
            vec![
                "frontier",
                "default",
                "--agents",
                "10",
                "--targets",
                "0.03",
                "--replications",
                "1",
                "--seed",
                "2",
                "-o",
                "frontier",
            ],
        ),
    ];
    for (name, args) in &runs {
        let o = common::dialsim(d, args);
        assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
        let dir = d.join(name);
        let m = dialsim::output::manifest::Manifest::read(&dir).unwrap();
        assert!(m.files.contains_key("processing.json"), "{name}: not in the manifest");
        assert!(dialsim::output::manifest::verify(&dir).unwrap().is_empty(), "{name}");
        let v: Value = serde_json::from_slice(&std::fs::read(dir.join("processing.json")).unwrap()).unwrap();
        let mut errors = Vec::new();
        schema_errors(&schema, &schema, &v, "$", &mut errors);
        assert!(errors.is_empty(), "{name}: {errors:?}");
        let record = if v["records"].is_array() { &v["records"][0] } else { &v };
        assert_eq!(record["activities"][0]["retention"]["referralLinkDays"], 30, "{name}");
        assert_eq!(record["controller"]["address"]["addressCountry"], "CZ", "{name}");
    }
    let (code, stdout, stderr) = audit(d, &["run"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // Control: the schema walker refuses a record without its retention.
    let mut v: Value = serde_json::from_slice(&std::fs::read(d.join("run/processing.json")).unwrap()).unwrap();
    v["activities"][0].as_object_mut().unwrap().remove("retention");
    let mut errors = Vec::new();
    schema_errors(&schema, &schema, &v, "$", &mut errors);
    assert!(!errors.is_empty());
}
