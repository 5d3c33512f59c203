//! The operator's configuration as intake reads it (#15 item 2): its settings, time zone and
//! default calendar, goods rules, warehouses, tenants and merchant agreements, cached per process and per operator.
//! Every change to them bumps the operator's version by trigger in the writing transaction
//! (migration 0069), so one read of the version tells whether the cached copy is current, whichever
//! process made the change: the cache is never stale, and intake reads one row instead of six.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tradeport_domain::access::TenantKind;
use tradeport_domain::kernel::TenantId;
use tradeport_domain::orders::GoodsRule;
use tradeport_store::AnyConnection;
use tradeport_store::access::tenants::{self, TenantRow};
use tradeport_store::billing::AgreementRow;
use tradeport_store::inventory::goods_rules;
use tradeport_store::inventory::warehouses::{self, WarehouseRow};

use super::{OperatorPolicy, load_operator};
use crate::{App, AppResult};

/// One operator's configuration at one version.
#[derive(Debug)]
pub(crate) struct OperatorConfig {
    pub policy: OperatorPolicy,
    pub goods_rules: Vec<GoodsRule>,
    pub warehouses: Vec<WarehouseRow>,
    tenants: Vec<TenantRow>,
    /// Every merchant's agreements, newest first.
    agreements: Vec<AgreementRow>,
}

impl OperatorConfig {
    /// The merchant's agreements, newest first.
    pub(crate) fn agreements_of(&self, merchant: TenantId) -> Vec<AgreementRow> {
        let id = merchant.to_string();
        self.agreements.iter().filter(|a| a.merchant_id == id).cloned().collect()
    }

    /// The operator's merchant `id`, if it is one.
    pub(crate) fn merchant(&self, id: TenantId) -> Option<&TenantRow> {
        self.tenants.iter().find(|t| t.id == id && t.kind == TenantKind::Merchant)
    }
}

/// The configurations this process has read, with the version each was read at.
#[derive(Debug, Default)]
pub(crate) struct ConfigCache(Mutex<HashMap<TenantId, (i64, Arc<OperatorConfig>)>>);

impl ConfigCache {
    fn current(&self, operator: TenantId, version: i64) -> Option<Arc<OperatorConfig>> {
        let cached = self.0.lock().unwrap_or_else(|e| e.into_inner());
        cached.get(&operator).filter(|(v, _)| *v == version).map(|(_, c)| c.clone())
    }

    fn keep(&self, operator: TenantId, version: i64, config: Arc<OperatorConfig>) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(operator, (version, config));
    }
}

/// The operator's configuration as it is now: the cached copy when its version is current, else
/// read again (the version first, so what is read is at least as new as the version it is kept
/// under; a change in between only makes the next call read again).
pub(crate) async fn operator_config(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
) -> AppResult<Arc<OperatorConfig>> {
    let version = tradeport_store::config_versions::of(conn, operator).await?;
    if let Some(config) = app.config_cache().current(operator, version) {
        return Ok(config);
    }
    let config = Arc::new(OperatorConfig {
        policy: load_operator(conn, operator).await?,
        goods_rules: goods_rules::list(conn, operator).await?,
        warehouses: warehouses::list(conn, operator).await?,
        tenants: tenants::list(conn, operator).await?,
        agreements: tradeport_store::billing::agreements(conn, operator, None).await?,
    });
    app.config_cache().keep(operator, version, config.clone());
    Ok(config)
}
