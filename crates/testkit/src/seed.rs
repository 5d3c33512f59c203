//! Realistic data for tests, made through the app's own use cases.

use tradeport_app::access::{self, CreateApiKey, CreateTenant, CreateUser, TenantView, system_principal};
use tradeport_domain::kernel::TenantId;

use crate::TestApp;

/// The password of every seeded user.
pub const PASSWORD: &str = "correct horse battery";

/// An operator with an admin user and key, and two merchants each with a user and a key.
pub struct Seeded {
    pub operator: TenantView,
    pub admin_email: String,
    pub admin_key: String,
    pub merchant_a: TenantView,
    pub merchant_a_email: String,
    pub merchant_a_key: String,
    pub merchant_b: TenantView,
    pub merchant_b_key: String,
}

impl TestApp {
    /// Seeds an operator called `code` with two merchants (`code-a`, `code-b`).
    pub async fn seed(&self, code: &str) -> Seeded {
        let app = &self.app;
        let operator = access::create_operator(
            app,
            &CreateTenant {
                name: format!("{code} Logistics"),
                code: code.into(),
                timezone: "Asia/Shanghai".into(),
            },
        )
        .await
        .expect("operator");
        let admin = system_principal(operator.id);
        let admin_email = format!("admin@{code}.example");
        self.user(&admin, None, &admin_email, "admin").await;
        let admin_key = self.key(&admin, None, "admin").await;
        let mut merchants = Vec::new();
        for suffix in ["a", "b"] {
            let m = access::create_merchant(
                app,
                &admin,
                &CreateTenant {
                    name: format!("Merchant {suffix}"),
                    code: format!("{code}-{suffix}"),
                    timezone: "Europe/London".into(),
                },
            )
            .await
            .expect("merchant");
            let email = format!("ops@{code}-{suffix}.example");
            self.user(&admin, Some(m.id), &email, "merchant").await;
            let key = self.key(&admin, Some(m.id), "merchant").await;
            merchants.push((m, email, key));
        }
        let (merchant_b, _, merchant_b_key) = merchants.pop().expect("two merchants");
        let (merchant_a, merchant_a_email, merchant_a_key) = merchants.pop().expect("two merchants");
        Seeded {
            operator,
            admin_email,
            admin_key,
            merchant_a,
            merchant_a_email,
            merchant_a_key,
            merchant_b,
            merchant_b_key,
        }
    }

    async fn user(
        &self,
        admin: &tradeport_domain::access::Principal,
        tenant_id: Option<TenantId>,
        email: &str,
        role: &str,
    ) {
        let input = CreateUser {
            tenant_id,
            email: email.into(),
            display_name: "Test User".into(),
            role: role.into(),
            password: PASSWORD.into(),
        };
        access::create_user(&self.app, admin, &input).await.expect("user");
    }

    async fn key(
        &self,
        admin: &tradeport_domain::access::Principal,
        tenant_id: Option<TenantId>,
        role: &str,
    ) -> String {
        let input = CreateApiKey { tenant_id, name: format!("{role} key"), role: role.into() };
        access::create_api_key(&self.app, admin, &input).await.expect("key").secret
    }

    /// A staff user with `role` in the seeded operator; returns its e-mail.
    pub async fn staff_user(&self, seeded: &Seeded, role: &str) -> String {
        let email = format!("{role}@{}.example", seeded.operator.code);
        self.user(&system_principal(seeded.operator.id), None, &email, role).await;
        email
    }

    /// An API key of the operator's staff with `role` (e.g. `warehouse`, `supervisor`).
    pub async fn staff_key(&self, seeded: &Seeded, role: &str) -> String {
        self.key(&system_principal(seeded.operator.id), None, role).await
    }
}
