//! The plans and the region table compiled into the binary, so dialsim works without the data folder.

/// (name, CSV text) of every embedded plan.
pub(crate) const PLANS: &[(&str, &str)] = &[
    ("cz", include_str!("../../data/plans/cz.csv")),
    ("sk", include_str!("../../data/plans/sk.csv")),
    ("de", include_str!("../../data/plans/de.csv")),
    ("gb", include_str!("../../data/plans/gb.csv")),
    ("us", include_str!("../../data/plans/us.csv")),
];

/// `region,country_code` for every libphonenumber region.
pub(crate) const REGIONS: &str = include_str!("../../data/regions.csv");
