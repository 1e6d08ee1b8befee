//! `innohub-bench-handbook`: how long the worker takes to typeset a handbook as a PDF, and the
//! baseline it is measured against: the same document written as HTML by its template alone.
//!
//! Four scenarios, each in a child process of this binary (`--scenario`), so each has its own
//! peak RSS (`VmHWM` of `/proc/self/status`): `pdf-30` and `pdf-300` render
//! `sample(30, "pl")` and `sample(300, "pl")` with `innohub_worker::handbook::render_pdf`;
//! `html-30` and `html-300` render the same documents with `handbook::html`. Building the
//! document is not timed. Each scenario runs a bounded number of times (`--runs-small` for 30
//! chapters, `--runs-large` for 300) and stops early once its runs have taken `--cap-secs`; the
//! first run of a process also loads the fonts and the template, so it is reported apart
//! (`first_ms`) as well as in the median. `--scenario pdf-N` (or `html-N`) runs one size alone
//! and prints its JSON line, to see how the PDF scales in between.
//!
//! The report is a table on standard output and, with `--json PATH`, the same figures as JSON:
//! the median wall time per scenario, the ratios 300/30 and PDF/HTML, the peak RSS, and the
//! targets (a 30-innovation PDF in under 2 s; the 300 one within 10 × the 30 one). The exit
//! code is 0 when the runs completed, whether or not the targets were met; 1 when a render
//! failed.
//!
//! Build it in release mode: `cargo build --release -p innohub-bench --bin innohub-bench-handbook`.

use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use innohub_bench::process::peak_rss_kib;
use innohub_schema::handbook::sample::sample;
use innohub_worker::handbook;
use serde::{Deserialize, Serialize};

const SCENARIOS: [&str; 4] = ["pdf-30", "pdf-300", "html-30", "html-300"];
const TARGET_PDF_30: Duration = Duration::from_secs(2);
const TARGET_RATIO_300_30: f64 = 10.0;

#[derive(Parser)]
#[command(
    name = "innohub-bench-handbook",
    about = "Typesetting a handbook as a PDF, against writing it as HTML by its template alone"
)]
struct Cli {
    /// Run one scenario in this process and print its figures as one JSON line (used by the
    /// parent run for each scenario): `pdf-N` or `html-N` for a sample of N chapters.
    #[arg(long, value_parser = parse_scenario)]
    scenario: Option<String>,
    /// Runs of each 30-chapter scenario.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    runs_small: u32,
    /// Runs of each 300-chapter scenario.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=100))]
    runs_large: u32,
    /// A scenario starts no new run once its runs have taken this long.
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..=3600))]
    cap_secs: u64,
    /// Where to write the report as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ScenarioReport {
    name: String,
    format: String,
    chapters: usize,
    runs_ms: Vec<f64>,
    median_ms: f64,
    first_ms: f64,
    /// The share of a PDF render spent typesetting (the rest is writing the file), median.
    typeset_percent: Option<f64>,
    /// PDF pages (0 for HTML).
    pages: usize,
    bytes: usize,
    peak_rss_kib: Option<u64>,
}

