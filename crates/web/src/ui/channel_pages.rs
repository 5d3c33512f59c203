//! Sales channels in the portal (ORD-1, SYS-3): the connections with their health and webhook
//! addresses, a connection's delivery log with secret rotation and pause, and order files:
//! upload, the column mapping (one choice per column, from the file's headers), a dry run or the
//! import with a live progress bar, and the error file to download.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tradeport_app::App;
use tradeport_app::channels::{self, ConnectionRequest, ConnectionView, ImportView, RunImport};
use tradeport_domain::access::Permission;
use tradeport_domain::channels::{
    AmazonOrdersApi, ChannelKind, ChannelMapping, ColumnMapping, ConnectionStatus, IMPORT_COLUMNS,
};
use tradeport_domain::kernel::Millis;

use super::shell::Shell;
use super::{SignedIn, Tr, explain, format_millis, refused, render, status_of};

#[derive(Template)]
#[template(path = "channels.html")]
struct ChannelsPage {
    t: Tr,
    shell: Shell,
    connections: Vec<ConnectionView>,
    imports: Vec<ImportView>,
    merchants: Vec<(String, String)>,
    can_manage: bool,
    error: Option<String>,
}

impl ChannelsPage {
    fn kinds(&self) -> [&'static str; 7] {
        ChannelKind::ALL.map(ChannelKind::as_str)
    }

    fn when(&self, at: &Option<i64>) -> String {
        format_millis(at.map(Millis), self.t)
    }
}

async fn channels_page(app: &App, user: &SignedIn, status: StatusCode, error: Option<String>) -> Response {
    let p = &user.session.principal;
    let connections = match channels::list_connections(app, p).await {
        Ok(c) => c,
        Err(e) => return refused(user, &e),
    };
    let page = ChannelsPage {
        t: user.t,
        shell: Shell::new(user, "/channels"),
        connections,
        imports: channels::list_imports(app, p).await.unwrap_or_default(),
        merchants: super::merchant_options(app, p).await,
        can_manage: p.role.can(Permission::ManageChannels),
        error,
    };
    render(user.t, status, &page)
}

