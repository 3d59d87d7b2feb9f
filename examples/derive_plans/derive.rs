//! Where the shipped plans come from: libphonenumber's `resources/PhoneNumberMetadata.xml` of the release
//! committed in `data/metadata/` (gzip-compressed), its version, and the plans derived from it with
//! `dialsim::plan_derive` (the code behind `dialsim plan derive`).
//!
//! Used by `examples/derive_plans/main.rs` and by `tests/it/plans.rs` (which checks the committed files are what
//! the derivation produces) and `tests/it/oracle.rs` (which validates generated numbers against the same file
//! with the `phonenumber` crate's own reader and validator).

use std::path::PathBuf;

/// libphonenumber release the shipped plans are derived from (the newest tag of google/libphonenumber
/// available offline in December 2026).
pub const METADATA_VERSION: &str = "9.0.35";

/// The plans shipped in `data/plans`: file stem and libphonenumber region.
pub const SHIPPED: &[(&str, &str)] = &[("cz", "CZ"), ("sk", "SK"), ("de", "DE"), ("gb", "GB"), ("us", "US")];

/// The committed metadata file, `data/metadata/PhoneNumberMetadata-VERSION.xml.gz`.
pub fn metadata_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data/metadata")
        .join(format!("PhoneNumberMetadata-{METADATA_VERSION}.xml.gz"))
}

/// The committed metadata file's XML text, decompressed (with `flate2`, not the library's reader).
pub fn metadata_xml() -> String {
    use std::io::Read;
    let file = std::fs::File::open(metadata_path()).expect("data/metadata holds the metadata file");
    let mut xml = String::new();
    flate2::read::GzDecoder::new(file).read_to_string(&mut xml).expect("the metadata file is gzip-compressed UTF-8");
    xml
}

/// The committed metadata, read by `dialsim::plan_derive`.
pub fn metadata() -> dialsim::plan_derive::Metadata {
    dialsim::plan_derive::Metadata::load(metadata_path()).expect("the committed metadata reads")
}

/// The plan file text for one region, as `dialsim plan derive` writes it.
pub fn plan_csv(meta: &dialsim::plan_derive::Metadata, region: &str) -> String {
    dialsim::plan_derive::plan_csv(meta, &[region.to_string()], METADATA_VERSION).expect("the region derives")
}

/// `data/regions.csv`.
pub fn regions_csv(meta: &dialsim::plan_derive::Metadata) -> String {
    dialsim::plan_derive::regions_csv(meta, METADATA_VERSION)
}
