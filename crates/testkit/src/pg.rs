//! One throwaway PostgreSQL server per test process, started from the system's binaries
//! (initdb and pg_ctl in a temporary directory, on a free port), stopped and removed by a small
//! watcher process when the test process ends. `TRADEPORT_TEST_PG_URL` points at an existing
//! server instead.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The admin URL of the shared server, or why there is none.
pub fn admin_url() -> Result<&'static str, &'static str> {
    static SERVER: OnceLock<Result<String, String>> = OnceLock::new();
    let result = SERVER.get_or_init(|| match std::env::var("TRADEPORT_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => Ok(url),
        _ => start_server().map_err(|e| {
            eprintln!("could not start a throwaway PostgreSQL: {e}");
            e
        }),
    });
    result.as_deref().map_err(|e| e.as_str())
}

fn bin_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("TRADEPORT_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    versions.pop()
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A command for a PostgreSQL binary, run as the `postgres` user when we are root (initdb refuses
/// to run as root).
fn pg_command(bin: &Path, program: &str, as_postgres: bool) -> Command {
    if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin.join(program));
        c
    } else {
        Command::new(bin.join(program))
    }
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

fn run(mut cmd: Command, what: &str) -> Result<(), String> {
    let out = cmd.stdin(Stdio::null()).output().map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn start_server() -> Result<String, String> {
    let bin = bin_dir()
        .ok_or("no PostgreSQL binaries (install the postgresql package, or set TRADEPORT_PG_BIN)")?;
    let as_postgres = is_root();
    let dir = std::env::temp_dir().join(format!("tradeport-pg-{}-{}", std::process::id(), free_port()?));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    if as_postgres {
        run(
            {
                let mut c = Command::new("chown");
                c.args(["postgres:postgres"]).arg(&dir);
                c
            },
            "chown",
        )?;
    }
    let data = dir.join("data");
    let mut initdb = pg_command(&bin, "initdb", as_postgres);
    initdb.arg("-D").arg(&data).args([
        "-A",
        "trust",
        "-U",
        "postgres",
        "-E",
        "UTF8",
        "--no-sync",
        "--no-instructions",
    ]);
    run(initdb, "initdb")?;
    let port = free_port()?;
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
         -c full_page_writes=off -c max_connections=400 -c shared_buffers=128MB",
        dir.display()
    );
    let mut start = pg_command(&bin, "pg_ctl", as_postgres);
    start
        .arg("-D")
        .arg(&data)
        .args(["-o", &options, "-w", "-t", "60", "-l"])
        .arg(dir.join("log"))
        .arg("start");
    run(start, "pg_ctl start")?;
    watch_and_clean_up(&bin, &data, &dir, as_postgres);
    Ok(format!("postgres://postgres@127.0.0.1:{port}/postgres"))
}

/// A detached shell that waits for this process to end, then stops the server and deletes it.
fn watch_and_clean_up(bin: &Path, data: &Path, dir: &Path, as_postgres: bool) {
    let runner = if as_postgres { "runuser -u postgres -- " } else { "" };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {runner}{pg_ctl} -D '{data}' -m immediate stop >/dev/null 2>&1; rm -rf '{dir}'",
        pid = std::process::id(),
        pg_ctl = bin.join("pg_ctl").display(),
        data = data.display(),
        dir = dir.display(),
    );
    let spawned = Command::new("setsid")
        .args(["sh", "-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!(
            "warning: the PostgreSQL cleanup watcher did not start ({e}); remove {} by hand",
            dir.display()
        );
    }
}