/// GET /channels
pub async fn show(State(app): State<App>, user: SignedIn) -> Response {
    channels_page(&app, &user, StatusCode::OK, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConnectForm {
    csrf_token: String,
    merchant_id: String,
    kind: String,
    name: String,
    shop_domain: String,
    site_url: String,
    seller_id: String,
    marketplace_ids: String,
    /// Amazon: `v0` or `2026-01-01`.
    orders_api: String,
    webhook_secret: String,
    default_service: String,
}

fn some(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// POST /channels
pub async fn connect(State(app): State<App>, user: SignedIn, Form(f): Form<ConnectForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let request = ConnectionRequest {
        merchant_id: some(&f.merchant_id),
        kind: ChannelKind::parse(&f.kind),
        name: Some(f.name),
        shop_domain: some(&f.shop_domain),
        site_url: some(&f.site_url),
        seller_id: some(&f.seller_id),
        marketplace_ids: some(&f.marketplace_ids)
            .map(|m| m.split(',').map(|s| s.trim().to_string()).collect()),
        orders_api: AmazonOrdersApi::parse(&f.orders_api).filter(|_| f.kind == "amazon"),
        webhook_secret: some(&f.webhook_secret),
        mapping: Some(ChannelMapping {
            default_service: f.default_service.trim().to_string(),
            ..Default::default()
        }),
        ..Default::default()
    };
    match channels::create_connection(&app, &user.session.principal, &request).await {
        Ok(c) => Redirect::to(&format!("/channels/{}", c.id)).into_response(),
        Err(e) => channels_page(&app, &user, status_of(&e), Some(explain(user.t, &e))).await,
    }
}

#[derive(Template)]
#[template(path = "channel_detail.html")]
struct ConnectionPage {
    t: Tr,
    shell: Shell,
    conn: ConnectionView,
    can_manage: bool,
    error: Option<String>,
}

impl ConnectionPage {
    /// The credentials this kind of connection uses, and whether each is set.
    fn credentials(&self) -> Vec<(&'static str, bool)> {
        self.conn
            .kind
            .credential_names()
            .iter()
            .map(|n| (*n, self.conn.credential_names.iter().any(|c| c == n)))
            .collect()
    }

    fn when(&self, at: &i64) -> String {
        format_millis(Some(Millis(*at)), self.t)
    }

    fn last(&self, at: &Option<i64>) -> String {
        format_millis(at.map(Millis), self.t)
    }
}

async fn connection_page(
    app: &App,
    user: &SignedIn,
    id: &str,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let c = match channels::connection_detail(app, &user.session.principal, id).await {
        Ok(c) => c,
        Err(e) => return refused(user, &e),
    };
    let page = ConnectionPage {
        t: user.t,
        shell: Shell::new(user, "/channels"),
        conn: c,
        can_manage: user.session.principal.role.can(Permission::ManageChannels),
        error,
    };
    render(user.t, status, &page)
}

/// GET /channels/{id}
pub async fn detail(State(app): State<App>, user: SignedIn, Path(id): Path<String>) -> Response {
    connection_page(&app, &user, &id, StatusCode::OK, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChangeForm {
    csrf_token: String,
    webhook_secret: String,
    forget_previous_secret: String,
    status: String,
    // The API credentials typed in (`ChannelKind::credential_names`); blank: left as stored.
    credential_access_token: String,
    credential_consumer_key: String,
    credential_consumer_secret: String,
    credential_client_id: String,
    credential_client_secret: String,
    credential_refresh_token: String,
    credential_scopes: String,
    credential_verify_token: String,
}

impl ChangeForm {
    /// The credentials typed in, by name.
    fn credentials(&self) -> std::collections::BTreeMap<String, String> {
        [
            ("access_token", &self.credential_access_token),
            ("consumer_key", &self.credential_consumer_key),
            ("consumer_secret", &self.credential_consumer_secret),
            ("client_id", &self.credential_client_id),
            ("client_secret", &self.credential_client_secret),
            ("refresh_token", &self.credential_refresh_token),
            ("scopes", &self.credential_scopes),
            ("verify_token", &self.credential_verify_token),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        .collect()
    }
}

/// POST /channels/{id}: a new secret, letting the previous one go, pausing or resuming.
pub async fn change(
    State(app): State<App>,
    user: SignedIn,
    Path(id): Path<String>,
    Form(f): Form<ChangeForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let typed = f.credentials();
    let request = ConnectionRequest {
        webhook_secret: some(&f.webhook_secret),
        forget_previous_secret: !f.forget_previous_secret.is_empty(),
        status: ConnectionStatus::parse(&f.status),
        credentials: (!typed.is_empty()).then_some(typed),
        keep_other_credentials: true,
        ..Default::default()
    };
    match channels::update_connection(&app, &user.session.principal, &id, &request).await {
        Ok(_) => Redirect::to(&format!("/channels/{id}")).into_response(),
        Err(e) => connection_page(&app, &user, &id, status_of(&e), Some(explain(user.t, &e))).await,
    }
}

#[derive(Template)]
#[template(path = "order_import.html")]
struct ImportPage {
    t: Tr,
    shell: Shell,
    file: ImportView,
    /// Each column: key, whether it is required, the header chosen (empty for none).
    columns: Vec<(&'static str, bool, String)>,
    error: Option<String>,
}

impl ImportPage {
    fn percent(&self) -> i64 {
        if self.file.rows_total > 0 { self.file.rows_done * 100 / self.file.rows_total } else { 0 }
    }
}

async fn import_page(
    app: &App,
    user: &SignedIn,
    id: &str,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let i = match channels::import_detail(app, &user.session.principal, id).await {
        Ok(i) => i,
        Err(e) => return refused(user, &e),
    };
    let columns = IMPORT_COLUMNS
        .iter()
        .map(|c| (c.key, c.required, i.mapping.columns.get(c.key).cloned().unwrap_or_default()))
        .collect();
    render(
        user.t,
        status,
        &ImportPage { t: user.t, shell: Shell::new(user, "/channels"), file: i, columns, error },
    )
}

/// GET /imports/{id}
pub async fn import(State(app): State<App>, user: SignedIn, Path(id): Path<String>) -> Response {
    import_page(&app, &user, &id, StatusCode::OK, None).await
}

/// POST /imports (multipart: `csrf_token`, `merchant_id`, `file`)
pub async fn upload(State(app): State<App>, user: SignedIn, mut parts: Multipart) -> Response {
    let (mut csrf, mut merchant, mut name, mut bytes) =
        (String::new(), String::new(), String::new(), Vec::new());
    loop {
        let field = match parts.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return channels_page(&app, &user, StatusCode::BAD_REQUEST, Some(e.body_text())).await,
        };
        match field.name().unwrap_or_default() {
            "csrf_token" => csrf = field.text().await.unwrap_or_default(),
            "merchant_id" => merchant = field.text().await.unwrap_or_default(),
            "file" => {
                name = field.file_name().unwrap_or_default().to_string();
                match field.bytes().await {
                    Ok(b) => bytes = b.to_vec(),
                    Err(e) => {
                        return channels_page(&app, &user, StatusCode::BAD_REQUEST, Some(e.body_text()))
                            .await;
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(refused) = user.refuse_bad_csrf(&csrf) {
        return refused;
    }
    match channels::upload_import(&app, &user.session.principal, some(&merchant).as_deref(), &name, bytes)
        .await
    {
        Ok(i) => Redirect::to(&format!("/imports/{}", i.id)).into_response(),
        Err(e) => channels_page(&app, &user, status_of(&e), Some(explain(user.t, &e))).await,
    }
}

/// POST /imports/{id}/run: the mapping chosen (`col.<key>`, `default.<name>`) and `run` =
/// `check` (a dry run) or `import`.
pub async fn run(
    State(app): State<App>,
    user: SignedIn,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let value =
        |key: &str| f.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    if let Some(refused) = user.refuse_bad_csrf(&value("csrf_token")) {
        return refused;
    }
    let mut mapping = ColumnMapping::default();
    for (k, v) in &f {
        if let Some(key) = k.strip_prefix("col.").filter(|_| !v.trim().is_empty()) {
            mapping.columns.insert(key.to_string(), v.trim().to_string());
        }
    }
    mapping.defaults.currency = value("default.currency").to_ascii_uppercase();
    mapping.defaults.country = value("default.country").to_ascii_uppercase();
    mapping.defaults.service_level = value("default.service_level");
    mapping.defaults.payment_status = value("default.payment_status");
    let request = RunImport { mapping: Some(mapping), dry_run: value("run") == "check" };
    match channels::run_import(&app, &user.session.principal, &id, &request).await {
        Ok(_) => Redirect::to(&format!("/imports/{id}")).into_response(),
        Err(e) => import_page(&app, &user, &id, status_of(&e), Some(explain(user.t, &e))).await,
    }
}

/// GET /imports/{id}/errors: the refused rows as CSV.
pub async fn errors(State(app): State<App>, user: SignedIn, Path(id): Path<String>) -> Response {
    match channels::import_errors(&app, &user.session.principal, &id).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"import-{id}-errors.csv\"")),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => refused(&user, &e),
    }
}
