//! `tradeport admin …`: tenants, users and API keys from the command line. Each command acts as
//! the administrator of the operator it names.

use std::io::BufRead;

use anyhow::{Context, bail};
use clap::Subcommand;
use tradeport_app::access::{self, CreateApiKey, CreateTenant, CreateUser, system_principal};
use tradeport_app::{App, AppError};

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create an operator, or with --operator a merchant of that operator. Prints its id.
    CreateTenant {
        #[arg(long)]
        name: String,
        #[arg(long)]
        code: String,
        #[arg(long, default_value = "UTC")]
        timezone: String,
        /// Code of the operator the new merchant belongs to.
        #[arg(long)]
        operator: Option<String>,
    },
    /// Create a user in the tenant with this code. The password comes from --password,
    /// TRADEPORT_PASSWORD or the first line of standard input.
    CreateUser {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        role: String,
        #[arg(long, env = "TRADEPORT_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Create an API key for the tenant with this code. Prints the key alone on stdout.
    CreateApiKey {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        role: String,
    },
    /// Revoke the API key with this id.
    RevokeApiKey {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        id: String,
    },
}

/// Prints what is wrong, field by field, and fails.
pub(crate) fn explain(e: AppError) -> anyhow::Error {
    let fields: Vec<String> = e.fields().iter().map(|f| format!("  {}: {}", f.field, f.message)).collect();
    if fields.is_empty() { anyhow::anyhow!("{e}") } else { anyhow::anyhow!("{e}:\n{}", fields.join("\n")) }
}

pub async fn run(app: &App, cmd: AdminCommand) -> anyhow::Result<()> {
    match cmd {
        AdminCommand::CreateTenant { name, code, timezone, operator } => {
            let input = CreateTenant { name, code, timezone };
            let tenant = match operator {
                None => access::create_operator(app, &input).await,
                Some(op) => {
                    let op =
                        access::tenant_by_code(app, &op).await.map_err(explain).context("the --operator")?;
                    access::create_merchant(app, &system_principal(op.operator_id), &input).await
                }
            }
            .map_err(explain)?;
            println!("{}", tenant.id);
        }
        AdminCommand::CreateUser { tenant, email, name, role, password } => {
            let tenant = access::tenant_by_code(app, &tenant).await.map_err(explain)?;
            let password = match password {
                Some(p) => p,
                None => {
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let input = CreateUser { tenant_id: Some(tenant.id), email, display_name: name, role, password };
            let user = access::create_user(app, &system_principal(tenant.operator_id), &input)
                .await
                .map_err(explain)?;
            println!("{}", user.id);
        }
        AdminCommand::CreateApiKey { tenant, name, role } => {
            let tenant = access::tenant_by_code(app, &tenant).await.map_err(explain)?;
            let input = CreateApiKey { tenant_id: Some(tenant.id), name, role };
            let created = access::create_api_key(app, &system_principal(tenant.operator_id), &input)
                .await
                .map_err(explain)?;
            println!("{}", created.secret);
        }
        AdminCommand::RevokeApiKey { tenant, id } => {
            let tenant = access::tenant_by_code(app, &tenant).await.map_err(explain)?;
            let Ok(id) = id.parse() else {
                bail!("--id must be an API key id (a UUID) as listed by GET /api/v1/api-keys")
            };
            let key = access::revoke_api_key(app, &system_principal(tenant.operator_id), id)
                .await
                .map_err(explain)?;
            eprintln!("revoked API key {} ({})", key.id, key.name);
        }
    }
    Ok(())
}
