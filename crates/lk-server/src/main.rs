#![forbid(unsafe_code)]

fn main() -> anyhow::Result<()> {
    lk_server::cli::main()
}
