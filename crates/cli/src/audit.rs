//! `tradeport audit`: verifying the audit chain (SYS-1) and sealing what waits.

use std::time::Instant;

use tradeport_app::App;

/// Verifies every operator's chain; exits with status 1 when one is broken.
pub async fn verify(app: &App) -> anyhow::Result<()> {
    let started = Instant::now();
    let reports = tradeport_app::audit::verify_all(app).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let links: u64 = reports.iter().map(|r| r.links).sum();
    let seconds = started.elapsed().as_secs_f64();
    let mut broken = false;
    for r in &reports {
        for b in &r.breaks {
            println!("BROKEN operator {}: {b}", r.operator_id);
        }
        if r.unsealed > 0 {
            println!(
                "UNSEALED operator {}: {} events older than an hour have no link (the oldest: {}); run `tradeport audit seal` if the workers were stopped",
                r.operator_id,
                r.unsealed,
                r.first_unsealed.as_deref().unwrap_or("?")
            );
        }
        println!("operator {}: {} links, last link {} {}", r.operator_id, r.links, r.head_seq, r.head_hash);
        broken |= !r.intact();
    }
    eprintln!(
        "audit verify: {links} links of {} operators in {seconds:.2} s ({:.0} links/s)",
        reports.len(),
        links as f64 / seconds.max(1e-9)
    );
    if broken {
        eprintln!("audit verify: the chain is broken or incomplete");
        std::process::exit(1);
    }
    println!("audit verify: every link holds");
    Ok(())
}

/// Seals every event without a link, however old.
pub async fn seal(app: &App) -> anyhow::Result<()> {
    let mut conn = app.db().read().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let operators = tradeport_store::access::tenants::operator_ids(&mut conn)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    drop(conn);
    for id in operators {
        let operator = id.parse().map_err(|_| anyhow::anyhow!("operator id {id}"))?;
        let run = tradeport_app::audit::seal_operator(app, operator, true)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!("operator {id}: {} events sealed; last link {} {}", run.sealed, run.head_seq, run.head_hash);
    }
    Ok(())
}
