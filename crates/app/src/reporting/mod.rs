//! Reporting: figures for dashboards, read from the database as it is now, and the monthly
//! exception report.

mod dashboard;
mod exception_report;
mod order_counts;

pub use dashboard::{Dashboard, dashboard};
pub use exception_report::{
    Count, ExceptionReport, ImprovementAction, NewImprovementAction, ReportQuery, add_improvement_action,
    exception_report, report_csv, report_pdf,
};
pub use order_counts::fold_order_counts;
