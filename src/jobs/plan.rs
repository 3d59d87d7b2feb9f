//! Numbering plans for the binary to print (`plan list`, `plan show`), and a plan or the region table derived
//! from libphonenumber's metadata (`plan derive`), returned as text or written whole.

#[cfg(feature = "derive")]
use std::path::PathBuf;

use crate::foundation::error::Result;
use crate::plan::{Plan, PlanRow};

/// A plan's provenance, numbers per type and rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanFacts {
    /// The plan's name (`cz`, or the file's).
    pub name: String,
    /// The country calling code of its first row.
    pub country_code: u16,
    /// The comment lines of its file (provenance: metadata version, regions).
    pub comments: Vec<String>,
    /// How many numbers of each type it holds, by type name, in the types' order.
    pub numbers: Vec<(&'static str, u64)>,
    /// Its rows.
    pub rows: Vec<PlanRow>,
}

impl PlanFacts {
    fn of(plan: &Plan) -> PlanFacts {
        PlanFacts {
            name: plan.name().to_string(),
            country_code: plan.country_code(),
            comments: plan.comments().to_vec(),
            numbers: plan.counts().into_iter().map(|(kind, n)| (kind.as_str(), n)).collect(),
            rows: plan.rows().to_vec(),
        }
    }

    /// The embedded plans as `dialsim plan list` shows them: a line each with its code, rows, numbers and types.
    pub fn write_list(plans: &[PlanFacts], out: &mut dyn std::io::Write) -> std::io::Result<()> {
        writeln!(out, "{:<6} {:<8} {:>6} {:>20}  types", "plan", "code", "rows", "numbers")?;
        for plan in plans {
            let types: Vec<&str> = plan.numbers.iter().map(|(t, _)| *t).collect();
            let code = format!("+{}", plan.country_code);
            let (name, rows, total) = (&plan.name, plan.rows.len(), plan.total());
            writeln!(out, "{name:<6} {code:<8} {rows:>6} {total:>20}  {}", types.join(","))?;
        }
        Ok(())
    }

    /// The plan as `dialsim plan show` shows it: its provenance, numbers per type, and its rows as CSV.
    pub fn write_text(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        writeln!(out, "plan {} (+{}), {} rows", self.name, self.country_code, self.rows.len())?;
        for c in &self.comments {
            writeln!(out, "# {c}")?;
        }
        writeln!(out)?;
        writeln!(out, "{:<20} {:>20}", "type", "numbers")?;
        for (kind, n) in &self.numbers {
            writeln!(out, "{kind:<20} {n:>20}")?;
        }
        writeln!(out)?;
        writeln!(out, "region,type,prefix,length,numbers")?;
        for r in &self.rows {
            writeln!(out, "{},{},{},{},{}", r.region, r.kind, r.prefix, r.length, r.count())?;
        }
        Ok(())
    }

    /// How many numbers the plan holds.
    pub fn total(&self) -> u64 {
        self.numbers.iter().map(|(_, n)| n).sum()
    }

    /// A plan by name: an embedded one (cz, sk, de, gb, us) or a plan CSV file.
    ///
    /// ```
    /// let cz = dialsim::jobs::PlanFacts::named("cz")?;
    /// assert_eq!((cz.name.as_str(), cz.country_code), ("cz", 420));
    /// assert_eq!(cz.total(), cz.rows.iter().map(|r| r.count()).sum::<u64>());
    /// # Ok::<(), dialsim::Error>(())
    /// ```
    pub fn named(name: &str) -> Result<PlanFacts> {
        Ok(PlanFacts::of(&Plan::resolve(name)?))
    }

    /// Every embedded plan, in their order.
    pub fn embedded() -> Result<Vec<PlanFacts>> {
        Plan::embedded_names().map(|name| Ok(PlanFacts::of(&Plan::embedded(name)?))).collect()
    }
}

/// A plan, or the region table, derived from libphonenumber's `PhoneNumberMetadata.xml` (feature `derive`).
#[cfg(feature = "derive")]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DerivePlanJob {
    /// The metadata file (plain or gzip-compressed XML).
    pub metadata: PathBuf,
    /// The regions whose plan is derived (libphonenumber ids, any case, of one country code); none: the region
    /// table (`region,country_code,national_prefix`, as data/regions.csv).
    pub regions: Option<Vec<String>>,
    /// The metadata's libphonenumber version, recorded in the output; none: the last X.Y.Z in the metadata's
    /// path, else `unknown`.
    pub metadata_version: Option<String>,
    /// The file to write whole; none: the text is returned.
    pub output: Option<PathBuf>,
}

/// What a derivation made.
#[cfg(feature = "derive")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DerivedPlan {
    /// The libphonenumber version recorded.
    pub version: String,
    /// The CSV, when no file was asked for.
    pub text: Option<String>,
}

#[cfg(feature = "derive")]
impl DerivePlanJob {
    /// Reads the metadata, derives the plan or the region table, and writes it whole to the output file
    /// (`-` is standard output: the text is returned instead).
    pub fn run(&self) -> Result<DerivedPlan> {
        use crate::foundation::error::Error;
        use crate::output::{self, AtomicFile, Privacy};
        use crate::plan::derive::{Metadata, UNKNOWN_VERSION, plan_csv, regions_csv, version_in_path};
        use std::io::Write;
        let output = self.output.as_deref().filter(|p| !output::is_stdout(p));
        // Before the metadata is read: the output must be replaceable and not the metadata itself, which renaming
        // the derived CSV into place would destroy.
        if let Some(path) = output {
            output::check_outputs(&[path], &[self.metadata.as_path()])?;
        }
        let meta = Metadata::load(&self.metadata)?;
        let version = self
            .metadata_version
            .clone()
            .or_else(|| version_in_path(&self.metadata.display().to_string()))
            .unwrap_or_else(|| UNKNOWN_VERSION.to_string());
        let text = match &self.regions {
            None => regions_csv(&meta, &version),
            Some(regions) => {
                let ids: Vec<String> = regions.iter().map(|r| r.trim().to_ascii_uppercase()).collect();
                plan_csv(&meta, &ids, &version)?
            }
        };
        match output {
            Some(path) => {
                let mut file = AtomicFile::create(path, Privacy::Public)?;
                file.write_all(text.as_bytes()).map_err(|e| Error::io(path, e))?;
                file.commit()?;
                Ok(DerivedPlan { version, text: None })
            }
            None => Ok(DerivedPlan { version, text: Some(text) }),
        }
    }
}
