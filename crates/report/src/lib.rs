//! # microneedling-report
//!
//! Self-contained HTML reports: inline SVG figures drawn by hand (no plotting crate, no fonts, no
//! scripts, no network), tables and the sources cited. Reports exist for a plan, for each
//! simulation and for the validation run. The page is an askama template: every value is
//! HTML-escaped unless the code marks it as already-built markup (figures, section bodies).
#![forbid(unsafe_code)]

use askama::Template;
use microneedling_core::provenance::Edition;

pub mod figures;
pub mod format;
mod plan;
mod sections;
pub mod svg;

pub use plan::plan_report;

/// The engine's version every report names (the crates of the workspace share one version).
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The report's stylesheet, inline in every page (screen and A4 print).
const STYLE: &str = include_str!("../templates/report.css");

/// One section of a report: a heading and its body, already-built HTML.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The section's heading (escaped when rendered).
    pub heading: String,
    /// The section's body: HTML built by this crate's escaping helpers.
    pub html: String,
}

/// A caution the reader must act on, shown highlighted above the sections with what it requires.
#[derive(Debug, Clone, PartialEq)]
pub struct Caution {
    /// How strong: `caution`, `needs-clearance`, `contraindicated` or `override` (also its style).
    pub level: String,
    /// What the caution is.
    pub text: String,
    /// What it requires, one action a line.
    pub actions: Vec<String>,
    /// Its source or assumption; empty when none.
    pub source: String,
}

/// A report: a title, a header of who and what it is about, highlighted cautions, sections in
/// order, the evidence marks explained, an optional sign-off block and the disclaimer.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The document's title.
    pub title: String,
    /// The header's (label, value) pairs, in order; the versions come last.
    pub header: Vec<(String, String)>,
    /// Cautions with their actions, shown before the sections.
    pub cautions: Vec<Caution>,
    /// The sections, in order.
    pub sections: Vec<Section>,
    /// Decision support, not a prescription.
    pub disclaimer: String,
    /// The knowledge base the report's numbers come from.
    pub knowledge_base_version: String,
    /// Whether the document ends with a clinician's review and sign-off block (plans).
    pub sign_off: bool,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    report: &'a Report,
    style: &'a str,
    engine_version: &'a str,
}

/// A table: one header row, then the rows; every cell escaped. Cells that hold numbers are
/// right-aligned by [`Table::numeric`] column indices.
#[derive(Template)]
#[template(
    ext = "html",
    source = "<table>\n<tr>{% for h in header %}<th>{{ h }}</th>{% endfor %}</tr>\n\
{% for row in rows %}<tr>{% for cell in row %}<td{% if self.is_numeric(loop.index0) %} class=\"num\"{% endif %}>{{ cell }}</td>{% endfor %}</tr>\n{% endfor %}</table>\n"
)]
struct Table<'a> {
    header: &'a [&'a str],
    rows: &'a [Vec<String>],
    numeric: &'a [usize],
}

impl Table<'_> {
    fn is_numeric(&self, column: &usize) -> bool {
        self.numeric.contains(column)
    }
}

#[derive(Template)]
#[template(
    ext = "html",
    source = "<ul>\n{% for item in items %}<li>{{ item }}</li>\n{% endfor %}</ul>\n"
)]
struct List<'a> {
    items: &'a [String],
}

/// A figure: an SVG built by [`svg`] (markup, not escaped) and its caption (escaped).
#[derive(Template)]
#[template(
    ext = "html",
    source = "<figure>\n{{ svg|safe }}\n<figcaption>{{ caption }}</figcaption>\n</figure>\n"
)]
struct Figure<'a> {
    svg: &'a str,
    caption: &'a str,
}

/// A paragraph of text, escaped, with an optional class.
#[derive(Template)]
#[template(
    ext = "html",
    source = "<p{% if !class.is_empty() %} class=\"{{ class }}\"{% endif %}>{{ text }}</p>\n"
)]
struct Paragraph<'a> {
    class: &'a str,
    text: &'a str,
}

/// Renders a template; a failure (only a failing `Display`, which none of these have) becomes a
/// visible line in the page rather than a panic.
fn render(t: &impl Template) -> String {
    t.render().unwrap_or_else(|e| {
        format!(
            "<p class=\"fail\">not rendered: {}</p>",
            svg::escape(&e.to_string())
        )
    })
}

fn figure(svg: String, caption: &str) -> String {
    render(&Figure { svg: &svg, caption })
}

fn list(items: &[String]) -> String {
    render(&List { items })
}

fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    numeric_table(header, rows, &[])
}

fn numeric_table(header: &[&str], rows: &[Vec<String>], numeric: &[usize]) -> String {
    render(&Table {
        header,
        rows,
        numeric,
    })
}

fn paragraph(class: &str, text: &str) -> String {
    render(&Paragraph { class, text })
}

impl Report {
    /// An empty report of `edition`'s knowledge base, its header naming the engine and the
    /// knowledge base versions.
    pub fn new(title: impl Into<String>, edition: &Edition) -> Self {
        Self {
            title: title.into(),
            header: Vec::new(),
            cautions: Vec::new(),
            sections: Vec::new(),
            disclaimer: edition.disclaimer.clone(),
            knowledge_base_version: edition.knowledge_base_version.clone(),
            sign_off: false,
        }
    }

    /// Adds a (label, value) pair to the header, after the ones already there.
    pub fn header(&mut self, label: impl Into<String>, value: impl Into<String>) {
        self.header.push((label.into(), value.into()));
    }

    /// Adds a section; `html` must be markup built by this crate (it is not escaped).
    pub fn add(&mut self, heading: impl Into<String>, html: impl Into<String>) {
        self.sections.push(Section {
            heading: heading.into(),
            html: html.into(),
        });
    }

    /// The self-contained HTML page: inline style and figures, no script, no link out.
    pub fn to_html(&self) -> String {
        let mut report = self.clone();
        report.header("Engine", format!("microneedling {ENGINE_VERSION}"));
        report.header("Knowledge base", self.knowledge_base_version.clone());
        render(&Page {
            report: &report,
            style: STYLE,
            engine_version: ENGINE_VERSION,
        })
    }
}
