//! `tradeport demo` and `serve --demo`: loads the demo data and says how to use it.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use tradeport_app::App;
use tradeport_app::demo::{DEMO_ADMIN_EMAIL, DEMO_PASSWORD, load_demo};

#[derive(Args, Default)]
pub struct DemoArgs {
    /// Where to write the demo API keys (they are shown once and stored only hashed).
    #[arg(long, default_value = "tradeport-demo-keys.txt")]
    keys_file: Option<PathBuf>,
}

/// What to tell the person who loaded the demo.
pub struct Summary {
    created: bool,
    orders: usize,
    keys_file: PathBuf,
}

impl Summary {
    pub fn describe(&self, url: &str) -> String {
        let mut s = String::new();
        let state = if self.created {
            format!("loaded ({} orders)", self.orders)
        } else {
            "already present".to_string()
        };
        let _ = writeln!(s, "Demo data {state}.");
        let _ = writeln!(s, "  Open       {url}/");
        let _ = writeln!(s, "  Sign in as {DEMO_ADMIN_EMAIL} / {DEMO_PASSWORD}");
        let _ = writeln!(
            s,
            "  (every demo user, e.g. reviewer@pacific-bridge.example or ops@lumen-home.example, has that password)"
        );
        let _ = write!(s, "  API keys   {} (API docs at {url}/api/docs)", self.keys_file.display());
        s
    }
}

pub async fn run(app: &App, args: &DemoArgs) -> anyhow::Result<Summary> {
    let keys_file = args.keys_file.clone().unwrap_or_else(|| PathBuf::from("tradeport-demo-keys.txt"));
    let demo = load_demo(app).await.map_err(|e| {
        let fields: Vec<String> = e.fields().iter().map(|f| format!("{}: {}", f.field, f.message)).collect();
        anyhow::anyhow!("loading the demo data failed: {e} {}", fields.join("; "))
    })?;
    if demo.created {
        let mut text = String::from("# Tradeport demo API keys: send as 'Authorization: Bearer <key>'\n");
        for (tenant, role, key) in &demo.api_keys {
            let _ = writeln!(text, "{tenant}\t{}\t{key}", role.as_str());
        }
        write_private(&keys_file, &text)?;
    }
    Ok(Summary { created: demo.created, orders: demo.orders, keys_file })
}

/// Writes `text` to a file only its owner can read: it holds API keys.
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let mut file = options.open(path)?;
        // An existing file keeps its old mode on open: set it.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        file.write_all(text.as_bytes())
    }
    #[cfg(not(unix))]
    {
        options.open(path)?.write_all(text.as_bytes())
    }
}
