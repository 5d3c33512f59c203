//! Carrier services from CSV (SHP-1): one row per service, every row checked before any is
//! saved, each problem named by row and field.
//!
//! Columns (header row; any order): `code, name, carrier, kind, origins, zones, currency, brackets,
//! volumetric_divisor, min_charge_minor, fuel_surcharge_bp, remote_surcharge_minor, remote_zones,
//! oversize_surcharge_minor, oversize_over_mm, max_weight_g, max_length_mm, max_girth_mm,
//! allowed_traits, max_declared_minor, transit_days_min, transit_days_max, cutoff, active, numbers,
//! number_prefix, number_country, easypost_service`.
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

/// The columns a service's CSV row (and the service form) may have.
pub const COLUMNS: [&str; 28] = [
    "code",
    "name",
    "carrier",
    "kind",
    "origins",
    "zones",
    "currency",
    "brackets",
    "volumetric_divisor",
    "min_charge_minor",
    "fuel_surcharge_bp",
    "remote_surcharge_minor",
    "remote_zones",
    "oversize_surcharge_minor",
    "oversize_over_mm",
    "max_weight_g",
    "max_length_mm",
    "max_girth_mm",
    "allowed_traits",
    "max_declared_minor",
    "transit_days_min",
    "transit_days_max",
    "cutoff",
    "active",
    "numbers",
    "number_prefix",
    "number_country",
    "easypost_service",
];

/// A service written as cells (the inverse of `input_from_cells`): what the service form starts
/// from, so a field the form does not show keeps its value.
pub fn cells_of(s: &ServiceInput) -> Vec<(&'static str, String)> {
    let zones = |zs: &[Zone]| {
        zs.iter()
            .map(|z| {
                if z.postcode_prefixes.is_empty() {
                    z.country.clone()
                } else {
                    format!("{}:{}", z.country, z.postcode_prefixes.join(","))
                }
            })
            .collect::<Vec<_>>()
            .join("|")
    };
    let brackets = s
        .brackets
        .iter()
        .map(|b| {
            format!("{}/{}/{}/{}/{}", b.up_to_g, b.first_g, b.first_minor, b.additional_g, b.additional_minor)
        })
        .collect::<Vec<_>>()
        .join("|");
    let values = [
        s.code.clone(),
        s.name.clone(),
        s.carrier.clone(),
        s.kind.clone(),
        s.origins.join("|"),
        zones(&s.zones),
        s.currency.clone(),
        brackets,
        s.volumetric_divisor.to_string(),
        s.min_charge_minor.to_string(),
        s.fuel_surcharge_bp.to_string(),
        s.remote_surcharge_minor.to_string(),
        zones(&s.remote_zones),
        s.oversize_surcharge_minor.to_string(),
        s.oversize_over_mm.to_string(),
        s.max_weight_g.to_string(),
        s.max_length_mm.to_string(),
        s.max_girth_mm.to_string(),
        s.allowed_traits.join("|"),
        s.max_declared_minor.to_string(),
        s.transit_days_min.to_string(),
        s.transit_days_max.to_string(),
        s.cutoff.clone(),
        s.active.unwrap_or(true).to_string(),
        s.numbers.clone(),
        s.number_prefix.clone(),
        s.number_country.clone(),
        s.easypost_service.clone(),
    ];
    COLUMNS.into_iter().zip(values).collect()
}

/// A service from named cells (a CSV row, or the service form), with the cells that could not be
/// read; the service itself is checked by `validate_service`.
pub fn input_from_cells(get: &dyn Fn(&str) -> String) -> (ServiceInput, Vec<FieldError>) {
    let mut row_errors = Vec::new();
    let mut days = |col: &str| -> u32 {
        let raw = get(col);
        if raw.is_empty() {
            return 0;
        }
        raw.parse().unwrap_or_else(|_| {
            row_errors.push(FieldError::new(
                col,
                "not_a_number",
                format!("{col} must be a whole number of days, not {raw:?}"),
            ));
            0
        })
    };
    let (transit_days_min, transit_days_max) = (days("transit_days_min"), days("transit_days_max"));
    let active = match get("active").to_ascii_lowercase().as_str() {
        "" | "true" | "1" | "yes" => true,
        "false" | "0" | "no" => false,
        other => {
            row_errors.push(FieldError::new(
                "active",
                "not_a_flag",
                format!("active must be true or false, not {other:?}"),
            ));
            true
        }
    };
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
        transit_days_min,
        transit_days_max,
        cutoff: get("cutoff"),
        active: Some(active),
        numbers: get("numbers"),
        number_prefix: get("number_prefix"),
        number_country: get("number_country"),
        easypost_service: get("easypost_service"),
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
    if let Some(unknown) = headers.iter().find(|h| !COLUMNS.contains(h)) {
        return Err(AppError::Invalid(vec![FieldError::new(
            "csv",
            "unknown_column",
            format!("there is no column {unknown:?}; the columns are {}", COLUMNS.join(", ")),
        )]));
    }
    let mut valid = Vec::new();
    let mut errors = Vec::new();
    let mut conn = app.db().read().await?;
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| unreadable(n + 1, e))?;
        let get = |col: &str| {
            headers.iter().position(|h| h == col).and_then(|i| record.get(i)).unwrap_or("").to_string()
        };
        let (input, mut row_errors) = input_from_cells(&get);
        match validate_service(&input) {
            Ok(s) if row_errors.is_empty() => {
                if let Some(e) =
                    super::services::unknown_origins(&mut conn, principal.scope.operator_id, &s).await?
                {
                    row_errors.push(e);
                } else if valid.iter().any(|(_, v): &(String, CarrierService)| v.code == s.code) {
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
            // A cell that could not be read is reported once, not again as a missing value.
            Err(problems) => {
                let seen: Vec<String> = row_errors.iter().map(|r| r.field.clone()).collect();
                row_errors.extend(problems.into_iter().filter(|p| !seen.contains(&p.field)))
            }
        }
        errors.extend(row_errors.into_iter().map(|p| RowError {
            row: n + 1,
            field: p.field,
            message: p.message,
        }));
    }
    drop(conn);
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
