//! Roles and what each may do.
//!
//! | permission        | admin | order_manager | reviewer | warehouse | logistics | customer_service | finance | supervisor | merchant |
//! |-------------------|:-----:|:-------------:|:--------:|:---------:|:---------:|:----------------:|:-------:|:----------:|:--------:|
//! | ViewDashboard     |   x   |       x       |    x     |     x     |     x     |        x         |    x    |     x      |    x     |
//! | ManageMerchants   |   x   |               |          |           |           |                  |         |            |          |
//! | ViewMerchants     |   x   |       x       |    x     |     x     |     x     |        x         |    x    |     x      |          |
//! | ManageUsers       |   x   |               |          |           |           |                  |         |            |          |
//! | ManageApiKeys     |   x   |               |          |           |           |                  |         |            |    x     |
//! | ManageSettings    |   x   |               |          |           |           |                  |         |            |          |
//! | ViewSettings      |   x   |       x       |    x     |     x     |     x     |        x         |    x    |     x      |          |
//! | ViewInventory     |   x   |       x       |    x     |     x     |     x     |        x         |    x    |     x      |    x     |
//! | ManageCatalog     |   x   |       x       |          |     x     |           |                  |         |            |    x     |
//! | ManageWarehouses  |   x   |               |          |           |           |                  |         |            |          |
//! | AdjustStock       |   x   |               |          |     x     |           |                  |         |            |          |
//! | ViewOrders        |   x   |       x       |    x     |     x     |     x     |        x         |    x    |     x      |    x     |
//! | CreateOrders      |   x   |       x       |          |           |           |        x         |         |            |    x     |
//! | ReviewOrders      |   x   |       x       |    x     |           |           |                  |         |            |          |
//! | SecondReview      |   x   |               |    x     |           |           |                  |         |            |          |
//! | ChangeOrders      |   x   |       x       |          |           |           |        x         |         |            |          |
//! | ManageGoodsRules  |   x   |               |          |           |           |                  |         |            |          |
//! | SubmitInbound     |   x   |       x       |          |           |           |                  |         |            |    x     |
//! | OperateWarehouse  |   x   |               |          |     x     |           |                  |         |            |          |
//! | ApproveCounts     |   x   |               |          |           |           |                  |         |     x      |          |
//! | ManageCarriers    |   x   |               |          |           |     x     |                  |         |            |          |
//! | IssueRefunds      |   x   |       x       |          |           |           |        x         |    x    |            |          |
//! | HandleExceptions  |   x   |       x       |          |     x     |     x     |        x         |         |     x      |          |
//! | FileAftersales    |   x   |       x       |          |           |           |        x         |         |            |    x     |
//! | ApproveAftersales |   x   |       x       |          |           |           |        x         |    x    |     x      |          |
//! | SuperviseOperations |   x   |               |          |           |           |                  |         |     x      |          |
//! | ManageChannels    |   x   |       x       |          |           |           |                  |         |            |    x     |
//! | ManagePayments    |   x   |               |          |           |           |                  |    x    |            |    x     |
//! | AnswerTickets     |   x   |       x       |          |           |           |        x         |         |     x      |    x     |
//! | ManagePersonalData |   x   |               |          |           |           |                  |         |            |          |
//! | ManageBilling     |   x   |               |          |           |           |                  |    x    |            |          |
//! | ViewStatements    |   x   |               |          |           |           |                  |    x    |     x      |    x     |
//!
//! A merchant's permissions reach only its own tenant's keys, SKUs, stock and orders (see
//! `app::access` and the scope checks of each use case).

use serde::{Deserialize, Serialize};

use super::TenantKind;

/// A role held by a user or an API key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    OrderManager,
    Reviewer,
    Warehouse,
    Logistics,
    CustomerService,
    Finance,
    Supervisor,
    Merchant,
}

/// Something a role may be allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    ViewDashboard,
    ViewMerchants,
    ManageMerchants,
    ManageUsers,
    ManageApiKeys,
    ViewSettings,
    ManageSettings,
    ViewInventory,
    ManageCatalog,
    ManageWarehouses,
    AdjustStock,
    ViewOrders,
    CreateOrders,
    ReviewOrders,
    SecondReview,
    ChangeOrders,
    ManageGoodsRules,
    SubmitInbound,
    OperateWarehouse,
    ApproveCounts,
    ManageCarriers,
    IssueRefunds,
    HandleExceptions,
    /// File an after-sales request for a buyer (a merchant: for its own orders).
    FileAftersales,
    /// Decide after-sales requests, each role up to its approval limit.
    ApproveAftersales,
    /// Enter the supervision group's improvement actions on the monthly reports.
    SuperviseOperations,
    /// Connect sales channels (shops, marketplaces) and import order files (a merchant: its own).
    ManageChannels,
    /// Connect payment provider accounts, see payments and settle them (a merchant: its own).
    ManagePayments,
    /// See and answer customer-service tickets (a merchant: those of its own orders).
    AnswerTickets,
    /// Keep and delete personal data: legal holds, deletion proposals, buyers' data requests.
    ManagePersonalData,
    /// Set merchants' agreements and fee schedules, quote, and correct statements.
    ManageBilling,
    /// See monthly statements (a merchant: its own).
    ViewStatements,
}

