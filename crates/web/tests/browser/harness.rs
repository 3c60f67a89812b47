//! The browser harness: per flow and backend a fresh demo database, the app on an ephemeral port,
//! `chromedriver` as a child process and a headless Chromium with an empty profile; a screenshot
//! on any failure; one browser at a time (Chromium is heavy on two cores).

use secretome_store::{
    store::Backend,
    testing::{sqlite_store, stores},
};
use std::{
    error::Error,
    future::Future,
    io::Write,
    net::{SocketAddr, TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};
use thirtyfour::{
    components::SelectElement, extensions::query::ElementPollerWithTimeout, prelude::*,
};

/// The error every helper returns: what the user saw instead of what was expected.
pub type Seen = Box<dyn Error + Send + Sync>;

/// What a flow returns: WebDriver errors travel with `?`, wrong page content panics in `assert!`.
pub type Flow = Result<(), Seen>;

/// The browser's language (its Accept-Language); the app shows Japanese to `Ja`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ja,
    En,
}

/// Which backends a flow runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backends {
    /// SQLite, and PostgreSQL when `SECRETOME_TEST_DATABASE_URL` is set.
    All,
    /// SQLite only (a long flow whose PostgreSQL run another flow already covers).
    SqliteOnly,
}

/// Longest a whole flow may take before it counts as hung (and is screenshotted).
const FLOW_TIMEOUT: Duration = Duration::from_secs(120);
/// How long an element lookup or a wait for a URL keeps trying.
const WAIT: Duration = Duration::from_secs(10);
const WINDOW: &str = "--window-size=1280,1000";

/// One browser at a time in this process.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A signed-out browser looking at the app: the driver and the app's base URL.
#[derive(Clone)]
pub struct Page {
    pub driver: WebDriver,
    pub base: String,
    pub lang: Lang,
    /// The service behind the app, for records the flow makes without a page of their own yet
    /// (the sterilising filtration and its integrity test, issue 14).
    pub svc: secretome_service::Service,
}

struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// The Chromium binary (Debian's real binary behind its `/usr/bin/chromium` launcher script when
/// present) and chromedriver; `None` when either is missing.
fn tools() -> Option<Tools> {
    let chromedriver = on_path("chromedriver")?;
    let debian = PathBuf::from("/usr/lib/chromium/chromium");
    let chromium = if debian.is_file() {
        debian
    } else {
        on_path("chromium").or_else(|| on_path("chromium-browser"))?
    };
    Some(Tools {
        chromium,
        chromedriver,
    })
}

/// Runs `flow` in a fresh browser against a fresh demo facility, once per backend. Without Chromium
/// the flow is reported as skipped (loudly), except under CI, where that is a failure.
pub async fn run<F, Fut>(name: &str, lang: Lang, backends: Backends, flow: F)
where
    F: Fn(Page) -> Fut,
    Fut: Future<Output = Flow> + Send + 'static,
{
    run_for(name, lang, backends, FLOW_TIMEOUT, flow).await
}

