//! `footprint generate DIR --strikes N`: a data directory for the scale benchmarks, from the data embedded in the
//! binary with its strikes layer replaced by `N` real-shaped strikes ([`crate::store::generate`]). Serve it with
//! `--data DIR`, or `import` it into a store.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use crate::store::{DataFiles as _, Dataset, Embedded, FeatureProvider as _};

/// Writes the directory; prints what it wrote.
pub fn generate(dir: &Path, strikes: usize, seed: u64) -> ExitCode {
    let fail = |message: String| {
        eprintln!("footprint generate: {message}");
        ExitCode::FAILURE
    };
    let curated = match Dataset::load(&Embedded) {
        Ok(dataset) => dataset,
        Err(err) => return fail(err.to_string()),
    };
    let Some(strikes_layer) = curated.collections.iter().find(|c| c.meta.id == "strikes") else {
        return fail("the embedded catalog has no strikes collection".into());
    };
    let layer = strikes_layer.meta.file.clone();
    let templates = strikes_layer.read_all();
    let (mut written, mut located) = (0, 0);
    for name in Embedded::names() {
        let path = dir.join(&name);
        let made = path.parent().map_or(Ok(()), std::fs::create_dir_all);
        let done = made.and_then(|()| {
            if name == layer {
                // Written as the strikes are made: a million are never held.
                let generated = crate::store::generate::each_strike(&templates, strikes, seed).inspect(|f| {
                    written += 1;
                    located += usize::from(f.geometry.is_some());
                });
                let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
                crate::domain::record::write_layer_file(generated, &mut file)?;
                file.flush()
            } else {
                let bytes = Embedded.read(&name).map_err(std::io::Error::other)?;
                std::fs::write(&path, bytes)
            }
        });
        if let Err(err) = done {
            return fail(format!("{}: {err}", path.display()));
        }
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}: {written} strikes ({located} located), seed {seed}", dir.join(&layer).display());
    ExitCode::SUCCESS
}
