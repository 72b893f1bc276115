//! The commands that keep the data: `check`, `export`, `import`, `backup` and `user`, on a store (a GeoPackage
//! file, by default [`default_store`]) or a data directory.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand};

use super::{files_for, report};
use crate::store::backend::{AccountRole, Action, Backend, NewVersion, Stage, StoreError};
use crate::store::gpkg::GeoPackage;
use crate::store::live::{Author, Live, WriteError};
use crate::store::{DataFiles, Dataset, Embedded, FeatureProvider as _, FilesError, PUBLISHERS_FILE, edit};

/// `--store`: which store.
#[derive(Debug, Clone, Args)]
pub struct StoreArg {
    /// The store: a GeoPackage file (created from the embedded data when missing) or a postgresql:// URL.
    /// Default: `$XDG_DATA_HOME/footprint/footprint.gpkg` (`~/.local/share/footprint/footprint.gpkg`).
    #[arg(long = "store", env = "FOOTPRINT_STORE", value_name = "STORE")]
    pub store: Option<String>,
}

impl StoreArg {
    /// The store's address: as given, or the default location.
    pub fn address(&self) -> String {
        self.store.clone().unwrap_or_else(|| default_store().display().to_string())
    }
}

/// `footprint user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account (or give an existing one a new token) and print its token, once.
    Add {
        /// The account's name.
        name: String,
        /// What it may do: editors write drafts, publishers publish.
        #[arg(long, value_enum)]
        role: AccountRole,
    },
    /// List the accounts (never their tokens).
    List,
    /// Revoke an account's token.
    Revoke {
        /// The account's name.
        name: String,
    },
}

/// Where the store is when no `--store` is given: the user's data directory.
pub fn default_store() -> PathBuf {
    let data_home = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| PathBuf::from(h).join(".local/share")));
    data_home.map_or_else(|| PathBuf::from("footprint.gpkg"), |d| d.join("footprint").join("footprint.gpkg"))
}

/// The backend at `address`.
pub fn backend(address: &str) -> Result<Box<dyn Backend>, WriteError> {
    if address.starts_with("postgres://") || address.starts_with("postgresql://") {
        return Ok(Box::new(crate::store::postgres::Postgres::connect(address)?));
    }
    Ok(Box::new(GeoPackage::open(Path::new(address))?))
}

/// Opens the store at `address` (a new one is filled from the embedded data).
pub fn open(address: &str) -> Result<Live, WriteError> {
    Live::open(backend(address)?, &Embedded, Arc::new(Embedded))
}

fn fail(err: impl std::fmt::Display) -> ExitCode {
    eprintln!("{err}");
    ExitCode::FAILURE
}

/// The files of a store's published data, in the curated format, for checking and exporting.
struct StoreFiles {
    files: BTreeMap<String, Vec<u8>>,
    origin: String,
}

impl DataFiles for StoreFiles {
    fn read(&self, name: &str) -> Result<std::borrow::Cow<'static, [u8]>, FilesError> {
        self.files
            .get(name)
            .map(|b| std::borrow::Cow::Owned(b.clone()))
            .ok_or_else(|| FilesError::Missing { location: format!("{}: {name}", self.origin) })
    }

    fn describe(&self) -> String {
        self.origin.clone()
    }
}

fn store_files(live: &Live) -> StoreFiles {
    let snapshot = live.snapshot();
    let mut files: BTreeMap<String, Vec<u8>> =
        snapshot.data.documents.iter().map(|(name, bytes)| (name.clone(), bytes.to_vec())).collect();
    for collection in &snapshot.data.collections {
        // A layer with a feature that cannot be read is left out: the check then fails on it, loudly.
        let mut text = Vec::new();
        match collection.write_layer_file(&mut text) {
            Ok(()) => {
                files.insert(collection.meta.file.clone(), text);
            }
            Err(err) => tracing::error!(%err, "a layer of the store could not be read"),
        }
    }
    files.insert(PUBLISHERS_FILE.to_owned(), snapshot.publishers_bytes.to_vec());
    StoreFiles { files, origin: live.origin().to_owned() }
}

