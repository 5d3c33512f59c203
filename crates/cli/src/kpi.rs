//! `tradeport kpi rebuild`: the KPI roll-ups (KPI-2 … KPI-4) recomputed from the sealed events.

use tradeport_app::App;

/// Recomputes every operator's KPI roll-ups from the events; exits with status 1 when they differ
/// (unless replaced).
pub async fn rebuild(app: &App, replace: bool) -> anyhow::Result<()> {
    let mut conn = app.db().read().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let operators = tradeport_store::access::tenants::operator_ids(&mut conn)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    drop(conn);
    let mut differ = false;
    for id in operators {
        let operator = id.parse().map_err(|_| anyhow::anyhow!("operator id {id}"))?;
        let r = tradeport_app::reporting::rebuild(app, operator, replace)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        for d in &r.differences {
            println!("DIFFERS operator {id}: {d}");
        }
        println!(
            "operator {id}: {} links, {} cells, {} differences{}",
            r.links,
            r.cells,
            r.differing,
            if r.replaced { ", replaced" } else { "" }
        );
        differ |= r.differing > 0 && !r.replaced;
    }
    if differ {
        eprintln!("kpi rebuild: the roll-ups differ from the events (run with --replace to rewrite them)");
        std::process::exit(1);
    }
    Ok(())
}
