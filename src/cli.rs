//! Command-line arguments (clap). Only the shape of the command line lives here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "sopscan",
    version,
    about = "Audit customer-service conversations against SOP checklists"
)]
#[command(
    after_help = "Exit codes: 0 all inputs audited; 2 some inputs rejected (see errors.jsonl); \
3 checklist or usage error; 1 unexpected failure (e.g. the output folder cannot be written)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Audit every conversation under PATHS and write results and coaching reports.
    Audit(AuditArgs),
    /// Print one conversation annotated turn by turn with the checklist's verdicts.
    Check(CheckArgs),
    /// Pick a reproducible random sample of conversation ids per agent.
    Sample(SampleArgs),
    /// Validate checklists.
    #[command(subcommand)]
    Checklist(ChecklistCommand),
    /// List the input formats sopscan reads.
    Formats,
    /// Print conversations as sopscan understood them, as native JSON Lines.
    Read(ReadArgs),
    /// Compare verdicts with the expected ones carried by labelled conversations (`expect`).
    Eval(EvalArgs),
}

#[derive(Subcommand)]
pub enum ChecklistCommand {
    /// Report every problem in the given checklist files, with file, line and column.
    Lint {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// Options shared by every command that reads conversations.
#[derive(Args, Clone, Default)]
pub struct InputArgs {
    /// Force an input format (see `sopscan formats`) instead of detecting it per file.
    #[arg(long)]
    pub format: Option<String>,
    /// The diarised speaker label or channel that is the agent (`spk_0`, `ch_1`, `A`...).
    #[arg(long)]
    pub agent_speaker: Option<String>,
    /// A speaker name used by agents in transcripts (repeatable).
    #[arg(long = "agent-name")]
    pub agent_names: Vec<String>,
    /// A speaker name used by customers in transcripts (repeatable).
    #[arg(long = "customer-name")]
    pub customer_names: Vec<String>,
    /// A support email address or `@domain` (repeatable): its senders are agents.
    #[arg(long = "support-address")]
    pub support_addresses: Vec<String>,
    /// Regex whose first capture group takes the agent id from the file name.
    #[arg(long)]
    pub agent_from_filename: Option<String>,
    /// CSV column mapping, e.g. `conversation=ticket_id,speaker=role,text=body`.
    #[arg(long)]
    pub csv_columns: Option<String>,
}

/// Options shared by every command that audits.
#[derive(Args, Clone, Default)]
pub struct ChecklistArgs {
    /// Checklist file or directory of checklists (repeatable); default: the built-in set.
    #[arg(long = "checklist", short = 'c')]
    pub checklists: Vec<PathBuf>,
    /// Language to assume when a conversation has no `language` field and detection is unsure.
    #[arg(long)]
    pub lang: Option<String>,
}

#[derive(Args)]
pub struct AuditArgs {
    /// Files or directories of conversations (searched recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Folder for results.jsonl, errors.jsonl, summary.json and agents/.
    #[arg(long, short = 'o', default_value = "reports")]
    pub out: PathBuf,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// No progress bar and no closing totals on stderr (rejected inputs are still listed).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    #[command(flatten)]
    pub checklist: ChecklistArgs,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Clone, Copy, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Args)]
pub struct CheckArgs {
    /// The file holding the conversation.
    pub file: PathBuf,
    /// Which conversation, when the file holds several (default: the first).
    #[arg(long)]
    pub id: Option<String>,
    /// Print the result as JSON instead of the annotated text.
    #[arg(long)]
    pub json: bool,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(flatten)]
    pub checklist: ChecklistArgs,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Args)]
pub struct SampleArgs {
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Conversations to pick per agent.
    #[arg(long, default_value_t = 5)]
    pub per_agent: usize,
    /// Random seed: the same seed over the same inputs gives the same sample.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Args)]
pub struct ReadArgs {
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Args)]
pub struct EvalArgs {
    /// Files or directories of labelled conversations (each with an `expect` object).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Also list every disagreement.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    #[command(flatten)]
    pub checklist: ChecklistArgs,
    #[command(flatten)]
    pub input: InputArgs,
}
