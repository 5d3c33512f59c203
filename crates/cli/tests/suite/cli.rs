//! The `tradeport admin` commands, run as a separate process on the app's database.

use std::process::Command;

use reqwest::StatusCode;
use tradeport_testkit::{TestApp, db_tests};

use crate::helpers::get;

db_tests!(admin_commands_create_tenants_users_and_keys_that_work_at_once);

pub(crate) fn tradeport(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tradeport"))
        .arg("--database-url")
        .arg(&app.database_url)
        .args(args)
        .env("TRADEPORT_LOG", "warn")
        .output()
        .expect("the binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn admin_commands_create_tenants_users_and_keys_that_work_at_once(app: TestApp) {
    let (ok, id, err) = tradeport(
        &app,
        &[
            "admin",
            "create-tenant",
            "--name",
            "Harbour 3PL",
            "--code",
            "harbour",
            "--timezone",
            "Asia/Shanghai",
        ],
    );
    assert!(ok, "{err}");
    assert!(uuid::Uuid::parse_str(id.trim()).is_ok(), "prints the id alone: {id:?}");
    let (ok, _, err) = tradeport(
        &app,
        &["admin", "create-tenant", "--name", "Kite Toys", "--code", "kite", "--operator", "harbour"],
    );
    assert!(ok, "{err}");
    let (ok, _, err) = tradeport(&app, &["admin", "create-tenant", "--name", "Dup", "--code", "kite"]);
    assert!(!ok && err.contains("code"), "a duplicate code is refused, naming the field: {err}");

    let create_boss = |password: &str| {
        let args = ["admin", "create-user", "--tenant", "harbour", "--email", "boss@harbour.example"];
        tradeport(&app, &[&args[..], &["--name", "Boss", "--role", "admin", "--password", password]].concat())
    };
    let (ok, _, err) = create_boss("short");
    assert!(!ok && err.contains("password must be at least 10 characters"), "{err}");
    let (ok, _, err) = create_boss("a long password");
    assert!(ok, "{err}");

    let (ok, key, err) = tradeport(
        &app,
        &["admin", "create-api-key", "--tenant", "kite", "--name", "shop", "--role", "merchant"],
    );
    assert!(ok, "{err}");
    let key = key.trim();
    assert!(key.starts_with("tpk_") && key.len() == 52, "the key alone on stdout: {key:?}");
    let (status, me) = get(&app, "/api/v1/me", key).await;
    assert_eq!((status, me["tenant_kind"].as_str()), (StatusCode::OK, Some("merchant")));

    let key_id = me["actor_id"].as_str().unwrap().to_string();
    let (ok, _, err) = tradeport(&app, &["admin", "revoke-api-key", "--tenant", "harbour", "--id", &key_id]);
    assert!(ok, "{err}");
    assert_eq!(get(&app, "/api/v1/me", key).await.0, StatusCode::UNAUTHORIZED);
}

/// The demo's API keys file is readable by its owner only; a database password never appears in
/// an error.
#[test]
fn the_demo_keys_file_is_private_and_database_passwords_are_not_printed() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys.txt");
    let db = dir.path().join("demo.db");
    let out = Command::new(env!("CARGO_BIN_EXE_tradeport"))
        .args(["--database-url", db.to_str().unwrap(), "demo", "--keys-file", keys.to_str().unwrap()])
        .env("TRADEPORT_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mode = std::fs::metadata(&keys).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "only the owner may read the keys");
    assert_eq!(std::fs::read_to_string(&keys).unwrap().lines().filter(|l| l.contains("tpk_")).count(), 3);

    let url = "postgres://tradeport:hunter2-secret@127.0.0.1:1/nowhere";
    let out = Command::new(env!("CARGO_BIN_EXE_tradeport"))
        .args(["--database-url", url, "migrate"])
        .env("TRADEPORT_LOG", "debug")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(printed.contains("tradeport:***@127.0.0.1:1/nowhere"), "{printed}");
    assert!(!printed.contains("hunter2"), "{printed}");
}