/// `run` with a longer limit, for a flow that walks the whole demo.
pub async fn run_for<F, Fut>(name: &str, lang: Lang, backends: Backends, limit: Duration, flow: F)
where
    F: Fn(Page) -> Fut,
    Fut: Future<Output = Flow> + Send + 'static,
{
    let Some(tools) = tools() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but chromium/chromedriver are not installed: browser tests cannot be skipped in CI"
        );
        // Straight to the process's stderr: libtest would swallow `eprintln!` of a passing test.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: browser tests (chromium/chromedriver not installed): `{name}` did not run"
        );
        return;
    };
    let _one = ONE_BROWSER.lock().await;
    let all = match backends {
        Backends::All => stores(name).await,
        Backends::SqliteOnly => vec![(Backend::Sqlite, sqlite_store(name).await.0)],
    };
    for (backend, store) in all {
        let started = Instant::now();
        once(&tools, name, lang, backend, store, limit, &flow).await;
        eprintln!(
            "browser flow `{name}` on {backend:?}: {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
}

async fn once<F, Fut>(
    tools: &Tools,
    name: &str,
    lang: Lang,
    backend: Backend,
    store: secretome_store::SqlStore,
    limit: Duration,
    flow: &F,
) where
    F: Fn(Page) -> Fut,
    Fut: Future<Output = Flow> + Send + 'static,
{
    let (app, svc) = crate::common::demo_app(store).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the app");
    let base = format!("http://{}", listener.local_addr().expect("app address"));
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let profile = tempfile::Builder::new()
        .prefix("secretome-chromium-")
        .tempdir()
        .expect("profile dir");
    let driver_proc = ChromeDriver::start(&tools.chromedriver, profile.path());
    let driver = match open_browser(&driver_proc.url, &tools.chromium, profile.path(), lang).await {
        Ok(d) => d,
        Err(e) => panic!(
            "could not start Chromium ({}): {e}\nchromedriver log:\n{}",
            tools.chromium.display(),
            driver_proc.log_tail()
        ),
    };

    let page = Page {
        driver: driver.clone(),
        base,
        lang,
        svc,
    };
    let mut task = tokio::spawn(flow(page));
    let outcome = tokio::time::timeout(limit, &mut task).await;
    let failure: Option<Box<dyn FnOnce()>> = match outcome {
        Ok(Ok(Ok(()))) => None,
        Ok(Ok(Err(e))) => Some(Box::new(move || {
            panic!("browser flow `{name}` on {backend:?} failed: {e}")
        })),
        Ok(Err(join)) if join.is_panic() => Some(Box::new(move || {
            std::panic::resume_unwind(join.into_panic())
        })),
        Ok(Err(join)) => Some(Box::new(move || {
            panic!("browser flow `{name}` on {backend:?} was cancelled: {join}")
        })),
        Err(_) => Some(Box::new(move || {
            panic!("browser flow `{name}` on {backend:?} took longer than {limit:?}")
        })),
    };
    if failure.is_some() {
        screenshot(&driver, &format!("{name}-{backend:?}").to_lowercase()).await;
    }
    task.abort();
    let _ = driver.quit().await;
    drop(driver_proc);
    server.abort();
    if let Some(fail) = failure {
        fail();
    }
}

async fn open_browser(
    driver_url: &str,
    chromium: &Path,
    profile: &Path,
    lang: Lang,
) -> WebDriverResult<WebDriver> {
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(&chromium.to_string_lossy())?;
    let accept = match lang {
        Lang::Ja => "ja-JP,ja",
        Lang::En => "en-US,en",
    };
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--disable-dev-shm-usage",
        WINDOW,
        &format!("--lang={}", &accept[..5]),
        &format!("--accept-lang={accept}"),
        &format!("--user-data-dir={}", profile.join("profile").display()),
    ] {
        caps.add_arg(arg)?;
    }
    caps.add_experimental_option(
        "prefs",
        serde_json::json!({ "intl.accept_languages": accept }),
    )?;
    let poller = Arc::new(ElementPollerWithTimeout::new(
        WAIT,
        Duration::from_millis(100),
    ));
    WebDriver::builder(driver_url, caps)
        .poller(poller)
        .request_timeout(Duration::from_secs(60))
        .await
}

/// Saves a PNG of what the browser showed, under `target/browser-screenshots/`, and prints where.
async fn screenshot(driver: &WebDriver, name: &str) {
    // The test binary is target/<profile>/deps/browser-…: three levels below the target dir.
    let dir = std::env::current_exe()
        .ok()
        .and_then(|p| p.ancestors().nth(3).map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("target"))
        .join("browser-screenshots");
    let path = dir.join(format!("{name}.png"));
    let url = driver
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default();
    match std::fs::create_dir_all(&dir) {
        Ok(()) => match driver.screenshot(&path).await {
            Ok(()) => eprintln!(
                "SCREENSHOT of the failed browser flow ({url}): {}",
                path.display()
            ),
            Err(e) => {
                eprintln!("screenshot of the failed browser flow could not be taken ({url}): {e}")
            }
        },
        Err(e) => eprintln!(
            "screenshot directory {} could not be made: {e}",
            dir.display()
        ),
    }
}

/// `chromedriver --port=N`, killed when dropped.
struct ChromeDriver {
    child: Child,
    url: String,
    log: PathBuf,
}

