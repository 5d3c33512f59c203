//! Marks the integration tests that need PostgreSQL or Chromium as ignored when this machine has
//! neither, so a run without them reports those tests as "ignored" in its totals instead of
//! counting them as passed. With `TRADEPORT_REQUIRE_PG=1` / `TRADEPORT_REQUIRE_BROWSER=1` (CI)
//! nothing is ignored: a missing component fails the tests instead.

use std::path::Path;

fn required(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

fn any_exists(paths: &[&str]) -> bool {
    paths.iter().any(|p| Path::new(p).exists())
}

fn postgres_installed() -> bool {
    if std::env::var_os("TRADEPORT_TEST_PG_URL").is_some() {
        return true;
    }
    if let Some(dir) = std::env::var_os("TRADEPORT_PG_BIN") {
        return Path::new(&dir).join("initdb").exists();
    }
    std::fs::read_dir("/usr/lib/postgresql")
        .map(|versions| versions.flatten().any(|v| v.path().join("bin/initdb").exists()))
        .unwrap_or(false)
}

fn browser_installed() -> bool {
    let chromium = std::env::var_os("TRADEPORT_CHROMIUM").is_some()
        || any_exists(&["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]);
    let driver = std::env::var_os("TRADEPORT_CHROMEDRIVER").is_some()
        || any_exists(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]);
    chromium && driver
}

fn main() {
    for var in [
        "TRADEPORT_REQUIRE_PG",
        "TRADEPORT_REQUIRE_BROWSER",
        "TRADEPORT_TEST_PG_URL",
        "TRADEPORT_PG_BIN",
        "TRADEPORT_CHROMIUM",
        "TRADEPORT_CHROMEDRIVER",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    println!("cargo:rerun-if-changed=build.rs");
    // Installing a package changes these folders: the script runs again and sees it.
    for dir in ["/usr/lib", "/usr/bin"] {
        if Path::new(dir).exists() {
            println!("cargo:rerun-if-changed={dir}");
        }
    }
    println!("cargo:rustc-check-cfg=cfg(tradeport_no_pg)");
    println!("cargo:rustc-check-cfg=cfg(tradeport_no_browser)");
    if !postgres_installed() && !required("TRADEPORT_REQUIRE_PG") {
        println!("cargo:rustc-cfg=tradeport_no_pg");
        println!("cargo:warning=PostgreSQL is not installed: the PostgreSQL tests are marked ignored");
    }
    if !browser_installed() && !required("TRADEPORT_REQUIRE_BROWSER") {
        println!("cargo:rustc-cfg=tradeport_no_browser");
        println!("cargo:warning=Chromium is not installed: the browser tests are marked ignored");
    }
}
