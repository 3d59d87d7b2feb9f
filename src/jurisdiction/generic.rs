//! Every country without a module: the GDPR's rules only, said so wherever the regime is shown.

use super::{Jurisdiction, Regime, Rules, Source};

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
        sources: &[
            Source {
                audit_rule: "objection-offer",
                rule: "every connected call opens with the offer to object",
                cite: "GDPR Art. 21",
                law: true,
            },
            Source {
                audit_rule: "abandonment",
                rule: "at most 3 % of live answers abandoned per day",
                cite: "house policy",
                law: false,
            },
        ],
    }],
};
