//! Users who sign in to the web UI.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, FromRow};
use tradeport_domain::access::{NewUser, Role};
use tradeport_domain::kernel::{Millis, TenantId, UserId};

use super::{parse_id, parse_opt_tenant_id, parse_role, parse_tenant_id};
use crate::StoreResult;
use crate::sql::Sql;

/// A stored user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRow {
    pub id: UserId,
    pub tenant_id: TenantId,
    pub merchant_id: Option<TenantId>,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub active: bool,
    pub created_at: Millis,
    pub last_login_at: Option<Millis>,
}

const COLUMNS: &str =
    "id, tenant_id, merchant_id, email, display_name, role, password_hash, active, created_at, last_login_at";

/// A user as stored, read by column name.
#[derive(sqlx::FromRow)]
struct UserRecord {
    id: String,
    tenant_id: String,
    merchant_id: Option<String>,
    email: String,
    display_name: String,
    role: String,
    password_hash: String,
    active: i64,
    created_at: i64,
    last_login_at: Option<i64>,
}

fn from_row(r: &AnyRow) -> StoreResult<UserRow> {
    let u = UserRecord::from_row(r)?;
    Ok(UserRow {
        id: parse_id(&u.id, "user id")?,
        tenant_id: parse_tenant_id(&u.tenant_id)?,
        merchant_id: parse_opt_tenant_id(u.merchant_id)?,
        email: u.email,
        display_name: u.display_name,
        role: parse_role(&u.role)?,
        password_hash: u.password_hash,
        active: u.active != 0,
        created_at: Millis(u.created_at),
        last_login_at: u.last_login_at.map(Millis),
    })
}

/// Inserts a user.
pub async fn insert_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: Option<TenantId>,
    id: UserId,
    user: &NewUser,
    password_hash: &str,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO users (id, tenant_id, merchant_id, email, display_name, role, password_hash, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8)",
    )
    .bind(id.to_string())
    .bind(tenant_id.to_string())
    .bind(merchant_id.map(|m| m.to_string()))
    .bind(user.email.as_str())
    .bind(&user.display_name)
    .bind(user.role.as_str())
    .bind(password_hash)
    .bind(now.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// A user by e-mail, across tenants: sign-in happens before the tenant is known.
pub async fn find_by_email(conn: &mut AnyConnection, email: &str) -> StoreResult<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE email = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(email).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

/// A user by id alone: for session authentication.
pub async fn get_any(conn: &mut AnyConnection, id: UserId) -> StoreResult<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

/// One user of the operator `tenant_id`.
pub async fn get(conn: &mut AnyConnection, tenant_id: TenantId, id: UserId) -> StoreResult<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE tenant_id = $1 AND id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Users of the operator, optionally of one merchant only, in creation order, after the id
/// `after_id` (empty: from the start).
/// The operator's active staff (not merchants' users) who have one of `roles`.
pub async fn staff_with_roles(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    roles: &[Role],
) -> StoreResult<Vec<UserRow>> {
    let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM users WHERE tenant_id = "));
    sql.bind(tenant_id.to_string())
        .push(" AND merchant_id IS NULL AND active = ")
        .bind(1_i64)
        .push(" AND role IN ")
        .bind_list(roles.iter().map(|r| r.as_str()))
        .push(" ORDER BY email");
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(from_row).collect()
}

pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: Option<TenantId>,
    after_id: &str,
    limit: u32,
) -> StoreResult<Vec<UserRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM users WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) AND id > $3 ORDER BY id LIMIT $4"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(crate::merchant_filter(merchant_id))
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Turns a user on or off; an inactive user cannot sign in.
pub async fn set_active_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: UserId,
    active: bool,
) -> StoreResult<bool> {
    let done = sqlx::query("UPDATE users SET active = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(i64::from(active))
        .bind(tenant_id.to_string())
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a successful sign-in.
pub async fn touch_login(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: UserId,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query("UPDATE users SET last_login_at = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(now.0)
        .bind(tenant_id.to_string())
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Number of users of the operator (all its merchants included).
pub async fn count(conn: &mut AnyConnection, tenant_id: TenantId) -> StoreResult<i64> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE tenant_id = $1")
        .bind(tenant_id.to_string())
        .fetch_one(conn)
        .await?;
    Ok(n)
}
