//! The command line: `footprint [serve]` runs the service; `check`, `import`, `export`, `backup` and `user` keep
//! its data ([`data`]).

pub mod data;
pub mod generate;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use actix_web::web;
use clap::{Args, Parser, Subcommand};

use crate::http::{AppState, Site, origin, server};
use crate::store::live::{Live, REFRESH};
use crate::store::{DataFiles, Dataset, Directory, Embedded, LoadError};

/// Footprint: a time-aware map service for strategic sites in the news.
#[derive(Debug, Parser)]
#[command(name = "footprint", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of `serve`, also accepted without the subcommand.
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API, downloads and pages over HTTP (the default).
    Serve(ServeArgs),
    /// Check a data directory, or a store (`--store`), and print every problem; exit 1 if any. Without either, the
    /// data embedded in the binary.
    Check {
        /// The data directory (holding catalog.json).
        dir: Option<PathBuf>,
        /// Check this store instead (a GeoPackage path or a postgresql:// URL).
        #[arg(long, env = "FOOTPRINT_STORE", value_name = "STORE", conflicts_with = "dir")]
        store: Option<String>,
    },
    /// Print the JSON Schema of a feature, generated from the code (`geodata/schema/feature.schema.json` is this).
    Schema,
    /// Write a data directory for scale benchmarks: the curated data with a strikes layer of N real-shaped strikes
    /// (copies of the curated ones at new points inside Syria and new days over two years).
    Generate {
        /// The directory to write (created if missing; its files are replaced).
        dir: PathBuf,
        /// How many strikes.
        #[arg(long, default_value_t = 100_000)]
        strikes: usize,
        /// The generator's seed (the same seed gives the same files).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write the published layers of the store (or of a data directory) as reviewable GeoJSON files, in the
    /// curated files' own format, into a directory.
    Export {
        /// The directory to write the layer files into (created if missing).
        dir: PathBuf,
        /// Export this data directory instead of the store.
        #[arg(long, value_name = "DIR", conflicts_with = "store")]
        data: Option<PathBuf>,
        /// The store.
        #[command(flatten)]
        store: data::StoreArg,
    },
    /// Compare a data directory (GeoJSON layers in the curated format) with the store, feature by feature; with
    /// `--apply`, publish the differences (new, corrected and retired features) with a reason. With `--acled FILE`,
    /// compare the rows of an ACLED CSV export with the strikes layer instead; `--apply` writes the new and changed
    /// rows as drafts for a publisher to review.
    Import {
        /// The data directory (holding catalog.json).
        #[arg(required_unless_present = "acled", conflicts_with = "acled")]
        dir: Option<PathBuf>,
        /// An ACLED export (CSV) to import into the strikes layer as drafts.
        #[arg(long, value_name = "FILE")]
        acled: Option<PathBuf>,
        /// Write the changes (default: only show them).
        #[arg(long, requires = "reason")]
        apply: bool,
        /// Why (required with --apply; recorded in every change and shown in the corrections feed).
        #[arg(long)]
        reason: Option<String>,
        /// The store.
        #[command(flatten)]
        store: data::StoreArg,
    },
    /// Copy the store into a new file, consistently, while it serves.
    Backup {
        /// The new file.
        file: PathBuf,
        /// The store.
        #[command(flatten)]
        store: data::StoreArg,
    },
    /// Accounts that may write through the API.
    User {
        /// What to do.
        #[command(subcommand)]
        command: data::UserCommand,
        /// The store.
        #[command(flatten)]
        store: data::StoreArg,
    },
}

/// Options of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "FOOTPRINT_BIND", default_value = "127.0.0.1")]
    pub bind: String,
    /// Port to listen on.
    #[arg(long, env = "FOOTPRINT_PORT", default_value_t = 8080)]
    pub port: u16,
    /// Serve this data directory read-only instead of the store (no writes, no history).
    #[arg(long, env = "FOOTPRINT_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// The store.
    #[command(flatten)]
    pub store: data::StoreArg,
    /// Name the accounts that made changes in public history and feeds (default: only their role).
    #[arg(long, env = "FOOTPRINT_SHOW_ACCOUNTS")]
    pub show_accounts: bool,
    /// Use this hosted MapLibre style instead of the embedded offline basemap.
    #[arg(long, env = "FOOTPRINT_BASEMAP_STYLE", value_name = "URL")]
    pub basemap_style: Option<String>,
    /// The public origin to write links with (`https://maps.example.org` behind a proxy); default: the request's
    /// Host when it is trusted, else the bound address.
    #[arg(long, env = "FOOTPRINT_PUBLIC_URL", value_name = "URL", value_parser = origin::parse_public_url)]
    pub public_url: Option<String>,
    /// Host names (host or host:port, comma-separated) links may follow besides the bound address and loopback.
    #[arg(long, env = "FOOTPRINT_ALLOWED_HOSTS", value_name = "HOSTS", value_delimiter = ',', value_parser = origin::parse_host)]
    pub allowed_hosts: Vec<String>,
    /// Origins that may frame the `/embed` widget (comma-separated, e.g. `https://news.example`); default: any site.
    #[arg(long, env = "FOOTPRINT_EMBED_ORIGINS", value_name = "ORIGINS", value_delimiter = ',', value_parser = origin::parse_origin)]
    pub embed_origins: Vec<String>,
}

