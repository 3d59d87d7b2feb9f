//! Where the shipped plans come from: the metadata file of the pinned `phonenumber` dev-dependency, its
//! libphonenumber version, and the plans derived from it with `dialsim::plan_derive` (the code behind
//! `dialsim plan derive`).
//!
//! Used by `examples/derive_plans/main.rs` and by `tests/it/plans.rs` (which checks the committed files are what
//! the derivation produces).

use std::path::PathBuf;

/// libphonenumber metadata version of the pinned `phonenumber` crate (0.3.10+9.0.33, the newest on crates.io
/// in December 2026).
pub const METADATA_VERSION: &str = "9.0.33";

/// The plans shipped in `data/plans`: file stem and libphonenumber region.
pub const SHIPPED: &[(&str, &str)] = &[("cz", "CZ"), ("sk", "SK"), ("de", "DE"), ("gb", "GB"), ("us", "US")];

/// `assets/PhoneNumberMetadata.xml` of the `phonenumber` crate in the dependency graph, found through
/// `cargo metadata` (so a vendored or relocated registry works too).
pub fn crate_metadata_xml() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    let package = json["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == "phonenumber")
        .expect("the phonenumber dev-dependency is in the graph");
    let manifest = PathBuf::from(package["manifest_path"].as_str().expect("manifest_path"));
    manifest.parent().expect("a crate folder").join("assets/PhoneNumberMetadata.xml")
}

/// The crate's metadata, read.
pub fn crate_metadata() -> dialsim::plan_derive::Metadata {
    dialsim::plan_derive::Metadata::load(crate_metadata_xml()).expect("the crate's metadata reads")
}

/// The plan file text for one region, as `dialsim plan derive` writes it.
pub fn plan_csv(meta: &dialsim::plan_derive::Metadata, region: &str) -> String {
    dialsim::plan_derive::plan_csv(meta, &[region.to_string()], METADATA_VERSION).expect("the region derives")
}

/// `data/regions.csv`.
pub fn regions_csv(meta: &dialsim::plan_derive::Metadata) -> String {
    dialsim::plan_derive::regions_csv(meta, METADATA_VERSION)
}
