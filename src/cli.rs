//! The command line: `footprint [serve]` runs the service, `footprint check [DIR]` validates data.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use actix_web::web;
use clap::{Args, Parser, Subcommand};

use crate::http::{AppState, Site, origin, server};
use crate::store::{DataFiles, Dataset, Directory, Embedded, FeatureProvider, LoadError};

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
    /// Check a data directory (default: the embedded data) and print every problem; exit 1 if any.
    Check {
        /// The data directory (holding catalog.json); the embedded copy when omitted.
        dir: Option<PathBuf>,
    },
    /// Print the JSON Schema of a feature, generated from the code (`geodata/schema/feature.schema.json` is this).
    Schema,
    /// Write the data's layers as reviewable GeoJSON files (the curated files' own format) into a directory.
    Export {
        /// The directory to write the layer files into (created if missing).
        dir: PathBuf,
        /// Export this data directory instead of the embedded data.
        #[arg(long, env = "FOOTPRINT_DATA", value_name = "DIR")]
        data: Option<PathBuf>,
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
    /// Serve this data directory instead of the embedded data.
    #[arg(long, env = "FOOTPRINT_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,
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

fn files_for(dir: Option<PathBuf>) -> Arc<dyn DataFiles> {
    match dir {
        Some(dir) => Arc::new(Directory(dir)),
        None => Arc::new(Embedded),
    }
}

fn report(err: &LoadError, origin: &str) {
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

/// `footprint check [DIR]`.
pub fn check(dir: Option<PathBuf>) -> ExitCode {
    let files = files_for(dir);
    match Dataset::load(files.as_ref()) {
        Ok(dataset) => {
            let mut out = std::io::stdout().lock();
            for c in &dataset.collections {
                let unlocated = c.features().iter().filter(|f| f.geometry.is_none()).count();
                let _ =
                    writeln!(out, "{}: {} features ({unlocated} without geometry)", c.meta().file, c.features().len());
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

/// `footprint export DIR`: loads and checks the data (exit 1 listing every problem if it is bad), then writes each
/// layer into `DIR` under its catalog file name, in the curated files' format
/// ([`crate::domain::record::layer_file`]): exporting what was read from `geodata/` gives the same bytes.
pub fn export(dir: &std::path::Path, data: Option<PathBuf>) -> ExitCode {
    let files = files_for(data);
    let dataset = match Dataset::load(files.as_ref()) {
        Ok(dataset) => dataset,
        Err(err) => {
            report(&err, &files.describe());
            return ExitCode::FAILURE;
        }
    };
    if let Err(err) = std::fs::create_dir_all(dir) {
        eprintln!("{}: {err}", dir.display());
        return ExitCode::FAILURE;
    }
    let mut out = std::io::stdout().lock();
    for collection in &dataset.collections {
        let path = dir.join(&collection.meta.file);
        let text = crate::domain::record::layer_file(collection.features());
        if let Err(err) = std::fs::write(&path, text) {
            eprintln!("{}: {err}", path.display());
            return ExitCode::FAILURE;
        }
        let _ = writeln!(out, "{}: {} features", path.display(), collection.features().len());
    }
    ExitCode::SUCCESS
}

/// SIGHUP (a closed terminal, or a habit of "reload") would end the process by default. Footprint does not reload
/// its data in place: the signal is logged and ignored, and new data is loaded by restarting, which drains requests
/// in flight (SIGTERM).
fn ignore_hangups() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::hangup()) {
            Ok(mut hangups) => {
                actix_web::rt::spawn(async move {
                    while hangups.recv().await.is_some() {
                        tracing::warn!(
                            "SIGHUP ignored: Footprint does not reload; restart it (SIGTERM drains) to load new data"
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
    let files = files_for(args.data);
    let dataset = match Dataset::load(files.as_ref()) {
        Ok(dataset) => dataset,
        Err(err) => {
            report(&err, &files.describe());
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(
        data = %dataset.origin,
        collections = dataset.collections.len(),
        features = dataset.collections.iter().map(|c| c.features().len()).sum::<usize>(),
        "data loaded"
    );
    let mut state = AppState::new(dataset, files).with_basemap().await;
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