impl ChromeDriver {
    fn start(binary: &Path, dir: &Path) -> ChromeDriver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = dir.join("chromedriver.log");
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", binary.display()));
        let mut me = ChromeDriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + WAIT;
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if let Ok(Some(status)) = me.child.try_wait() {
                panic!(
                    "chromedriver exited at start ({status}):\n{}",
                    me.log_tail()
                );
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on port {port}:\n{}",
                me.log_tail()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        me
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Page {
    /// The text in the browser's language: `p.tr("出荷可", "Released")`.
    pub fn tr<'a>(&self, ja: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }

    /// Opens a path of the app, e.g. `/lots`.
    pub async fn open(&self, path: &str) -> WebDriverResult<()> {
        self.driver.goto(format!("{}{path}", self.base)).await
    }

    /// The element with this id, waiting for it to appear.
    pub async fn id(&self, id: &str) -> WebDriverResult<WebElement> {
        self.driver
            .query(By::Id(id))
            .desc(&format!("#{id}"))
            .first()
            .await
    }

    /// The element matching a CSS selector, waiting for it to appear.
    pub async fn css(&self, selector: &str) -> WebDriverResult<WebElement> {
        self.driver
            .query(By::Css(selector))
            .desc(selector)
            .first()
            .await
    }

    /// The visible text of the element with this id.
    pub async fn text_of(&self, id: &str) -> WebDriverResult<String> {
        self.id(id).await?.text().await
    }

    /// The visible text of the whole page.
    pub async fn body(&self) -> WebDriverResult<String> {
        self.driver.find(By::Tag("body")).await?.text().await
    }

    /// The page's first heading.
    pub async fn h1(&self) -> WebDriverResult<String> {
        self.css("h1").await?.text().await
    }

    /// The path and query of the current URL (`/login?next=%2Flots`).
    pub async fn path(&self) -> WebDriverResult<String> {
        let url = self.driver.current_url().await?;
        Ok(match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        })
    }

    /// Waits until the current path (with query) satisfies `ok`; the error names what was seen.
    pub async fn wait_path(&self, what: &str, ok: impl Fn(&str) -> bool) -> Result<String, Seen> {
        let deadline = Instant::now() + WAIT;
        loop {
            let p = self.path().await?;
            if ok(&p) {
                return Ok(p);
            }
            if Instant::now() > deadline {
                return Err(format!("expected to be on {what}, but the browser is on {p}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the page's text contains `needle`; the error shows the start of what was seen.
    pub async fn wait_text(&self, needle: &str) -> Result<String, Seen> {
        let deadline = Instant::now() + WAIT;
        loop {
            let body = self.body().await.unwrap_or_default();
            if body.contains(needle) {
                return Ok(body);
            }
            if Instant::now() > deadline {
                let start: String = body.chars().take(600).collect();
                return Err(
                    format!("expected the page to show {needle:?}; it shows:\n{start}").into(),
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Types into the field with this id (clearing it first).
    pub async fn fill(&self, id: &str, value: &str) -> WebDriverResult<()> {
        let e = self.id(id).await?;
        e.clear().await?;
        e.send_keys(value).await
    }

    /// Clicks the element with this id.
    pub async fn click(&self, id: &str) -> WebDriverResult<()> {
        self.id(id).await?.click().await
    }

    /// Signs in through the form on the current page (which must be the sign-in page).
    pub async fn submit_sign_in(&self, user: &str, password: &str) -> WebDriverResult<()> {
        self.fill("user", user).await?;
        self.fill("password", password).await?;
        self.click("login-submit").await
    }

    /// Opens the sign-in page, signs in as `user` with the demo password and waits to leave the page.
    pub async fn sign_in(&self, user: &str) -> Result<(), Seen> {
        self.open("/login").await?;
        self.submit_sign_in(user, "demo").await?;
        self.wait_path("a page after sign-in", |p| !p.starts_with("/login"))
            .await?;
        Ok(())
    }

    /// Signs out with the header button and waits for the sign-in page.
    pub async fn sign_out(&self) -> Result<(), Seen> {
        self.click("sign-out").await?;
        self.wait_path("the sign-in page", |p| p.starts_with("/login"))
            .await?;
        Ok(())
    }

    /// Chooses the option with this value in the `<select>` with this id.
    pub async fn select(&self, id: &str, value: &str) -> WebDriverResult<()> {
        let e = self.id(id).await?;
        SelectElement::new(&e).await?.select_by_value(value).await
    }

    /// Sets a field's value as the browser's date picker would (for `datetime-local` inputs, whose
    /// typed form depends on the browser's locale).
    pub async fn pick(&self, id: &str, value: &str) -> WebDriverResult<()> {
        let e = self.id(id).await?;
        self.driver
            .execute(
                "arguments[0].value = arguments[1];",
                vec![e.to_json()?, serde_json::json!(value)],
            )
            .await?;
        Ok(())
    }

    /// Clicks a form's submit button, waits for the page that answers and returns its path (without
    /// the query: a multipart form carries its CSRF token there).
    pub async fn press(&self, button: &str) -> Result<String, Seen> {
        let old = self.driver.find(By::Tag("html")).await?;
        self.click(button).await?;
        old.wait_until().stale().await?;
        Ok(self.driver.current_url().await?.path().to_string())
    }

    /// Clicks a form's submit button and waits for the next page; it must be `expect` (the path),
    /// else the error lists the form errors the page shows.
    pub async fn submit(&self, button: &str, expect: &str) -> Result<(), Seen> {
        let at = self.press(button).await?;
        if at != expect {
            let mut errors = Vec::new();
            for e in self
                .driver
                .find_all(By::Css("#form-error, .field-error, .error"))
                .await?
            {
                errors.push(e.text().await.unwrap_or_default());
            }
            return Err(format!("after #{button}: expected {expect}, but the browser is on {at}; the page says {errors:?}").into());
        }
        Ok(())
    }
}

/// A `datetime-local` value `hours` from now in Asia/Tokyo (the demo users' zone).
pub fn tokyo(hours: i64) -> String {
    let t = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(hours);
    t.in_tz("Asia/Tokyo")
        .expect("Asia/Tokyo")
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}
