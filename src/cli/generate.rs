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
    let generated = crate::store::generate::strikes(&templates, strikes, seed);
    for name in Embedded::names() {
        let path = dir.join(&name);
        let bytes = if name == layer {
            crate::domain::record::layer_file(&generated).into_bytes()
        } else {
            match Embedded.read(&name) {
                Ok(bytes) => bytes.into_owned(),
                Err(err) => return fail(err.to_string()),
            }
        };
        let written = path.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(&path, bytes));
        if let Err(err) = written {
            return fail(format!("{}: {err}", path.display()));
        }
    }
    let located = generated.iter().filter(|f| f.geometry.is_some()).count();
    let mut out = std::io::stdout().lock();
    let _ =
        writeln!(out, "{}: {} strikes ({located} located), seed {seed}", dir.join(&layer).display(), generated.len());
    ExitCode::SUCCESS
}
