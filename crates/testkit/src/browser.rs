//! Headless Chromium driven through chromium-driver (W3C WebDriver over HTTP).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

use crate::skip_or_fail;

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A browser session; the driver process and the profile go when it is dropped.
pub struct Browser {
    driver: Child,
    endpoint: String,
    client: reqwest::Client,
    _profile: tempfile::TempDir,
}

fn find_binary(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Ok(p) = std::env::var(env) {
        return Some(PathBuf::from(p));
    }
    candidates.iter().map(PathBuf::from).find(|p| p.exists())
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().expect("an address").port()
}

impl Browser {
    /// Starts chromium-driver and a headless Chromium session, or `None` (after saying why) when
    /// they are not installed and `TRADEPORT_REQUIRE_BROWSER` is not set.
    pub async fn start() -> Option<Self> {
        // The one TLS provider of the process, before the first client (as `TestApp` does).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let chromium = find_binary(
            "TRADEPORT_CHROMIUM",
            &["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"],
        );
        let driver = find_binary(
            "TRADEPORT_CHROMEDRIVER",
            &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"],
        );
        let (Some(chromium), Some(driver_bin)) = (chromium, driver) else {
            skip_or_fail(
                "Chromium and chromium-driver",
                "not installed (apt-get install chromium chromium-driver)",
                "TRADEPORT_REQUIRE_BROWSER",
            );
            return None;
        };
        let port = free_port();
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium-driver starts");
        let endpoint = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let profile = tempfile::tempdir().expect("a profile directory");
        let mut browser = Self { driver, endpoint, client, _profile: profile };
        browser.wait_for_driver().await;
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
            "--window-size=1280,900",
        ];
        let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", browser._profile.path().display()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium.display().to_string(), "args": args}
        }}});
        let created = browser.call("POST", "/session", caps).await;
        let id = created["sessionId"].as_str().expect("a WebDriver session id").to_string();
        browser.endpoint = format!("{}/session/{id}", browser.endpoint);
        Some(browser)
    }

    async fn wait_for_driver(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.client.get(format!("{}/status", self.endpoint)).send().await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("chromium-driver did not answer within 20 s");
    }

    async fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.endpoint);
        let req = match method {
            "GET" => self.client.get(&url),
            "DELETE" => self.client.delete(&url),
            _ => self.client.post(&url).json(&body),
        };
        let res = req.send().await.unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        let value: Value =
            res.json().await.unwrap_or_else(|e| panic!("WebDriver {method} {path} answered non-JSON: {e}"));
        if value["value"]["error"].is_string() {
            panic!("WebDriver {method} {path}: {}", value["value"]);
        }
        value["value"].clone()
    }

    /// Opens a URL and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.call("POST", "/url", json!({ "url": url })).await;
    }

    /// The current URL.
    pub async fn current_url(&self) -> String {
        self.call("GET", "/url", Value::Null).await.as_str().unwrap_or_default().to_string()
    }

    async fn try_find(&self, css: &str) -> Option<String> {
        let url = format!("{}/element", self.endpoint);
        let res =
            self.client.post(url).json(&json!({"using": "css selector", "value": css})).send().await.ok()?;
        let value: Value = res.json().await.ok()?;
        value["value"][ELEMENT_KEY].as_str().map(str::to_string)
    }

    /// The element matching `css`, waiting up to 10 s for it to appear.
    pub async fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(id) = self.try_find(css).await {
                return id;
            }
            if Instant::now() > deadline {
                panic!("no element matches {css} on {}", self.current_url().await);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Types into the element matching `css`.
    pub async fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.call("POST", &format!("/element/{id}/value"), json!({ "text": text })).await;
    }

    /// Clicks the element matching `css`.
    pub async fn click(&self, css: &str) {
        let id = self.find(css).await;
        self.call("POST", &format!("/element/{id}/click"), json!({})).await;
    }

    /// The visible text of the element matching `css` (read through the page, so an element htmx
    /// swaps meanwhile is read in its new version, not an error).
    pub async fn text(&self, css: &str) -> String {
        self.find(css).await;
        let script = "const e = document.querySelector(arguments[0]); return e ? e.innerText : ''";
        self.call("POST", "/execute/sync", json!({ "script": script, "args": [css] }))
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Waits up to 10 s until the element matching `css` contains `needle`; returns its text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            // Read through the page itself: an element htmx swapped out meanwhile is not an error.
            let script = "const e = document.querySelector(arguments[0]); return e ? e.innerText : ''";
            let text = self
                .call("POST", "/execute/sync", json!({ "script": script, "args": [css] }))
                .await
                .as_str()
                .unwrap_or_default()
                .to_string();
            if text.contains(needle) {
                return text;
            }
            if Instant::now() > deadline {
                panic!(
                    "{css} never contained {needle:?}; last text {text:?} on {}",
                    self.current_url().await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks the element matching `css` and waits up to 10 s for the page it leads to: a full
    /// load or an htmx swap of the page's `main` (the old `main` is marked before the click).
    pub async fn click_and_wait(&self, css: &str) {
        self.script("const m = document.querySelector('main'); if (m) m.dataset.stale = '1'").await;
        self.click(css).await;
        let deadline = Instant::now() + Duration::from_secs(10);
        let fresh = "const m = document.querySelector('main'); \
                     return document.readyState === 'complete' && !(m && m.dataset.stale)";
        while self.script(fresh).await != Value::Bool(true) {
            if Instant::now() > deadline {
                panic!("clicking {css} led to no new page; still on {}", self.current_url().await);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Resizes the window, e.g. to a phone's 390 × 844.
    pub async fn resize(&self, width: u32, height: u32) {
        self.call("POST", "/window/rect", json!({ "width": width, "height": height })).await;
    }

    /// Runs JavaScript in the page and returns its result.
    pub async fn script(&self, source: &str) -> Value {
        self.call("POST", "/execute/sync", json!({ "script": source, "args": [] })).await
    }

    /// Saves a PNG screenshot.
    pub async fn screenshot(&self, path: &Path) {
        let b64 = self.call("GET", "/screenshot", Value::Null).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap_or_default())
            .expect("a PNG");
        std::fs::write(path, png).expect("the screenshot is written");
    }
}

impl Browser {
    /// Ends the browser session (closing Chromium) and stops the driver.
    pub async fn close(self) {
        let _ = self.client.delete(&self.endpoint).send().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
