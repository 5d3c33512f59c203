//! The names of the people and keys that events name by id, so a timeline says who, not which
//! UUID (SYS-1).

use std::collections::HashMap;

use tradeport_domain::access::Principal;
use tradeport_store::access::actors;

use crate::{App, AppResult};

/// Names by id for the `(actor_kind, actor_id)` pairs given (`user` and `api_key`; others have
/// no name to look up). Only the principal's operator's users and keys are named.
pub async fn actor_names<'a>(
    app: &App,
    p: &Principal,
    actors: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
) -> AppResult<HashMap<String, String>> {
    let (mut users, mut keys) = (Vec::new(), Vec::new());
    for (kind, id) in actors {
        let list = match kind {
            "user" => &mut users,
            "api_key" => &mut keys,
            _ => continue,
        };
        if let Some(id) = id.filter(|id| !list.iter().any(|known: &String| known == id)) {
            list.push(id.to_string());
        }
    }
    if users.is_empty() && keys.is_empty() {
        return Ok(HashMap::new());
    }
    let mut conn = app.db().read().await?;
    Ok(actors::names(&mut conn, p.scope.operator_id, &users, &keys).await?)
}