/// `footprint check [DIR | --store STORE]`.
pub fn check(dir: Option<PathBuf>, store: Option<String>) -> ExitCode {
    let files: Arc<dyn DataFiles> = match store {
        Some(address) => match open(&address) {
            Ok(live) => Arc::new(store_files(&live)),
            Err(err) => return fail(err),
        },
        None => files_for(dir),
    };
    match Dataset::load(files.as_ref()) {
        Ok(dataset) => {
            let mut out = std::io::stdout().lock();
            for c in &dataset.collections {
                let _ = writeln!(out, "{}: {} features ({} without geometry)", c.meta().file, c.len(), c.unlocated());
            }
            let _ = writeln!(out, "{}: ok", files.describe());
            ExitCode::SUCCESS
        }
        Err(err) => {
            report(&err, &files.describe());
            ExitCode::FAILURE
        }
    }
}

/// `footprint export DIR`: the published layers in the curated files' format
/// ([`crate::domain::record::layer_file`]): exporting what was imported from `geodata/` gives the same bytes.
pub fn export(dir: &Path, data: Option<PathBuf>, store: &StoreArg) -> ExitCode {
    let dataset = match data {
        Some(data) => {
            let files = files_for(Some(data));
            match Dataset::load(files.as_ref()) {
                Ok(dataset) => dataset,
                Err(err) => {
                    report(&err, &files.describe());
                    return ExitCode::FAILURE;
                }
            }
        }
        None => match open(&store.address()) {
            Ok(live) => live.snapshot().data.clone(),
            Err(err) => return fail(err),
        },
    };
    if let Err(err) = std::fs::create_dir_all(dir) {
        return fail(format!("{}: {err}", dir.display()));
    }
    let mut out = std::io::stdout().lock();
    for collection in &dataset.collections {
        let path = dir.join(&collection.meta.file);
        // Written one feature at a time: a large layer is never held whole.
        let written = std::fs::File::create(&path).and_then(|mut file| {
            collection.write_layer_file(&mut file)?;
            file.sync_all()
        });
        if let Err(err) = written {
            return fail(format!("{}: {err}", path.display()));
        }
        let _ = writeln!(out, "{}: {} features", path.display(), collection.len());
    }
    ExitCode::SUCCESS
}

