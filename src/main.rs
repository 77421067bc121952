//! The `integra` binary: parse arguments, run, print the error, exit with
//! the code of CLI.md.

use clap::Parser;

fn main() {
    let cli = integra::args::Cli::parse();
    let style = integra::config::style(cli.color, integra::config::Stream::Stderr);
    if let Err(e) = integra::run(cli) {
        std::process::exit(integra::report_error(&e, style));
    }
}
