//! The support mailboxes buyers write to (CS-1): an address of the operator's, or of one merchant
//! (its tickets are the merchant's from the first message). Mail to an address that is no mailbox
//! is refused at the door.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{Email, TenantId};
use tradeport_store::ticket_links::{self, MailboxRow};

use crate::inventory::check_merchant;
use crate::warehouse::invalid;
use crate::{App, AppError, AppResult};

/// A mailbox to add.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CreateMailbox {
    pub address: String,
    /// The merchant whose mailbox it is (staff only; left out: the operator's own).
    pub merchant_id: Option<String>,
}

/// A support mailbox.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MailboxView {
    pub address: String,
    pub merchant_id: Option<String>,
    pub created_at: i64,
}

impl From<MailboxRow> for MailboxView {
    fn from(r: MailboxRow) -> Self {
        Self { address: r.address, merchant_id: r.merchant_id, created_at: r.created_at }
    }
}

/// Adds a mailbox; an address kept already (by anyone) is refused.
pub async fn create_mailbox(app: &App, principal: &Principal, c: &CreateMailbox) -> AppResult<MailboxView> {
    principal.require(Permission::ManageChannels)?;
    let address = Email::parse(c.address.trim())
        .map_err(|why| invalid("address", "invalid", format!("address {why}")))?;
    let merchant: Option<TenantId> = match (principal.scope.merchant_id, c.merchant_id.as_deref()) {
        (Some(own), _) => {
            Some(crate::inventory::merchant_for(principal, c.merchant_id.as_deref()).map(|_| own)?)
        }
        (None, Some(m)) if !m.trim().is_empty() => {
            let m = crate::inventory::merchant_for(principal, Some(m))?;
            check_merchant(app, principal, m).await?;
            Some(m)
        }
        (None, _) => None,
    };
    let row = MailboxRow {
        address: address.to_string().to_ascii_lowercase(),
        tenant_id: principal.scope.operator_id.to_string(),
        merchant_id: merchant.map(|m| m.to_string()),
        created_at: app.now().0,
    };
    let mut tx = app.begin().await?;
    ticket_links::insert_mailbox(&mut tx, &row).await?;
    tx.commit().await?;
    Ok(row.into())
}

/// The principal's mailboxes (a merchant: its own).
pub async fn list_mailboxes(app: &App, principal: &Principal) -> AppResult<Vec<MailboxView>> {
    principal.require(Permission::ManageChannels)?;
    let mut conn = app.db().read().await?;
    let rows =
        ticket_links::mailboxes(&mut conn, principal.scope.operator_id, principal.scope.merchant_id).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Removes a mailbox: mail to it is refused from now on.
pub async fn delete_mailbox(app: &App, principal: &Principal, address: &str) -> AppResult<()> {
    principal.require(Permission::ManageChannels)?;
    let address = address.trim().to_ascii_lowercase();
    let (operator, merchant) = (principal.scope.operator_id, principal.scope.merchant_id);
    let mut tx = app.begin().await?;
    if !ticket_links::delete_mailbox(&mut tx, operator, merchant, &address).await? {
        return Err(AppError::NotFound("support mailbox"));
    }
    tx.commit().await?;
    Ok(())
}
