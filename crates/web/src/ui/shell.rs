//! What every signed-in page shows around its content: who is signed in, the navigation and the
//! CSRF token for forms.

use tradeport_domain::access::{Permission, Role};

use super::SignedIn;

/// A navigation entry; `ready` is false for contexts that later releases switch on.
pub struct NavItem {
    pub key: &'static str,
    pub href: &'static str,
    pub ready: bool,
    pub active: bool,
}

/// The page frame.
pub struct Shell {
    pub user_name: String,
    pub tenant_name: String,
    pub role_key: String,
    pub csrf_token: String,
    pub nav: Vec<NavItem>,
}

/// The message key of a role's name.
pub fn role_key(role: Role) -> String {
    format!("role.{}", role.as_str())
}

impl Shell {
    /// The frame for `user`, with the entry at `current` marked.
    pub fn new(user: &SignedIn, current: &str) -> Self {
        let p = &user.session.principal;
        let settings_ready = p.role.can(Permission::ViewSettings) || p.role.can(Permission::ManageApiKeys);
        let settings_href = if p.role.can(Permission::ViewSettings) { "/settings" } else { "/api-keys" };
        let entries = [
            ("nav.dashboard", "/", true),
            ("nav.orders", "/orders", true),
            ("nav.inventory", "/inventory", true),
            (
                "nav.time_limits",
                "/time-limits",
                p.role.can(Permission::ReviewOrders) || p.role.can(Permission::ViewSettings),
            ),
            (
                "nav.notifications",
                "/notifications",
                p.role.can(Permission::ViewSettings) || p.role.can(Permission::ManageApiKeys),
            ),
            (
                "nav.warehouse",
                "/warehouse",
                p.role.can(Permission::OperateWarehouse) || p.role.can(Permission::SubmitInbound),
            ),
            ("nav.channels", "/channels", p.role.can(Permission::ManageChannels)),
            ("nav.payments", "/payments", p.role.can(Permission::ManagePayments)),
            ("nav.shipping", "/shipping", true),
            ("nav.aftersales", "/aftersales", true),
            ("nav.service", "/service", p.role.can(Permission::AnswerTickets)),
            ("nav.reports", "/reports", true),
            ("nav.kpis", "/kpis", true),
            ("nav.billing", "/billing", p.role.can(Permission::ViewStatements)),
            ("nav.retention", "/retention", p.role.can(Permission::ManagePersonalData)),
            ("nav.settings", settings_href, settings_ready),
        ];
        let nav = entries
            .into_iter()
            .map(|(key, href, ready)| NavItem { key, href, ready, active: href == current })
            .collect();
        Self {
            user_name: user.session.user.display_name.clone(),
            tenant_name: user.session.tenant_name.clone(),
            role_key: role_key(p.role),
            csrf_token: user.session.csrf_token.clone(),
            nav,
        }
    }
}
