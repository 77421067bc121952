//! The `integra` binary: parse arguments, run, print the error, exit with
//! the code of docs/CLI.md.

use clap::Parser;

fn main() {
    // "integra help [COMANDO]" as people type it: the same as --help.
    let mut argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if argv.get(1).is_some_and(|a| a == "help") {
        argv.remove(1);
        argv.push("--help".into());
    }
    let cli = match integra::args::Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) => std::process::exit(integra::cmd::report_clap_error(&e)),
    };
    integra::files::cleanup_on_signals();
    let style = integra::config::style(cli.color, integra::config::Stream::Stderr);
    if let Err(e) = integra::run(cli) {
        std::process::exit(integra::cmd::report_error(&e, style));
    }
}
