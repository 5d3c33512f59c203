//! The supervision report as a PDF to read and an XLSX to work with: the same figures, the
//! workbook's first sheet the summary (section, item, value, target, met), then one sheet per table.

use tradeport_connectors::pdf::{PdfLine, render_pdf};
use tradeport_connectors::xlsx::{Cell, Sheet, write_workbook};

use super::kpis::KpiFigure;
use super::supervision_report::{SupervisionReport, TargetLine};
use crate::{AppError, AppResult};

fn shown(value: Option<f64>, unit: &str) -> String {
    value.map_or_else(|| "-".to_string(), |v| format!("{v}{unit}"))
}

fn verdict(meets: Option<bool>) -> &'static str {
    match meets {
        Some(true) => "met",
        Some(false) => "MISSED",
        None => "-",
    }
}

fn unit_of(f: &KpiFigure) -> &'static str {
    if f.unit == "hours" { " h" } else { "%" }
}

fn kpi_text(f: &KpiFigure) -> String {
    let target = f.target.map(|t| {
        let side = if f.direction.as_deref() == Some("at_least") { "≥" } else { "≤" };
        format!(" (target {side} {t}{})", unit_of(f))
    });
    format!(
        "{}: {} = {} / {}{} · {}",
        f.key,
        shown(f.value, unit_of(f)),
        f.numerator,
        f.denominator,
        target.unwrap_or_default(),
        verdict(f.meets)
    )
}

fn target_text(name: &str, t: &TargetLine, counted: &str) -> String {
    format!(
        "{name}: {} of {} {counted} (target ≥ {}%) · {}",
        shown(t.value, "%"),
        t.counted,
        t.target,
        verdict(t.meets)
    )
}

/// The report as a PDF.
pub fn pdf(r: &SupervisionReport) -> AppResult<Vec<u8>> {
    let mut lines = vec![
        PdfLine::heading(format!("Supervision report {} · {}", r.month, r.operator)),
        PdfLine::text(target_text("Timeliness", &r.timeliness, "steps")),
        PdfLine::text(target_text("Satisfaction", &r.satisfaction, "answers")),
        PdfLine::heading("KPIs against targets"),
    ];
    lines.extend(r.kpis.iter().map(|f| PdfLine::text(kpi_text(f))));
    lines.push(PdfLine::heading("Time limits per step"));
    lines.extend(r.steps.iter().map(|s| {
        PdfLine::text(format!(
            "{}: {} in time of {} done, {} overdue at month end · {}",
            s.step,
            s.met,
            s.closed,
            s.overdue_open,
            shown(s.rate, "%")
        ))
    }));
    lines.push(PdfLine::heading("Worst steps"));
    lines.push(PdfLine::text(if r.worst_steps.is_empty() {
        "every step met the target".to_string()
    } else {
        r.worst_steps.join(", ")
    }));
    lines.push(PdfLine::heading("People furthest off a target"));
    if r.worst_people.is_empty() {
        lines.push(PdfLine::text("nobody missed a target"));
    }
    lines.extend(
        r.worst_people
            .iter()
            .map(|p| PdfLine::text(format!("{}: {} {} (target {})", p.person, p.kpi, p.value, p.target))),
    );
    lines.push(PdfLine::heading("Per department"));
    for g in &r.by_department {
        lines.push(PdfLine::text(format!("{}:", g.key)));
        lines.extend(
            g.figures
                .iter()
                .filter(|f| f.denominator > 0)
                .map(|f| PdfLine::text(format!("  {}", kpi_text(f)))),
        );
    }
    let e = &r.exceptions;
    lines.push(PdfLine::heading("Exceptions"));
    lines.push(PdfLine::text(format!(
        "Cases opened {} · closed {} · mean time to resolve {} · refunds paid {}",
        e.cases_opened,
        e.cases_closed,
        shown(e.mean_hours_to_resolve, " h"),
        if e.refunds_paid.is_empty() { "none".to_string() } else { e.refunds_paid.join(" · ") }
    )));
    lines.extend(e.top_causes.iter().map(|c| PdfLine::text(format!("cause {}: {}", c.key, c.count))));
    lines.push(PdfLine::heading("Actions entered by supervisors"));
    if e.improvement_actions.is_empty() {
        lines.push(PdfLine::text("none"));
    }
    lines.extend(
        e.improvement_actions.iter().map(|a| PdfLine::text(format!("{} · {} · {}", a.at, a.by, a.action))),
    );
    render_pdf(&format!("Supervision report {}", r.month), &lines)
        .map_err(|e| AppError::Internal(e.to_string()))
}

