//! Validation of new tenants, users and API keys: every problem becomes a field error that says
//! how to fix it.

use super::{Role, TenantKind};
use crate::kernel::{Email, FieldError, FieldErrors};

/// Shortest password accepted.
pub const PASSWORD_MIN_LEN: usize = 10;

/// A tenant to create, after validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTenant {
    pub kind: TenantKind,
    pub name: String,
    /// Short unique code, lower-case letters, digits and '-', e.g. `lumen-home`.
    pub code: String,
    /// IANA time zone name, e.g. `Asia/Shanghai`.
    pub timezone: String,
}

/// A user to create, after validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUser {
    pub email: Email,
    pub display_name: String,
    pub role: Role,
}

/// An API key to create, after validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewApiKey {
    pub name: String,
    pub role: Role,
}

fn required_text(errors: &mut FieldErrors, field: &str, value: &str, max: usize, example: &str) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.add(field, "required", format!("{field} is required, e.g. {example}"));
    } else if v.chars().count() > max {
        errors.add(field, "too_long", format!("{field} must be at most {max} characters"));
    }
    v.to_string()
}

fn parse_role(errors: &mut FieldErrors, field: &str, raw: &str, tenant_kind: TenantKind) -> Option<Role> {
    match Role::parse(raw) {
        None => {
            let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
            errors.add(field, "unknown_role", format!("role must be one of: {}", names.join(", ")));
            None
        }
        Some(role) if role.tenant_kind() != tenant_kind => {
            let msg = match tenant_kind {
                TenantKind::Merchant => "a merchant tenant's users and keys have the role 'merchant'",
                TenantKind::Operator => "the role 'merchant' belongs to merchant tenants; pick a staff role",
            };
            errors.add(field, "role_not_allowed_for_tenant", msg);
            None
        }
        Some(role) => Some(role),
    }
}

/// Validates a tenant; `timezone_known` says whether a time zone name exists (the caller owns the
/// time zone database).
pub fn validate_new_tenant(
    kind: TenantKind,
    name: &str,
    code: &str,
    timezone: &str,
    timezone_known: impl Fn(&str) -> bool,
) -> Result<NewTenant, Vec<FieldError>> {
    let mut errors = FieldErrors::new();
    let name = required_text(&mut errors, "name", name, 120, "Lumen Home Goods");
    let code = code.trim().to_lowercase();
    let code_ok = (2..=40).contains(&code.len())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !code.starts_with('-');
    if !code_ok {
        errors.add(
            "code",
            "invalid_code",
            "code must be 2-40 lower-case letters, digits or '-', e.g. lumen-home",
        );
    }
    if !timezone_known(timezone.trim()) {
        errors.add(
            "timezone",
            "unknown_timezone",
            "timezone must be an IANA name, e.g. Asia/Shanghai or Europe/London",
        );
    }
    errors.into_result()?;
    Ok(NewTenant { kind, name, code, timezone: timezone.trim().to_string() })
}

/// Checks a new password; returns the problem in words.
pub fn check_password(password: &str) -> Result<(), &'static str> {
    if password.chars().count() < PASSWORD_MIN_LEN {
        return Err("password must be at least 10 characters");
    }
    if password.len() > 1024 {
        return Err("password must be at most 1024 bytes");
    }
    Ok(())
}

/// Validates a user for a tenant of `tenant_kind`.
pub fn validate_new_user(
    tenant_kind: TenantKind,
    email: &str,
    display_name: &str,
    role: &str,
    password: &str,
) -> Result<NewUser, Vec<FieldError>> {
    let mut errors = FieldErrors::new();
    let email = match Email::parse(email) {
        Ok(e) => Some(e),
        Err(why) => {
            errors.add("email", "invalid_email", format!("email {why}"));
            None
        }
    };
    let display_name = required_text(&mut errors, "display_name", display_name, 120, "Li Wei");
    let role = parse_role(&mut errors, "role", role, tenant_kind);
    if let Err(why) = check_password(password) {
        errors.add("password", "weak_password", why);
    }
    errors.into_result()?;
    match (email, role) {
        (Some(email), Some(role)) => Ok(NewUser { email, display_name, role }),
        _ => unreachable!("errors were recorded for missing email or role"),
    }
}

/// Validates an API key for a tenant of `tenant_kind`.
pub fn validate_new_api_key(
    tenant_kind: TenantKind,
    name: &str,
    role: &str,
) -> Result<NewApiKey, Vec<FieldError>> {
    let mut errors = FieldErrors::new();
    let name = required_text(&mut errors, "name", name, 80, "shopify-sync");
    let role = parse_role(&mut errors, "role", role, tenant_kind);
    errors.into_result()?;
    match role {
        Some(role) => Ok(NewApiKey { name, role }),
        None => unreachable!("an error was recorded for a missing role"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_with_every_problem_gets_every_field_error() {
        let errs = validate_new_user(TenantKind::Operator, "nope", " ", "merchant", "short").unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "display_name", "role", "password"]);
        assert_eq!(errs[2].code, "role_not_allowed_for_tenant");
    }

    #[test]
    fn a_merchant_user_must_have_the_merchant_role() {
        assert!(validate_new_user(TenantKind::Merchant, "a@b.io", "A", "admin", "long enough pw").is_err());
        let ok =
            validate_new_user(TenantKind::Merchant, "a@b.io", "A", "merchant", "long enough pw").unwrap();
        assert_eq!(ok.role, Role::Merchant);
    }

    #[test]
    fn tenant_codes_and_time_zones_are_checked() {
        let errs =
            validate_new_tenant(TenantKind::Merchant, "X", "Bad Code", "Mars/Base", |_| false).unwrap_err();
        assert_eq!(
            errs.iter().map(|e| e.code.as_str()).collect::<Vec<_>>(),
            ["invalid_code", "unknown_timezone"]
        );
        let ok =
            validate_new_tenant(TenantKind::Merchant, " Lumen ", "Lumen-Home", "Europe/London", |_| true)
                .unwrap();
        assert_eq!((ok.name.as_str(), ok.code.as_str()), ("Lumen", "lumen-home"));
    }
}
