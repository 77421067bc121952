//! The `integra` binary: parse arguments, run, print the error, exit with
//! the code of CLI.md.

use clap::Parser;

fn main() {
    let cli = match integra::args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => std::process::exit(integra::args::report_clap_error(&e)),
    };
    let style = integra::config::style(cli.color, integra::config::Stream::Stderr);
    if let Err(e) = integra::run(cli) {
        std::process::exit(integra::report_error(&e, style));
    }
}
