//! Stand-in for `secretome assay …` until the CLI mounts the module: compiles crates/cli/src/assay.rs
//! unchanged. Usage: `cargo run --release -p secretome-assay --example assay_cli -- assay fit FILE`.

#[path = "../../cli/src/assay.rs"]
mod assay;

use clap::Parser;

#[derive(Parser)]
#[command(name = "secretome")]
struct Cli {
    #[command(subcommand)]
    cmd: Top,
}

#[derive(clap::Subcommand)]
enum Top {
    /// Assay engine commands, as mounted in the real CLI.
    Assay {
        #[command(subcommand)]
        cmd: assay::AssayCmd,
    },
}

fn main() -> anyhow::Result<std::process::ExitCode> {
    let Top::Assay { cmd } = Cli::parse().cmd;
    assay::run(cmd)
}