/// `footprint import DIR [--apply --reason R]`: the per-feature difference between a data directory and the
/// store's published data; with `--apply`, published in one transaction by the operator.
pub fn import(dir: &Path, apply: bool, reason: Option<String>, store: &StoreArg) -> ExitCode {
    let files = files_for(Some(dir.to_owned()));
    // The incoming features' texts go to a file of their own (gone when the command ends), not memory.
    let texts = crate::store::texts::TextFile::create_in(&std::env::temp_dir()).ok();
    let incoming = match Dataset::load_into(files.as_ref(), texts.as_ref()) {
        Ok(dataset) => dataset,
        Err(err) => {
            report(&err, &files.describe());
            return ExitCode::FAILURE;
        }
    };
    let live = match open(&store.address()) {
        Ok(live) => live,
        Err(err) => return fail(err),
    };
    let reason = reason.unwrap_or_default();
    if apply && reason.trim().is_empty() {
        return fail("--apply needs a --reason");
    }
    // The catalog and the publisher registry first: features are checked against them, and a new collection
    // needs its table.
    let (catalog, publishers) = match (files.read("catalog.json"), files.read(PUBLISHERS_FILE)) {
        (Ok(catalog), Ok(publishers)) => (catalog, publishers),
        (Err(err), _) | (_, Err(err)) => return fail(err),
    };
    {
        let snapshot = live.snapshot();
        let stored_catalog = snapshot.data.documents.get("catalog.json").map(|b| b.to_vec()).unwrap_or_default();
        let mut out = std::io::stdout().lock();
        for (name, now, then) in [
            ("catalog.json", catalog.as_ref(), stored_catalog.as_slice()),
            (PUBLISHERS_FILE, publishers.as_ref(), &*snapshot.publishers_bytes),
        ] {
            if now != then {
                let _ = writeln!(out, "~ {name}");
            }
        }
    }
    if apply {
        let written = live.with_backend(|b| b.put_files(&catalog, &publishers)).and_then(|()| live.reload());
        if let Err(err) = written {
            return fail(err);
        }
    }
    let snapshot = live.snapshot();
    let mut out = std::io::stdout().lock();
    let (mut added, mut corrected, mut retired, mut unchanged) = (0, 0, 0, 0);
    // The differences are handed to the store as they are found (in one transaction): an import of a million
    // features never holds them all.
    let mut plan = |append: &mut dyn FnMut(NewVersion) -> Result<(), StoreError>| -> Result<(), StoreError> {
        for collection in &incoming.collections {
            let id = &collection.meta.id;
            let Some(current) = snapshot.store().collection(id) else {
                let _ = writeln!(out, "{id}: not in the store's catalog; its features are left out");
                continue;
            };
            let new = |feature_id: &str, version: i64, action: Action, feature, changed, based_on| NewVersion {
                collection: id.clone(),
                feature_id: feature_id.to_owned(),
                version,
                action,
                stage: Stage::Published,
                publishes: None,
                role: AccountRole::Operator,
                account: "operator".into(),
                reason: reason.clone(),
                changed,
                feature,
                based_on,
            };
            for feature in collection.read_each() {
                let after = edit::written(&feature);
                match (current.feature(&feature.id), snapshot.head(id, &feature.id)) {
                    (Some(before), Some(head)) => {
                        let before = edit::written(&before);
                        if before == after {
                            unchanged += 1;
                            continue;
                        }
                        let changed = edit::changed(Some(&before), &after);
                        let _ = writeln!(out, "~ {id}/{}: {}", feature.id, changed.join(", "));
                        corrected += 1;
                        append(new(&feature.id, head.version + 1, Action::Update, after, changed, Some(head.seq)))?;
                    }
                    (None, head) => {
                        let _ = writeln!(out, "+ {id}/{}", feature.id);
                        added += 1;
                        let (version, action) = head.map_or((1, Action::Create), |h| (h.version + 1, Action::Update));
                        append(new(&feature.id, version, action, after, Vec::new(), head.map(|h| h.seq)))?;
                    }
                    (Some(_), None) => {}
                }
            }
            for feature in current.read_each() {
                if collection.row_of(&feature.id).is_none()
                    && let Some(head) = snapshot.head(id, &feature.id)
                {
                    let _ = writeln!(out, "- {id}/{}: retired (not in {})", feature.id, dir.display());
                    retired += 1;
                    let last = edit::written(&feature);
                    append(new(&feature.id, head.version + 1, Action::Retire, last, Vec::new(), Some(head.seq)))?;
                }
            }
        }
        Ok(())
    };
    let planned =
        if apply { live.commit_each(&mut plan).map(|_| ()) } else { plan(&mut |_| Ok(())).map_err(Into::into) };
    let _ = writeln!(out, "{added} new, {corrected} corrected, {retired} retired, {unchanged} unchanged");
    match planned {
        Ok(()) if apply => {
            let _ = writeln!(out, "written to {}", live.origin());
            ExitCode::SUCCESS
        }
        Ok(()) => {
            let _ = writeln!(out, "dry run: nothing written (--apply --reason \"…\" to write)");
            ExitCode::SUCCESS
        }
        Err(err) => fail(err),
    }
}

