//! Carrier services from CSV (SHP-1): one row per service, every row checked before any is
//! saved, each problem named by row and field.
//!
//! Columns (header row; any order): `code, name, carrier, kind, origins, zones, currency, brackets,
//! volumetric_divisor, min_charge_minor, fuel_surcharge_bp, remote_surcharge_minor, remote_zones,
//! oversize_surcharge_minor, oversize_over_mm, max_weight_g, max_length_mm, max_girth_mm,
//! allowed_traits, max_declared_minor, transit_days_min, transit_days_max, cutoff, active, numbers,
//! number_prefix, number_country`.
//! Lists are separated by `|`: origins `UK-MAN|DE-FRA`; zones `US|CA:V5,V6` (a country, then its
//! postcode prefixes after `:`); brackets `500/100/400/100/50|2000/100/450/100/60` (up to, first
//! weight, first price, additional weight, additional price).

use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::FieldError;
use tradeport_domain::shipping::{Bracket, CarrierService, ServiceInput, Zone, validate_service};
use tradeport_store::shipping::services;

use crate::inventory::{ImportReport, RowError};
use crate::{App, AppError, AppResult};

fn list(cell: &str) -> Vec<String> {
    cell.split('|').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

fn zones(cell: &str) -> Vec<Zone> {
    list(cell)
        .into_iter()
        .map(|z| match z.split_once(':') {
            Some((country, prefixes)) => Zone {
                country: country.trim().to_string(),
                postcode_prefixes: prefixes
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(String::from)
                    .collect(),
            },
            None => Zone { country: z, postcode_prefixes: Vec::new() },
        })
        .collect()
}

/// A bracket cell, or the message saying how to write it.
fn brackets(cell: &str) -> Result<Vec<Bracket>, String> {
    list(cell)
        .iter()
        .map(|b| {
            let n: Vec<i64> = b.split('/').map(|v| v.trim().parse::<i64>()).collect::<Result<_, _>>().map_err(|_| {
                format!("bracket '{b}' must be five whole numbers up_to_g/first_g/first_minor/additional_g/additional_minor")
            })?;
            match n[..] {
                [up_to_g, first_g, first_minor, additional_g, additional_minor] => {
                    Ok(Bracket { up_to_g, first_g, first_minor, additional_g, additional_minor })
                }
                _ => Err(format!("bracket '{b}' must have five numbers separated by /")),
            }
        })
        .collect()
}

/// A service from named cells (a CSV row, or the service form), with the cells that could not be
/// read; the service itself is checked by `validate_service`.
pub fn input_from_cells(get: &dyn Fn(&str) -> String) -> (ServiceInput, Vec<FieldError>) {
    let mut row_errors = Vec::new();
    let mut number = |col: &str| -> i64 {
        let raw = get(col);
        if raw.is_empty() {
            return 0;
        }
        raw.parse().unwrap_or_else(|_| {
            row_errors.push(FieldError::new(
                col,
                "not_a_number",
                format!("{col} must be a whole number, not {raw:?}"),
            ));
            -1
        })
    };
    let input = ServiceInput {
        code: get("code"),
        name: get("name"),
        carrier: get("carrier"),
        kind: get("kind"),
        origins: list(&get("origins")),
        zones: zones(&get("zones")),
        currency: get("currency"),
        brackets: Vec::new(),
        volumetric_divisor: number("volumetric_divisor"),
        min_charge_minor: number("min_charge_minor"),
        fuel_surcharge_bp: number("fuel_surcharge_bp"),
        remote_surcharge_minor: number("remote_surcharge_minor"),
        remote_zones: zones(&get("remote_zones")),
        oversize_surcharge_minor: number("oversize_surcharge_minor"),
        oversize_over_mm: number("oversize_over_mm"),
        max_weight_g: number("max_weight_g"),
        max_length_mm: number("max_length_mm"),
        max_girth_mm: number("max_girth_mm"),
        allowed_traits: list(&get("allowed_traits")),
        max_declared_minor: number("max_declared_minor"),
        transit_days_min: u32::try_from(number("transit_days_min")).unwrap_or(u32::MAX),
        transit_days_max: u32::try_from(number("transit_days_max")).unwrap_or(u32::MAX),
        cutoff: get("cutoff"),
        active: Some(!matches!(get("active").to_ascii_lowercase().as_str(), "false" | "0" | "no")),
        numbers: get("numbers"),
        number_prefix: get("number_prefix"),
        number_country: get("number_country"),
    };
    match brackets(&get("brackets")) {
        Ok(b) => (ServiceInput { brackets: b, ..input }, row_errors),
        Err(message) => {
            row_errors.push(FieldError::new("brackets", "invalid_bracket", message));
            (input, row_errors)
        }
    }
}

/// Imports services from CSV: all rows are saved, or none (the report names each problem).
pub async fn import_services_csv(
    app: &App,
    principal: &Principal,
    csv_text: &str,
) -> AppResult<ImportReport> {
    principal.require(Permission::ManageCarriers)?;
    let unreadable = |row: usize, e: csv::Error| {
        AppError::Invalid(vec![FieldError::new(
            "csv",
            "unreadable_csv",
            format!("row {row} cannot be read as CSV: {e}"),
        )])
    };
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(csv_text.as_bytes());
    let headers = reader.headers().map_err(|e| unreadable(0, e))?.clone();
    if !headers.iter().any(|h| h == "code") {
        return Err(AppError::Invalid(vec![FieldError::new(
            "csv",
            "missing_header",
            "the first row must name the columns, starting with code, name, carrier, kind",
        )]));
    }
    let mut valid = Vec::new();
    let mut errors = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| unreadable(n + 1, e))?;
        let get = |col: &str| {
            headers.iter().position(|h| h == col).and_then(|i| record.get(i)).unwrap_or("").to_string()
        };
        let (input, mut row_errors) = input_from_cells(&get);
        match validate_service(&input) {
            Ok(s) if row_errors.is_empty() => {
                if valid.iter().any(|(_, v): &(String, CarrierService)| v.code == s.code) {
                    row_errors.push(FieldError::new(
                        "code",
                        "duplicate",
                        format!("{} is on an earlier row", s.code),
                    ));
                } else {
                    valid.push((app.new_uuid().to_string(), s));
                }
            }
            Ok(_) => {}
            Err(problems) => row_errors.extend(problems),
        }
        errors.extend(row_errors.into_iter().map(|p| RowError {
            row: n + 1,
            field: p.field,
            message: p.message,
        }));
    }
    if !errors.is_empty() {
        return Ok(ImportReport { saved: 0, errors });
    }
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    services::upsert_in_tx(&mut tx, operator, &valid, app.now()).await?;
    let codes: Vec<&str> = valid.iter().map(|(_, s)| s.code.as_str()).collect();
    let event = tradeport_store::events::NewEvent {
        data: serde_json::json!({ "codes": codes }).to_string(),
        ..app.event(principal.actor, "tenant", operator, "carrier_services_imported")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok(ImportReport { saved: valid.len(), errors: Vec::new() })
}
