//! Progress of long commands (`lk billing close`, `lk import`): a bar on a terminal, a plain
//! line per tenth otherwise (logs, CI), nothing in tests.

use std::io::IsTerminal;

/// Where a long command reports how far it is.
pub trait Progress {
    fn start(&mut self, total: u64);
    /// `done` of the total so far, with a short note (`"120 invoiced"`).
    fn advance(&mut self, done: u64, note: &str);
    fn finish(&mut self);
}

/// Reports nothing (tests, benchmarks).
pub struct Quiet;

impl Progress for Quiet {
    fn start(&mut self, _: u64) {}
    fn advance(&mut self, _: u64, _: &str) {}
    fn finish(&mut self) {}
}

/// A progress bar on stderr when it is a terminal, plain lines otherwise.
pub struct Console {
    label: String,
    unit: &'static str,
    bar: Option<indicatif::ProgressBar>,
    total: u64,
    reported: u64,
}

impl Console {
    /// `label` starts each plain line (`"billing close 2026-10"`); `unit` names what is counted.
    pub fn new(label: impl Into<String>, unit: &'static str) -> Self {
        Self {
            label: label.into(),
            unit,
            bar: None,
            total: 0,
            reported: 0,
        }
    }
}

impl Progress for Console {
    fn start(&mut self, total: u64) {
        self.total = total;
        if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(total);
            if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
                "{{spinner}} [{{elapsed_precise}}] {{bar:40}} {{pos}}/{{len}} {} ({{per_sec}}, {{eta}} left) {{msg}}",
                self.unit
            )) {
                bar.set_style(style);
            }
            self.bar = Some(bar);
        }
    }

    fn advance(&mut self, done: u64, note: &str) {
        match &self.bar {
            Some(bar) => {
                bar.set_position(done);
                bar.set_message(note.to_owned());
            }
            None => {
                let step = (self.total / 10).max(1);
                if done / step > self.reported / step || done == self.total {
                    eprintln!(
                        "{}: {done}/{} {}, {note}",
                        self.label, self.total, self.unit
                    );
                }
                self.reported = done;
            }
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