/// `footprint import --acled FILE [--apply --reason R]`: the rows of an ACLED export against the strikes layer
/// (new, changed, unchanged, and each row's problems with its line); with `--apply`, the new and changed rows are
/// written as drafts by the operator, for a publisher to review.
pub fn import_acled(file: &Path, apply: bool, reason: Option<String>, store: &StoreArg) -> ExitCode {
    use crate::store::acled;
    use crate::store::batch::RowOutcome;
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(err) => return fail(format!("{}: {err}", file.display())),
    };
    let name = file.file_name().map_or_else(|| "acled.csv".to_owned(), |n| n.to_string_lossy().into_owned());
    let rows = match acled::rows(&bytes, &name) {
        Ok(rows) => rows,
        Err(problem) => return fail(problem),
    };
    let reason = reason.unwrap_or_default();
    if apply && reason.trim().is_empty() {
        return fail("--apply needs a --reason");
    }
    let live = match open(&store.address()) {
        Ok(live) => live,
        Err(err) => return fail(err),
    };
    let operator = Author { role: AccountRole::Operator, account: "operator".into() };
    let report = match live.import_batch("strikes", rows, &operator, &reason, apply) {
        Ok(report) => report,
        Err(err) => return fail(err),
    };
    let mut out = std::io::stdout().lock();
    for row in &report.rows {
        let id = row.id.as_deref().unwrap_or("-");
        let _ = match &row.outcome {
            RowOutcome::New => writeln!(out, "+ strikes/{id} (line {})", row.line),
            RowOutcome::Changed { changed } => {
                writeln!(out, "~ strikes/{id} (line {}): {}", row.line, changed.join(", "))
            }
            RowOutcome::Unchanged => Ok(()),
            RowOutcome::Invalid { problems } => {
                problems.iter().try_for_each(|p| writeln!(out, "! line {}: {id}: {}: {}", row.line, p.field, p.message))
            }
        };
    }
    let _ = writeln!(
        out,
        "{} new, {} changed, {} unchanged, {} with problems (left out)",
        report.new, report.changed, report.unchanged, report.invalid
    );
    if report.written {
        let _ = writeln!(out, "written as drafts to {}", live.origin());
    } else if !apply {
        let _ = writeln!(out, "dry run: nothing written (--apply --reason \"…\" to write drafts)");
    }
    ExitCode::SUCCESS
}

/// `footprint backup FILE`.
pub fn backup(file: &Path, store: &StoreArg) -> ExitCode {
    let address = store.address();
    let result = backend(&address).and_then(|mut b| Ok(b.backup(file)?));
    match result {
        Ok(()) => {
            let _ = writeln!(std::io::stdout().lock(), "{address} copied to {}", file.display());
            ExitCode::SUCCESS
        }
        Err(err) => fail(err),
    }
}

/// `footprint user add|list|revoke`.
pub fn user(command: &UserCommand, store: &StoreArg) -> ExitCode {
    let live = match open(&store.address()) {
        Ok(live) => live,
        Err(err) => return fail(err),
    };
    let mut out = std::io::stdout().lock();
    match command {
        UserCommand::Add { name, role } => {
            if *role == AccountRole::Operator {
                return fail("accounts are editors or publishers (the operator is this command line)");
            }
            let issued = match crate::store::accounts::issue(name, *role) {
                Ok(issued) => issued,
                Err(err) => return fail(err),
            };
            if let Err(err) = live.with_backend(|b| b.add_account(&issued.account)) {
                return fail(err);
            }
            let _ = writeln!(out, "{} ({}): token (shown once, keep it secret):", name, role.name());
            let _ = writeln!(out, "{}", issued.token);
            ExitCode::SUCCESS
        }
        UserCommand::List => match live.with_backend(|b| b.accounts()) {
            Ok(accounts) => {
                for a in accounts {
                    let status = a.revoked.map_or_else(|| "active".to_owned(), |at| format!("revoked {at}"));
                    let _ = writeln!(
                        out,
                        "{}\t{}\tfp_{}_…\tcreated {}\t{status}",
                        a.name,
                        a.role.name(),
                        a.token_id,
                        a.created
                    );
                }
                ExitCode::SUCCESS
            }
            Err(err) => fail(err),
        },
        UserCommand::Revoke { name } => match live.with_backend(|b| b.revoke_account(name)) {
            Ok(true) => {
                let _ = writeln!(out, "{name}: revoked");
                ExitCode::SUCCESS
            }
            Ok(false) => fail(format!("{name}: no such active account")),
            Err(err) => fail(err),
        },
    }
}