#[derive(Debug, Serialize)]
struct Report {
    cores: usize,
    scenarios: Vec<ScenarioReport>,
    pdf_300_over_30: f64,
    html_300_over_30: f64,
    pdf_over_html_30: f64,
    pdf_over_html_300: f64,
    target_pdf_30_under_2s: bool,
    target_pdf_300_within_10x: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.scenario {
        Some(name) => run_scenario(&cli, name).and_then(|report| {
            println!("{}", serde_json::to_string(&report)?);
            Ok(())
        }),
        None => run_all(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("innohub-bench-handbook: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn parse_scenario(name: &str) -> Result<String, String> {
    match name.split_once('-') {
        Some(("pdf" | "html", n)) if n.parse::<usize>().is_ok_and(|n| n <= 10_000) => {
            Ok(name.to_owned())
        }
        _ => Err("a scenario is pdf-N or html-N, N chapters up to 10000".to_owned()),
    }
}

fn run_scenario(cli: &Cli, name: &str) -> anyhow::Result<ScenarioReport> {
    let (format, chapters) = name
        .split_once('-')
        .context("a scenario is FORMAT-CHAPTERS")?;
    let chapters: usize = chapters.parse().context("the chapter count")?;
    let runs = if chapters <= 30 {
        cli.runs_small
    } else {
        cli.runs_large
    };
    let cap = Duration::from_secs(cli.cap_secs);
    let doc = sample(chapters, "pl");

    let mut runs_ms = Vec::new();
    let mut typeset_shares = Vec::new();
    let (mut pages, mut bytes) = (0, 0);
    let started = Instant::now();
    for _ in 0..runs {
        if !runs_ms.is_empty() && started.elapsed() >= cap {
            break;
        }
        let t = Instant::now();
        match format {
            "pdf" => {
                let mut export_began = None;
                let rendered = handbook::pdf_with_progress(&doc, &mut |step, _| {
                    if step == handbook::Step::Export {
                        export_began = Some(Instant::now());
                    }
                })?;
                if let Some(began) = export_began {
                    let typeset = began.duration_since(t).as_secs_f64();
                    typeset_shares.push(100.0 * typeset / t.elapsed().as_secs_f64());
                }
                if !rendered.warnings.is_empty() {
                    bail!("Typst warned: {:?}", rendered.warnings);
                }
                pages = rendered.pages;
                bytes = rendered.bytes.len();
            }
            "html" => bytes = handbook::html(&doc)?.len(),
            other => bail!("no format {other}"),
        }
        runs_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(ScenarioReport {
        name: name.to_owned(),
        format: format.to_owned(),
        chapters,
        median_ms: median(&runs_ms),
        typeset_percent: (!typeset_shares.is_empty()).then(|| median(&typeset_shares)),
        first_ms: runs_ms.first().copied().unwrap_or_default(),
        runs_ms,
        pages,
        bytes,
        peak_rss_kib: peak_rss_kib(std::process::id()),
    })
}

fn run_all(cli: &Cli) -> anyhow::Result<()> {
    let exe = std::env::current_exe().context("this binary's path")?;
    let mut scenarios = Vec::new();
    for name in SCENARIOS {
        eprintln!("running {name} …");
        let output = Command::new(&exe)
            .args(["--scenario", name])
            .args(["--runs-small", &cli.runs_small.to_string()])
            .args(["--runs-large", &cli.runs_large.to_string()])
            .args(["--cap-secs", &cli.cap_secs.to_string()])
            .output()
            .with_context(|| format!("running {name}"))?;
        if !output.status.success() {
            bail!(
                "{name} failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        let line = String::from_utf8(output.stdout).context("a scenario's output")?;
        scenarios.push(
            serde_json::from_str::<ScenarioReport>(line.trim())
                .with_context(|| format!("{name}'s report"))?,
        );
    }
    let median_of = |name: &str| {
        scenarios
            .iter()
            .find(|s| s.name == name)
            .map_or(f64::NAN, |s| s.median_ms)
    };
    let (pdf30, pdf300) = (median_of("pdf-30"), median_of("pdf-300"));
    let (html30, html300) = (median_of("html-30"), median_of("html-300"));
    let report = Report {
        cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
        pdf_300_over_30: pdf300 / pdf30,
        html_300_over_30: html300 / html30,
        pdf_over_html_30: pdf30 / html30,
        pdf_over_html_300: pdf300 / html300,
        target_pdf_30_under_2s: pdf30 < TARGET_PDF_30.as_secs_f64() * 1000.0,
        target_pdf_300_within_10x: pdf300 <= TARGET_RATIO_300_30 * pdf30,
        scenarios,
    };
    print_table(&report);
    if let Some(path) = &cli.json {
        std::fs::write(path, serde_json::to_string_pretty(&report)? + "\n")
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

fn print_table(report: &Report) {
    println!(
        "{:<10} {:>5} {:>11} {:>11} {:>10} {:>6} {:>11} {:>13}",
        "scenario", "runs", "median ms", "first ms", "typeset %", "pages", "bytes", "peak RSS MiB"
    );
    for s in &report.scenarios {
        println!(
            "{:<10} {:>5} {:>11.1} {:>11.1} {:>10} {:>6} {:>11} {:>13}",
            s.name,
            s.runs_ms.len(),
            s.median_ms,
            s.first_ms,
            s.typeset_percent
                .map_or_else(|| "-".to_owned(), |p| format!("{p:.0}")),
            s.pages,
            s.bytes,
            s.peak_rss_kib
                .map_or_else(|| "?".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0)),
        );
    }
    let mark = |ok: bool| if ok { "met" } else { "NOT met" };
    println!();
    println!("cores: {}", report.cores);
    println!("PDF 300/30:  {:.2}", report.pdf_300_over_30);
    println!("HTML 300/30: {:.2}", report.html_300_over_30);
    println!("PDF/HTML 30:  {:.0}", report.pdf_over_html_30);
    println!("PDF/HTML 300: {:.0}", report.pdf_over_html_300);
    println!(
        "target: 30-innovation PDF < 2 s: {}",
        mark(report.target_pdf_30_under_2s)
    );
    println!(
        "target: 300 PDF <= 10 x the 30 one: {}",
        mark(report.target_pdf_300_within_10x)
    );
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}
