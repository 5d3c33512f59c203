//! Values written out for people and records: an amount with its currency, who acted.

use tradeport_domain::access::Actor;
use tradeport_domain::kernel::Currency;

/// Minor units written with their currency, e.g. `3.50 GBP` (the bare number for an unknown one).
pub(crate) fn money_text(minor: i64, currency: &str) -> String {
    Currency::parse_stored(currency)
        .map_or_else(|| format!("{minor} {currency}"), |c| format!("{} {currency}", c.format(minor)))
}

/// Who acted, as a record keeps it: `user:…`, `api_key:…` or `system`.
pub(crate) fn actor_text(actor: Actor) -> String {
    match actor {
        Actor::User(id) => format!("user:{id}"),
        Actor::ApiKey(id) => format!("api_key:{id}"),
        Actor::System => "system".into(),
    }
}
