//! `dateline run`: the Kafka worker. (Being written; see dateline-worker.)

use clap::Args;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct RunArgs {}

pub fn main(_args: RunArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
