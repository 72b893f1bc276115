//! The `footprint` binary: see [`footprint::cli`].

use std::process::ExitCode;

use clap::Parser;
use footprint::cli::{Cli, Command, check, export, schema, serve};
use tracing_subscriber::EnvFilter;

#[actix_web::main]
async fn main() -> ExitCode {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("FOOTPRINT_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check { dir }) => check(dir),
        Some(Command::Schema) => schema(),
        Some(Command::Export { dir, data }) => export(&dir, data),
        Some(Command::Serve(args)) => serve(args).await,
        None => serve(cli.serve).await,
    }
}