impl Permission {
    pub const ALL: [Permission; 32] = [
        Permission::ViewDashboard,
        Permission::ViewMerchants,
        Permission::ManageMerchants,
        Permission::ManageUsers,
        Permission::ManageApiKeys,
        Permission::ViewSettings,
        Permission::ManageSettings,
        Permission::ViewInventory,
        Permission::ManageCatalog,
        Permission::ManageWarehouses,
        Permission::AdjustStock,
        Permission::ViewOrders,
        Permission::CreateOrders,
        Permission::ReviewOrders,
        Permission::SecondReview,
        Permission::ChangeOrders,
        Permission::ManageGoodsRules,
        Permission::SubmitInbound,
        Permission::OperateWarehouse,
        Permission::ApproveCounts,
        Permission::ManageCarriers,
        Permission::IssueRefunds,
        Permission::HandleExceptions,
        Permission::FileAftersales,
        Permission::ApproveAftersales,
        Permission::SuperviseOperations,
        Permission::ManageChannels,
        Permission::ManagePayments,
        Permission::AnswerTickets,
        Permission::ManagePersonalData,
        Permission::ManageBilling,
        Permission::ViewStatements,
    ];

    /// The action in words, for "your role may not …" messages.
    pub fn action(self) -> &'static str {
        match self {
            Self::ViewDashboard => "view the dashboard",
            Self::ViewMerchants => "view merchants",
            Self::ManageMerchants => "create or change merchants",
            Self::ManageUsers => "manage users",
            Self::ManageApiKeys => "manage API keys",
            Self::ViewSettings => "view the operator's settings",
            Self::ManageSettings => "change the operator's settings",
            Self::ViewInventory => "view stock",
            Self::ManageCatalog => "create or change SKUs",
            Self::ManageWarehouses => "create or change warehouses",
            Self::AdjustStock => "adjust stock",
            Self::ViewOrders => "view orders",
            Self::CreateOrders => "enter orders",
            Self::ReviewOrders => "review orders",
            Self::SecondReview => "give the second review (reviewers only)",
            Self::ChangeOrders => "change or cancel orders",
            Self::ManageGoodsRules => "change the prohibited-goods rules",
            Self::SubmitInbound => "draft and submit inbound notices",
            Self::OperateWarehouse => "receive, put away, pick, pack and hand over goods",
            Self::ApproveCounts => "approve stock count variances (supervisors only)",
            Self::ManageCarriers => "change the carrier services and their rate cards",
            Self::IssueRefunds => "refund orders",
            Self::HandleExceptions => "open and work exception cases",
            Self::FileAftersales => "file after-sales requests",
            Self::ApproveAftersales => "decide after-sales requests",
            Self::SuperviseOperations => "enter improvement actions (supervisors only)",
            Self::ManageChannels => "connect sales channels and import order files",
            Self::ManagePayments => "connect payment accounts and see payments",
            Self::AnswerTickets => "see and answer customer-service tickets",
            Self::ManagePersonalData => "hold, export or delete personal data (admins only)",
            Self::ManageBilling => "set agreements and fees, quote and correct statements",
            Self::ViewStatements => "see monthly statements",
        }
    }
}

