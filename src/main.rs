//! The `footprint` binary: see [`footprint::cli`].

use std::process::ExitCode;

use clap::Parser;
use footprint::cli::data::{backup, check, export, import, import_acled, user};
use footprint::cli::{Cli, Command, schema, serve};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("FOOTPRINT_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check { dir, store }) => check(dir, store),
        Some(Command::Schema) => schema(),
        Some(Command::Generate { dir, strikes, seed }) => footprint::cli::generate::generate(&dir, strikes, seed),
        Some(Command::Export { dir, data, store }) => export(&dir, data, &store),
        Some(Command::Import { dir, acled, apply, reason, store }) => match (dir, acled) {
            (Some(dir), _) => import(&dir, apply, reason, &store),
            (None, Some(file)) => import_acled(&file, apply, reason, &store),
            // clap requires one of the two.
            (None, None) => ExitCode::from(2),
        },
        Some(Command::Backup { file, store }) => backup(&file, &store),
        Some(Command::User { command, store }) => user(&command, &store),
        // Only serving runs the async runtime: the data commands are blocking (a PostgreSQL store's client runs
        // its own, which cannot start inside another).
        Some(Command::Serve(args)) => actix_web::rt::System::new().block_on(serve(args)),
        None => actix_web::rt::System::new().block_on(serve(cli.serve)),
    }
}