pub(crate) fn files_for(dir: Option<PathBuf>) -> Arc<dyn DataFiles> {
    match dir {
        Some(dir) => Arc::new(Directory(dir)),
        None => Arc::new(Embedded),
    }
}

pub(crate) fn report(err: &LoadError, origin: &str) {
    match err {
        LoadError::Invalid(problems) => {
            eprintln!("{origin}: {} problem(s):", problems.len());
            for problem in problems {
                eprintln!("{problem}");
            }
        }
        LoadError::Files(err) => eprintln!("{err}"),
    }
}

/// `footprint schema`: prints the feature JSON Schema ([`crate::domain::record::feature_schema`]).
pub fn schema() -> ExitCode {
    let text = crate::domain::record::schema_text();
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}

/// Picks up, every [`REFRESH`], what other processes wrote to the store (replicas, `footprint import`), and saves
/// the snapshot for the next start when that is due ([`Live::save_when_due`]: after the first start, then every so
/// many changes).
fn refresh_in_background(live: Arc<Live>) {
    actix_web::rt::spawn(async move {
        loop {
            tokio::time::sleep(REFRESH).await;
            let live = Arc::clone(&live);
            let refreshed = web::block(move || {
                let refreshed = live.refresh();
                if let Err(err) = live.save_when_due() {
                    tracing::warn!(%err, "cannot save the snapshot for the next start");
                }
                refreshed
            });
            match refreshed.await {
                Ok(Ok(true)) => tracing::info!("picked up changes written by another process"),
                Ok(Ok(false)) => {}
                Ok(Err(err)) => tracing::warn!(%err, "cannot read the store's changes"),
                Err(err) => tracing::warn!(%err, "cannot read the store's changes"),
            }
        }
    });
}

/// SIGHUP (a closed terminal, or a habit of "reload") would end the process by default. There is nothing to reload:
/// the server picks up every change to its store by itself ([`refresh_in_background`]); the signal is logged and
/// ignored.
fn ignore_hangups() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::hangup()) {
            Ok(mut hangups) => {
                actix_web::rt::spawn(async move {
                    while hangups.recv().await.is_some() {
                        tracing::warn!(
                            "SIGHUP ignored: the server picks up changes to its store by itself; nothing to reload"
                        );
                    }
                });
            }
            Err(err) => tracing::warn!(%err, "cannot handle SIGHUP; it will stop the server"),
        }
    }
}

/// `footprint serve`: loads the data (exit 1 listing every problem if it is bad) and serves until SIGINT/SIGTERM,
/// finishing requests in flight. SIGHUP is ignored (see [`ignore_hangups`]).
pub async fn serve(args: ServeArgs) -> ExitCode {
    let mut state = if let Some(dir) = args.data {
        let files = files_for(Some(dir));
        let dataset = match Dataset::load(files.as_ref()) {
            Ok(dataset) => dataset,
            Err(err) => {
                report(&err, &files.describe());
                return ExitCode::FAILURE;
            }
        };
        tracing::info!(data = %dataset.origin, "serving a data directory read-only (no store: no writes, no history)");
        AppState::new(dataset, files)
    } else {
        let address = args.store.address();
        tracing::info!(store = %address, "opening the store (--store or FOOTPRINT_STORE to choose another)");
        let opened = web::block(move || data::open(&address)).await;
        let live = match opened {
            Ok(Ok(live)) => Arc::new(live),
            Ok(Err(err)) => {
                eprintln!("{err}");
                return ExitCode::FAILURE;
            }
            Err(err) => {
                eprintln!("{err}");
                return ExitCode::FAILURE;
            }
        };
        refresh_in_background(Arc::clone(&live));
        AppState::with_live(live, Arc::new(Embedded))
    };
    {
        let snapshot = state.snapshot();
        let collections = snapshot.store().collections();
        tracing::info!(
            data = %state.live.origin(),
            collections = collections.len(),
            features = collections.iter().map(|c| c.len()).sum::<usize>(),
            "data loaded"
        );
    }
    state.show_accounts = args.show_accounts;
    let mut state = state.with_basemap().await;
    if state.tiles.is_none() && args.basemap_style.is_none() {
        tracing::warn!("no embedded basemap: the map will have no background");
    }
    state.basemap_style = args.basemap_style;
    state.site = Site {
        public_url: args.public_url,
        allowed_hosts: args.allowed_hosts,
        embed_origins: args.embed_origins,
        ..Site::default()
    };
    let listener = match std::net::TcpListener::bind((args.bind.as_str(), args.port)) {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("cannot listen on {}:{}: {err}", args.bind, args.port);
            return ExitCode::FAILURE;
        }
    };
    if let Ok(address) = listener.local_addr() {
        state.site.bound = address.to_string();
    }
    let state = web::Data::new(state);
    let server = match server::serve(listener, &state) {
        Ok(server) => server,
        Err(err) => {
            eprintln!("cannot serve on {}:{}: {err}", args.bind, args.port);
            return ExitCode::FAILURE;
        }
    };
    ignore_hangups();
    tracing::info!(address = %format!("http://{}:{}", args.bind, args.port), "serving");
    match server.await {
        Ok(()) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("server error: {err}");
            ExitCode::FAILURE
        }
    }
}