impl Role {
    /// Every role, staff roles first.
    pub const ALL: [Role; 9] = [
        Role::Admin,
        Role::OrderManager,
        Role::Reviewer,
        Role::Warehouse,
        Role::Logistics,
        Role::CustomerService,
        Role::Finance,
        Role::Supervisor,
        Role::Merchant,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::OrderManager => "order_manager",
            Self::Reviewer => "reviewer",
            Self::Warehouse => "warehouse",
            Self::Logistics => "logistics",
            Self::CustomerService => "customer_service",
            Self::Finance => "finance",
            Self::Supervisor => "supervisor",
            Self::Merchant => "merchant",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The kind of tenant whose users may hold this role.
    pub fn tenant_kind(self) -> TenantKind {
        if self == Self::Merchant { TenantKind::Merchant } else { TenantKind::Operator }
    }

    /// Whether this role may do `permission` (the table in the module doc).
    pub fn can(self, permission: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match permission {
            ViewDashboard | ViewInventory | ViewOrders => true,
            ViewMerchants | ViewSettings => self != Merchant,
            ManageApiKeys => matches!(self, Admin | Merchant),
            ManageMerchants | ManageUsers | ManageSettings | ManageWarehouses | ManageGoodsRules
            | ManagePersonalData => self == Admin,
            ManageCatalog => matches!(self, Admin | OrderManager | Warehouse | Merchant),
            AdjustStock => matches!(self, Admin | Warehouse),
            CreateOrders => matches!(self, Admin | OrderManager | CustomerService | Merchant),
            ManageChannels => matches!(self, Admin | OrderManager | Merchant),
            ManagePayments => matches!(self, Admin | Finance | Merchant),
            ManageBilling => matches!(self, Admin | Finance),
            ViewStatements => matches!(self, Admin | Finance | Supervisor | Merchant),
            AnswerTickets => matches!(self, Admin | OrderManager | CustomerService | Supervisor | Merchant),
            ReviewOrders => matches!(self, Admin | OrderManager | Reviewer),
            SecondReview => matches!(self, Admin | Reviewer),
            ChangeOrders => matches!(self, Admin | OrderManager | CustomerService),
            SubmitInbound => matches!(self, Admin | OrderManager | Merchant),
            OperateWarehouse => matches!(self, Admin | Warehouse),
            ApproveCounts | SuperviseOperations => matches!(self, Admin | Supervisor),
            ManageCarriers => matches!(self, Admin | Logistics),
            IssueRefunds => matches!(self, Admin | OrderManager | CustomerService | Finance),
            HandleExceptions => {
                matches!(self, Admin | OrderManager | Warehouse | Logistics | CustomerService | Supervisor)
            }
            FileAftersales => matches!(self, Admin | OrderManager | CustomerService | Merchant),
            ApproveAftersales => {
                matches!(self, Admin | OrderManager | CustomerService | Finance | Supervisor)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every cell of the table in this module's documentation is what `Role::can` answers: the
    /// table is the specification, and a new permission or role without a row or column fails.
    #[test]
    fn the_documented_table_is_the_permission_table_cell_by_cell() {
        let source = include_str!("role.rs");
        let rows: Vec<Vec<String>> = source
            .lines()
            .filter_map(|l| l.strip_prefix("//! |"))
            .map(|l| l.split('|').map(|c| c.trim().to_string()).collect())
            .collect();
        let header = &rows[0];
        let columns: Vec<Role> = header[1..header.len() - 1]
            .iter()
            .map(|name| Role::parse(name).unwrap_or_else(|| panic!("unknown role column {name}")))
            .collect();
        assert_eq!(columns, Role::ALL, "one column per role, in Role::ALL order");
        let mut seen = Vec::new();
        for row in &rows[2..] {
            let name = &row[0];
            let permission = *Permission::ALL
                .iter()
                .find(|p| format!("{p:?}") == *name)
                .unwrap_or_else(|| panic!("unknown permission row {name}"));
            seen.push(permission);
            for (role, cell) in columns.iter().zip(&row[1..]) {
                assert_eq!(
                    role.can(permission),
                    cell == "x",
                    "{role:?} / {permission:?}: the table says {cell:?}"
                );
            }
        }
        assert_eq!(seen.len(), Permission::ALL.len(), "one row per permission");
        assert!(Permission::ALL.iter().all(|p| seen.contains(p)));
    }

    #[test]
    fn only_admins_manage_users_settings_and_merchants() {
        for role in Role::ALL {
            let admin = role == Role::Admin;
            assert_eq!(role.can(Permission::ManageUsers), admin, "{role:?}");
            assert_eq!(role.can(Permission::ManageSettings), admin, "{role:?}");
            assert_eq!(role.can(Permission::ManageMerchants), admin, "{role:?}");
        }
    }

    #[test]
    fn merchants_cannot_see_operator_settings_or_other_merchants() {
        assert!(!Role::Merchant.can(Permission::ViewSettings));
        assert!(!Role::Merchant.can(Permission::ViewMerchants));
        assert!(Role::Merchant.can(Permission::ManageApiKeys));
    }

    #[test]
    fn only_reviewers_and_admins_give_the_second_review() {
        let allowed: Vec<Role> = Role::ALL.into_iter().filter(|r| r.can(Permission::SecondReview)).collect();
        assert_eq!(allowed, [Role::Admin, Role::Reviewer]);
        assert!(!Role::Merchant.can(Permission::ReviewOrders));
        assert!(Role::Merchant.can(Permission::CreateOrders));
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