fn figure_row(section: &str, f: &KpiFigure) -> Vec<Cell> {
    vec![section.into(), f.key.clone().into(), f.value.into(), f.target.into(), verdict(f.meets).into()]
}

/// The report as a workbook.
pub fn xlsx(r: &SupervisionReport) -> AppResult<Vec<u8>> {
    let header = |cells: &[&str]| cells.iter().map(|c| Cell::from(*c)).collect::<Vec<_>>();
    let mut summary = vec![header(&["section", "item", "value", "target", "met"])];
    for (item, t) in [("timeliness", &r.timeliness), ("satisfaction", &r.satisfaction)] {
        summary.push(vec![
            "target".into(),
            item.into(),
            t.value.into(),
            Some(t.target).into(),
            verdict(t.meets).into(),
        ]);
    }
    summary.extend(r.kpis.iter().map(|f| figure_row("kpi", f)));
    summary.extend(r.worst_steps.iter().map(|s| vec!["worst_step".into(), s.clone().into()]));
    let mut steps = vec![header(&["step", "done", "in time", "overdue at month end", "rate %"])];
    steps.extend(r.steps.iter().map(|s| {
        vec![
            s.step.clone().into(),
            Cell::Number(s.closed as f64),
            Cell::Number(s.met as f64),
            Cell::Number(s.overdue_open as f64),
            s.rate.into(),
        ]
    }));
    let mut departments = vec![header(&["department", "kpi", "value", "target", "met"])];
    for g in &r.by_department {
        departments.extend(g.figures.iter().map(|f| figure_row(&g.key, f)));
    }
    let mut people = vec![header(&["person", "kpi", "value", "target"])];
    people.extend(r.worst_people.iter().map(|p| {
        vec![p.person.clone().into(), p.kpi.clone().into(), Cell::Number(p.value), Cell::Number(p.target)]
    }));
    let e = &r.exceptions;
    let mut exceptions = vec![header(&["section", "key", "count"])];
    exceptions.push(vec!["cases".into(), "opened".into(), Cell::Number(e.cases_opened as f64)]);
    exceptions.push(vec!["cases".into(), "closed".into(), Cell::Number(e.cases_closed as f64)]);
    exceptions.push(vec!["cases".into(), "mean_hours_to_resolve".into(), e.mean_hours_to_resolve.into()]);
    for (section, counts) in [("type", &e.by_type), ("cause", &e.top_causes)] {
        exceptions.extend(
            counts.iter().map(|c| vec![section.into(), c.key.clone().into(), Cell::Number(c.count as f64)]),
        );
    }
    exceptions.extend(e.refunds_paid.iter().map(|p| vec!["refunds_paid".into(), p.clone().into()]));
    exceptions.extend(
        e.improvement_actions
            .iter()
            .map(|a| vec!["action".into(), a.action.clone().into(), a.at.clone().into()]),
    );
    let sheets = [
        Sheet { name: "Summary".into(), rows: summary },
        Sheet { name: "Steps".into(), rows: steps },
        Sheet { name: "Departments".into(), rows: departments },
        Sheet { name: "People".into(), rows: people },
        Sheet { name: "Exceptions".into(), rows: exceptions },
    ];
    write_workbook(&sheets).map_err(AppError::Internal)
}
