//! The `dialsim` command line: parses arguments, calls the library, decides what to show and the exit code.
mod cli;

fn main() {
    std::process::exit(cli::run());
}
