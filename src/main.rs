//! The `sopscan` command line: parse arguments, run the command, exit with its code.

// The audit allocates many small strings per conversation; mimalloc handles that pattern
// much better than the system allocator across threads.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cli;
mod commands;

fn main() -> std::process::ExitCode {
    let args = <cli::Cli as clap::Parser>::parse();
    let code = commands::run(args);
    std::process::ExitCode::from(code as u8)
}
