//! Storage errors. A unique violation is reported with the constraint's name on both databases:
//! PostgreSQL names it; SQLite names the columns, which are mapped back to the name here.

use thiserror::Error;

/// Every unique constraint by name, with the `table.column` text SQLite reports for it and the
/// input field a caller names to fix it. A test proves this covers every unique constraint of
/// the schema (`every_unique_constraint_is_mapped_to_a_field`).
pub const UNIQUE_CONSTRAINTS: &[(&str, &str, &str)] = &[
    ("tenants_code_key", "tenants.code", "code"),
    ("coupons_tenant_code_key", "coupons.tenant_id, coupons.code", "code"),
    ("disposition_rules_pkey", "disposition_rules.merchant_id, disposition_rules.condition", "condition"),
    ("users_email_key", "users.email", "email"),
    ("api_keys_key_hash_key", "api_keys.key_hash", "key"),
    ("idempotency_keys_pkey", "idempotency_keys.principal, idempotency_keys.idem_key", "Idempotency-Key"),
    ("skus_merchant_sku_key", "skus.merchant_id, skus.sku", "sku"),
    ("warehouses_tenant_code_key", "warehouses.tenant_id, warehouses.code", "code"),
    ("stock_balances_pkey", "stock_balances.sku_id, stock_balances.warehouse_id", "warehouse_id"),
    ("goods_rules_tenant_code_key", "goods_rules.tenant_id, goods_rules.code", "code"),
    ("orders_channel_key", "orders.merchant_id, orders.channel, orders.channel_order_id", "channel_order_id"),
    ("orders_order_no_key", "orders.tenant_id, orders.order_no", "order_no"),
    ("order_lines_order_line_key", "order_lines.order_id, order_lines.line_no", "lines"),
    ("order_number_counters_pkey", "order_number_counters.tenant_id, order_number_counters.day", "order_no"),
    // Written only by a clock's start, which skips an existing clock; listed so that every one is.
    (
        "sla_clocks_subject_step_key",
        "sla_clocks.subject_type, sla_clocks.subject_id, sla_clocks.step",
        "step",
    ),
    // Written only by an upsert (one calendar per owner); listed so that every constraint is.
    ("calendars_owner_key", "calendars.tenant_id, calendars.warehouse_id", "warehouse_id"),
    // Written by upserts and ON CONFLICT DO NOTHING only; listed so that every constraint is.
    (
        "recurring_jobs_scope_key",
        "recurring_jobs.tenant_id, recurring_jobs.kind, recurring_jobs.scope",
        "scope",
    ),
    (
        "sla_sweeps_run_key",
        "sla_sweeps.tenant_id, sla_sweeps.scope, sla_sweeps.scheduled_for",
        "scheduled_for",
    ),
    // Written with ON CONFLICT DO NOTHING only (opting out twice is once).
    (
        "notification_opt_outs_pkey",
        "notification_opt_outs.tenant_id, notification_opt_outs.address",
        "address",
    ),
    // Written with ON CONFLICT DO UPDATE only (saving a wording again replaces it).
    (
        "message_templates_pkey",
        "message_templates.tenant_id, message_templates.message, message_templates.language",
        "language",
    ),
    // Written with ON CONFLICT DO NOTHING only (a repeat delivery is noted once).
    (
        "notification_lags_pkey",
        "notification_lags.tenant_id, notification_lags.outbox_id, notification_lags.channel",
        "channel",
    ),
    // Written only by the fold's upsert; listed so that every constraint is.
    (
        "order_status_counts_pkey",
        "order_status_counts.tenant_id, order_status_counts.merchant_id, order_status_counts.status",
        "status",
    ),
    // Warehouse operations. Upserts and generated numbers; listed so that every constraint is.
    ("serial_counters_pkey", "serial_counters.tenant_id, serial_counters.series", "series"),
    ("bins_warehouse_code_key", "bins.warehouse_id, bins.code", "code"),
    ("bin_balances_pkey", "bin_balances.sku_id, bin_balances.bin_id, bin_balances.lot", "bin_id"),
    ("asns_tenant_no_key", "asns.tenant_id, asns.asn_no", "asn_no"),
    ("asn_cartons_line_key", "asn_cartons.asn_id, asn_cartons.line_no", "cartons"),
    ("asn_counts_pkey", "asn_counts.asn_id, asn_counts.sku_id", "sku"),
    ("waves_tenant_no_key", "waves.tenant_id, waves.wave_no", "wave_no"),
    ("box_types_pkey", "box_types.tenant_id, box_types.code", "code"),
    ("packages_order_no_key", "packages.order_id, packages.package_no", "package_no"),
    ("package_items_pkey", "package_items.package_id, package_items.sku_id", "sku"),
    ("handovers_tenant_no_key", "handovers.tenant_id, handovers.handover_no", "handover_no"),
    ("counts_tenant_no_key", "counts.tenant_id, counts.count_no", "count_no"),
    (
        "count_lines_pkey",
        "count_lines.count_id, count_lines.bin_id, count_lines.sku_id, count_lines.lot",
        "lines",
    ),
    ("safety_stock_pkey", "safety_stock.sku_id, safety_stock.warehouse_id", "warehouse_id"),
    ("user_warehouses_pkey", "user_warehouses.user_id, user_warehouses.warehouse_id", "warehouse_ids"),
    ("packing_inserts_merchant_code_key", "packing_inserts.merchant_id, packing_inserts.code", "code"),
    ("carrier_services_tenant_code_key", "carrier_services.tenant_id, carrier_services.code", "code"),
    ("shipments_package_key", "shipments.package_id", "package_id"),
    ("shipments_tenant_tracking_key", "shipments.tenant_id, shipments.tracking_no", "tracking_no"),
    (
        "tracking_events_once_key",
        "tracking_events.tenant_id, tracking_events.tracking_no, tracking_events.source, tracking_events.happened_at, tracking_events.carrier_code",
        "tracking_no",
    ),
    ("tracking_sources_pkey", "tracking_sources.tenant_id, tracking_sources.provider", "provider"),
    ("tracking_links_order_key", "tracking_links.order_id", "order_id"),
    // Tokens are random (24 bytes): listed so that every constraint is.
    ("tracking_links_pkey", "tracking_links.token", "token"),
    ("customs_declarations_pkey", "customs_declarations.shipment_id", "shipment_id"),
    (
        "lane_rules_lane_key",
        "lane_rules.tenant_id, lane_rules.origin, lane_rules.destination, lane_rules.service, lane_rules.kind",
        "kind",
    ),
    ("exception_cases_open_key", "exception_cases.tenant_id, exception_cases.open_key", "rule_kind"),
    ("refunds_request_key", "refunds.tenant_id, refunds.order_id, refunds.request_key", "request_key"),
    ("case_causes_pkey", "case_causes.tenant_id, case_causes.code", "code"),
    (
        "channel_deliveries_key",
        "channel_deliveries.connection_id, channel_deliveries.delivery_key",
        "delivery_key",
    ),
    ("channel_order_links_pkey", "channel_order_links.order_id", "order_id"),
    ("import_mappings_pkey", "import_mappings.merchant_id", "merchant_id"),
    ("order_risk_pkey", "order_risk.order_id", "order_id"),
    ("presales_pkey", "presales.sku_id", "sku_id"),
    ("order_presales_pkey", "order_presales.order_id, order_presales.sku_id", "sku_id"),
    ("payments_reference_key", "payments.account_id, payments.reference", "reference"),
    ("payment_events_key", "payment_events.account_id, payment_events.event_id", "event_id"),
    ("support_mailboxes_pkey", "support_mailboxes.address", "address"),
    ("surveys_token_key", "surveys.token_sha256", "token"),
    // Written only by the audit sealer, whose collision is a second sealer at work.
    ("audit_chain_pkey", "audit_chain.tenant_id, audit_chain.seq", "seq"),
    ("audit_chain_event_key", "audit_chain.event_id", "event_id"),
    // Written only by upserts of the KPI roll-up; listed so that every constraint is.
    (
        "kpi_daily_pkey",
        "kpi_daily.tenant_id, kpi_daily.day, kpi_daily.merchant_id, kpi_daily.department, kpi_daily.person, kpi_daily.measure",
        "day",
    ),
    ("kpi_cursors_pkey", "kpi_cursors.tenant_id", "tenant_id"),
    // Written only by the triggers of migration 0069, with an upsert.
    ("config_versions_pkey", "config_versions.tenant_id", "tenant_id"),
    // Written only with ON CONFLICT DO NOTHING (an order is archived once).
    ("order_archives_pkey", "order_archives.order_id", "order_id"),
    // Written only with ON CONFLICT DO NOTHING (a month's report is filed once).
    ("supervision_reports_pkey", "supervision_reports.tenant_id, supervision_reports.month", "month"),
    // Written only by the conditional upsert of a channel order's newest change.
    (
        "channel_order_versions_pkey",
        "channel_order_versions.connection_id, channel_order_versions.external_id",
        "external_id",
    ),
    ("surveys_order_key", "surveys.order_id", "order_id"),
    ("ticket_viewers_pkey", "ticket_viewers.ticket_id, ticket_viewers.user_key", "user_key"),
    (
        "canned_replies_name_key",
        "canned_replies.tenant_id, canned_replies.name, canned_replies.language",
        "name",
    ),
    (
        "ticket_messages_external_key",
        "ticket_messages.tenant_id, ticket_messages.channel, ticket_messages.external_id",
        "external_id",
    ),
    ("aftersales_requests_rma_key", "aftersales_requests.tenant_id, aftersales_requests.rma_no", "rma_no"),
    (
        "aftersales_policies_scope_key",
        "aftersales_policies.tenant_id, aftersales_policies.merchant_key, aftersales_policies.category, aftersales_policies.market",
        "market",
    ),
    ("legal_holds_pkey", "legal_holds.order_id", "order_id"),
    // Written once per order when the proposal is made; listed so that every constraint is.
    (
        "deletion_proposal_orders_pkey",
        "deletion_proposal_orders.proposal_id, deletion_proposal_orders.order_id",
        "order_id",
    ),
    // Written only by the snapshot job, which replaces a day's rows; listed so that every one is.
    (
        "stock_snapshots_pkey",
        "stock_snapshots.tenant_id, stock_snapshots.day, stock_snapshots.sku_id, stock_snapshots.warehouse_id, stock_snapshots.received_on",
        "day",
    ),
    ("stock_snapshot_days_pkey", "stock_snapshot_days.tenant_id, stock_snapshot_days.day", "day"),
    ("billing_statements_pkey", "billing_statements.merchant_id, billing_statements.month", "month"),
    // A partial unique index (one open proposal per operator); the proposer treats it as open.
    ("deletion_proposals_open_key", "deletion_proposals.tenant_id", "proposal"),
];

/// What can go wrong in storage.
#[derive(Debug, Error)]
pub enum StoreError {
    /// A unique constraint refused the write.
    #[error("unique constraint {constraint} violated")]
    Conflict {
        constraint: &'static str,
        /// The input field that must change.
        field: &'static str,
    },
    /// A stored value could not be read back (a bug or a hand-edited row).
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Database(sqlx::Error),
    /// The write was rolled back with the rest of its batch (SQLite's group commit): nothing of
    /// it was saved.
    #[error("the write was not saved: {0}")]
    NotSaved(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err
            && db.is_unique_violation()
        {
            let named = db.constraint().map(str::to_owned);
            let message = db.message().to_owned();
            let found = UNIQUE_CONSTRAINTS
                .iter()
                .find(|(name, columns, _)| named.as_deref() == Some(*name) || message.ends_with(columns));
            if let Some((name, _, field)) = found {
                return Self::Conflict { constraint: name, field };
            }
        }
        Self::Database(err)
    }
}

impl StoreError {
    /// Whether this is the named unique constraint.
    pub fn is_conflict_on(&self, constraint: &str) -> bool {
        matches!(self, Self::Conflict { constraint: c, .. } if *c == constraint)
    }
}
