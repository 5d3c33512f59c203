//! Who did something, for people: the names of users and API keys an event names by id.

use std::collections::HashMap;

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::TenantId;

use crate::StoreResult;
use crate::sql::Sql;

/// The display names of the operator's users among `user_ids` and the names of its API keys
/// among `key_ids`, by id. Ids of another operator are not found.
pub async fn names(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    user_ids: &[String],
    key_ids: &[String],
) -> StoreResult<HashMap<String, String>> {
    let mut names = HashMap::new();
    for (table, column, ids) in [("users", "display_name", user_ids), ("api_keys", "name", key_ids)] {
        if ids.is_empty() {
            continue;
        }
        let mut sql = Sql::new(format!("SELECT id, {column} AS name FROM {table} WHERE tenant_id = "));
        sql.bind(tenant_id.to_string()).push(" AND id IN ").bind_list(ids.iter().cloned());
        for row in sql.query().fetch_all(&mut *conn).await? {
            names.insert(row.try_get::<String, _>("id")?, row.try_get::<String, _>("name")?);
        }
    }
    Ok(names)
}
