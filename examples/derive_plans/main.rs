//! Regenerates `data/plans/*.csv` and `data/regions.csv` from the libphonenumber metadata committed in
//! `data/metadata/`, with the same code as `dialsim plan derive`.
//!
//! ```text
//! cargo run --example derive_plans -- data            # the shipped plans
//! cargo run --example derive_plans -- --region IT     # any libphonenumber region, to stdout
//! ```
#[path = "derive.rs"]
#[allow(dead_code)] // metadata_xml is for the oracle tests
mod derive;

use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let meta = derive::metadata();
    match args.as_slice() {
        [flag, region] if flag == "--region" => print!("{}", derive::plan_csv(&meta, &region.to_uppercase())),
        [dir] => {
            let dir = Path::new(dir);
            std::fs::create_dir_all(dir.join("plans")).expect("create plans folder");
            for (stem, region) in derive::SHIPPED {
                let path = dir.join("plans").join(format!("{stem}.csv"));
                std::fs::write(&path, derive::plan_csv(&meta, region)).expect("write plan");
                eprintln!("wrote {}", path.display());
            }
            std::fs::write(dir.join("regions.csv"), derive::regions_csv(&meta)).expect("write regions");
        }
        _ => {
            eprintln!("usage: derive_plans DATA_DIR | derive_plans --region XX");
            std::process::exit(2);
        }
    }
}
