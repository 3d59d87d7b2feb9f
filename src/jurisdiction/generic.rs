//! Every country without a module: the GDPR's rules only, said so wherever the regime is shown.

use super::{HOUSE_ABANDONMENT, Jurisdiction, OBJECTION_OFFER, Regime, Rules};

/// The generic jurisdiction.
pub(super) static GENERIC: Jurisdiction = Jurisdiction {
    code: "",
    iso: "",
    name: "a country dialsim has no module for",
    calling_code: 0,
    language: "",
    zone: "",
    holidays: |_| Vec::new(),
    regimes: &[Regime {
        name: "generic",
        country: "",
        from: None,
        summary: "the GDPR's rules only (objection offered, consent before a name is kept); this country's \
                  telemarketing law is not modelled",
        rules: Rules::GDPR,
        sources: &[OBJECTION_OFFER, HOUSE_ABANDONMENT],
    }],
};
