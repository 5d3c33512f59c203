//! Reporting: figures for dashboards, read from the database as it is now, the KPIs from the
//! events' daily roll-ups, the monthly exception report, and the monthly supervision report.

mod dashboard;
mod exception_report;
mod kpi_orders;
mod kpi_rollup;
mod kpis;
mod order_counts;
mod supervision_render;
mod supervision_report;

pub use dashboard::{Dashboard, dashboard};
pub(crate) use exception_report::month_bounds;
pub use exception_report::{
    Count, ExceptionReport, ImprovementAction, NewImprovementAction, ReportQuery, add_improvement_action,
    exception_report, report_csv, report_pdf,
};
pub use kpi_orders::{KpiOrder, KpiOrders, KpiOrdersQuery, kpi_orders};
pub use kpi_rollup::{RebuildReport, rebuild, roll_up, roll_up_all};
pub use kpis::{KpiFigure, KpiGroup, KpiQuery, KpiReport, kpis};
pub use order_counts::fold_order_counts;
pub use supervision_report::{
    FiledReport, PersonLine, StepLine, SupervisionReport, TargetLine, build_report, file_last_month,
    file_report, get_report, list_reports, report_file,
};
