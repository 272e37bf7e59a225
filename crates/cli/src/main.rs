//! `mockint`: practise system-design interviews from the terminal, and inspect sessions.
//!
//! Exit codes: 0 success, 2 bad input (one line on stderr says what), 1 an internal fault.

mod args;
mod commands;
mod output;
mod provision;

use std::process::ExitCode;

use clap::Parser as _;

use crate::args::Cli;

/// A failure to report: one line, and whether the user caused it.
#[derive(Debug)]
pub struct Failure {
    /// One line saying what went wrong.
    pub message: String,
    /// Whether the user caused it (exit 2) rather than the system (exit 1).
    pub user_error: bool,
}

impl Failure {
    /// A problem with the user's input or environment (exit 2).
    pub fn user(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            user_error: true,
        }
    }
}

impl From<mockint_app::AppError> for Failure {
    fn from(error: mockint_app::AppError) -> Self {
        Self {
            user_error: error.is_user_error(),
            message: error.to_string(),
        }
    }
}

impl From<mockint_core::CoreError> for Failure {
    fn from(error: mockint_core::CoreError) -> Self {
        mockint_app::AppError::from(error).into()
    }
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("mockint: internal error: {}", one_line(&info.to_string()));
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("mockint: error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("mockint: error: {}", one_line(&failure.message));
            if failure.user_error {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Prints clap's help/version as usual; turns any parse error into one line and exit 2.
fn usage_error(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = error.print();
        return if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    let rendered = error.to_string();
    let first = rendered
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("invalid arguments")
        .trim_start_matches("error: ");
    eprintln!("mockint: error: {first} (see mockint --help)");
    ExitCode::from(2)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
