//! `audit --json`: an audit's findings as one JSON document.

use std::io::{self, Write};

use super::Export;
use crate::compliance::{AuditReport, Violation};
use crate::output::manifest::Signature;

/// The audit's findings as one JSON document: the folder, the profile and the regimes it was held to, the law
/// warnings, whether it is clean, the counts, the violations by rule, each violation and each possibly-known
/// number (rule, call, detail, file, line), the signature check and what could not be proven.
#[derive(Clone, Debug)]
pub struct AuditJson {
    /// The folder audited, as the caller names it.
    pub folder: String,
    /// Whether Bloom-filter hits count against "clean".
    pub strict_bloom: bool,
}

fn list(vs: &[Violation]) -> Vec<serde_json::Value> {
    vs.iter()
        .map(|v| {
            serde_json::json!({
                "rule": v.rule,
                "call_id": v.call_id,
                "detail": v.detail,
                "file": v.at.as_ref().map(|p| p.file.clone()),
                "line": v.at.as_ref().map(|p| p.line),
            })
        })
        .collect()
}

impl Export<AuditReport> for AuditJson {
    fn write(&self, out: &mut dyn Write, report: &AuditReport) -> io::Result<()> {
        let s = &report.scenario;
        let by: serde_json::Map<String, serde_json::Value> =
            report.by_rule().iter().map(|(r, n)| (r.to_string(), serde_json::Value::from(*n))).collect();
        let doc = serde_json::json!({
            "dialsim_version": env!("CARGO_PKG_VERSION"),
            "folder": self.folder,
            "profile": s.compliance.profile.as_str(),
            "regimes": s.regimes().iter().map(|(d, r)| serde_json::json!({
                "from": s.date_of_day(*d).to_string(),
                "regime": r.name,
                "in_force": r.in_force(s.date_of_day(*d)),
            })).collect::<Vec<_>>(),
            "law_warnings": s.law_warnings(),
            "clean": report.is_clean(self.strict_bloom),
            "calls": report.calls,
            "suppression_entries": report.suppression_entries,
            "receipts": report.receipts,
            "names": report.names,
            "violations_by_rule": by,
            "violations": list(&report.violations),
            "possibly_known": list(&report.possibly_known),
            "signature": match report.signature {
                None => "not checked",
                Some(Signature::Valid) => "valid",
                Some(Signature::Invalid) => "invalid",
                Some(Signature::Unsigned) => "unsigned",
            },
            "unproven": report.unproven(),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&doc).map_err(io::Error::other)?)
    }
}
