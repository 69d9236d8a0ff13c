//! The `sopscan` command line: parse arguments, run the command, exit with its code.

mod cli;
mod commands;

fn main() -> std::process::ExitCode {
    let args = <cli::Cli as clap::Parser>::parse();
    let code = commands::run(args);
    std::process::ExitCode::from(code as u8)
}
