//! Figures with their targets, printed as a table and written as Markdown.

use std::fmt::Write as _;

/// What a figure should be.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// At most this value.
    AtMost(f64),
    /// No target: reported for comparison.
    None,
}

/// One measured figure.
#[derive(Debug, Clone)]
pub struct Figure {
    /// Section heading.
    pub section: &'static str,
    /// What was measured.
    pub name: String,
    /// The value.
    pub value: f64,
    /// Its unit.
    pub unit: &'static str,
    /// The target.
    pub target: Target,
    /// How it was measured, or why it misses.
    pub note: String,
}

impl Figure {
    /// A figure with a ceiling.
    pub fn at_most(
        section: &'static str,
        name: impl Into<String>,
        value: f64,
        unit: &'static str,
        ceiling: f64,
    ) -> Self {
        Self {
            section,
            name: name.into(),
            value,
            unit,
            target: Target::AtMost(ceiling),
            note: String::new(),
        }
    }

    /// A figure without a target.
    pub fn info(
        section: &'static str,
        name: impl Into<String>,
        value: f64,
        unit: &'static str,
    ) -> Self {
        Self {
            section,
            name: name.into(),
            value,
            unit,
            target: Target::None,
            note: String::new(),
        }
    }

    /// Adds a note.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
        self
    }

    /// Adds what was tried and what bounds the figure, when it misses its target.
    pub fn if_missed(mut self, explanation: &str) -> Self {
        if self.verdict() == "MISSED" {
            if !self.note.is_empty() {
                self.note.push_str(". ");
            }
            self.note.push_str("Missed: ");
            self.note.push_str(explanation);
        }
        self
    }

    fn target_text(&self) -> String {
        match self.target {
            Target::AtMost(ceiling) => format!("≤ {} {}", number(ceiling), self.unit),
            Target::None => "—".into(),
        }
    }

    /// "met", "MISSED" or "" (no target).
    pub fn verdict(&self) -> &'static str {
        match self.target {
            Target::AtMost(ceiling) if self.value <= ceiling => "met",
            Target::AtMost(_) => "MISSED",
            Target::None => "",
        }
    }
}

fn number(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// Prints one figure as it is measured.
pub fn print(figure: &Figure) {
    println!(
        "{:<14} {:<58} {:>10} {:<6} {:<14} {}",
        figure.section,
        figure.name,
        number(figure.value),
        figure.unit,
        figure.target_text(),
        figure.verdict()
    );
}

/// The Markdown report: machine, method, every figure and the notes.
pub fn markdown(figures: &[Figure], machine: &str, method: &str, reproduce: &str) -> String {
    let mut out = String::from("# Benchmarks\n\n");
    let _ = writeln!(
        out,
        "All figures below come from one run of `cargo xtask bench` (generated file: edit the\nbenchmark, not this page).\n"
    );
    let _ = writeln!(out, "## Machine\n\n{machine}\n");
    let _ = writeln!(out, "## Method\n\n{method}\n");
    let mut sections: Vec<&str> = Vec::new();
    for figure in figures {
        if !sections.contains(&figure.section) {
            sections.push(figure.section);
        }
    }
    for section in sections {
        let _ = writeln!(
            out,
            "\n## {section}\n\n| Figure | Value | Target | Verdict |\n|---|---:|---|---|"
        );
        for figure in figures.iter().filter(|f| f.section == section) {
            let _ = writeln!(
                out,
                "| {} | {} {} | {} | {} |",
                figure.name,
                number(figure.value),
                figure.unit,
                figure.target_text(),
                figure.verdict()
            );
        }
    }
    let notes: Vec<&Figure> = figures.iter().filter(|f| !f.note.is_empty()).collect();
    if !notes.is_empty() {
        let _ = writeln!(out, "\n## Notes\n");
        for figure in notes {
            let _ = writeln!(out, "- **{}** — {}", figure.name, figure.note);
        }
    }
    let _ = writeln!(out, "\n## How to reproduce\n\n{reproduce}");
    out
}
