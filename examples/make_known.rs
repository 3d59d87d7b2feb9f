//! Writes the small synthetic "known database" examples in `data/known/`, in the shapes real databases take.
//!
//! ```text
//! cargo run --example make_known -- data/known
//! ```
//! The numbers are drawn from the CZ plan (mobile and fixed line) with dialsim's own generator under fixed
//! seeds, so the files are reproducible; none is a real person's record.
use std::fmt::Write as _;

use dialsim::{CallList, NumberSpace, Plan, Selection};

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "data/known".into());
    std::fs::create_dir_all(&dir).expect("create folder");
    let space = NumberSpace::new(&Plan::embedded("cz").unwrap(), &Selection::default()).unwrap();
    let list = CallList::new(space, 20_240_101);
    let national = |p: u64| list.number_at(p).national_digits();
    let mut p = 0u64;
    let mut next = || {
        p += 1;
        national(p * 7919 % 343_100_000)
    };

    // A CRM export: header, international format with spaces.
    let mut customers = String::from("# synthetic example: a customer database export\ncustomer_id,segment,phone\n");
    for i in 0..2000 {
        let n = next();
        let seg = ["retail", "business", "vip"][i % 3];
        writeln!(customers, "C{:05},{seg},+420 {} {} {}", 10_000 + i, &n[..3], &n[3..6], &n[6..]).unwrap();
    }
    customers.push_str("C99998,retail,\nC99999,retail,unknown\n");

    // A purchased list: no header, quoted national numbers with dashes or brackets, an extra column.
    let mut purchased = String::new();
    for i in 0..1500 {
        let n = next();
        let written = if i % 2 == 0 {
            format!("{}-{}-{}", &n[..3], &n[3..6], &n[6..])
        } else {
            format!("({}) {} {}", &n[..3], &n[3..6], &n[6..])
        };
        writeln!(purchased, "\"{written}\",{}", 2018 + i % 6).unwrap();
    }

    // A do-not-call register: 00 international prefix, no spaces.
    let mut dnc = String::from("number,registered\n");
    for i in 0..3000 {
        writeln!(dnc, "00420{},{}-{:02}-{:02}", next(), 2019 + i % 6, 1 + i % 12, 1 + i % 28).unwrap();
    }

    // Objectors of an earlier campaign, in the shape `dialsim simulate` writes suppression.csv.
    let mut objectors = String::from("number,time,call_id,scope\n");
    for i in 0..200 {
        writeln!(objectors, "+420{},2026-10-{:02}T10:{:02}:00Z,C{:06},marketing", next(), 1 + i % 28, i % 60, i)
            .unwrap();
    }

    for (name, text) in [
        ("customers.csv", customers),
        ("purchased-list.csv", purchased),
        ("dnc-register.csv", dnc),
        ("objectors.csv", objectors),
    ] {
        let path = format!("{dir}/{name}");
        std::fs::write(&path, text).expect("write");
        eprintln!("wrote {path}");
    }
}
