//! Test helpers (feature `testing`): run poppler's tools on a rendered PDF, as a user checking a
//! document would. With `CI` set a missing tool fails the test; without it the helpers return
//! `None` and the caller prints SKIPPED.

use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `tool args… -` (or with a temporary file when the tool cannot read stdin) on `pdf`.
fn run(tool: &str, args: &[&str], pdf: &[u8]) -> Option<Vec<u8>> {
    let dir = std::env::temp_dir().join(format!(
        "secretome-doc-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).ok()?;
    let file = dir.join("in.pdf");
    std::fs::File::create(&file).ok()?.write_all(pdf).ok()?;
    let out = Command::new(tool)
        .args(args)
        .arg(&file)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .stdin(Stdio::null())
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    match out {
        Ok(o) => {
            assert!(
                o.status.success() || tool == "qpdf" && o.status.code() == Some(3),
                "{tool} failed: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            Some(o.stdout)
        }
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{tool} is required with CI set (apt-get install poppler-utils qpdf): {e}"
            );
            eprintln!("SKIPPED: {tool} not installed ({e})");
            None
        }
    }
}

/// The text as `pdftotext -layout` extracts it.
pub fn pdftotext(pdf: &[u8]) -> Option<String> {
    run("pdftotext", &["-layout", "-enc", "UTF-8"], pdf).map(|b| String::from_utf8_lossy(&b).into())
}

/// The text as `pdftotext` extracts it in reading order (no layout): one cell's lines follow
/// each other.
pub fn pdftotext_raw(pdf: &[u8]) -> Option<String> {
    run("pdftotext", &["-enc", "UTF-8"], pdf).map(|b| String::from_utf8_lossy(&b).into())
}

/// One `pdffonts` row: (name, type, embedded, subset, unicode map).
pub type FontRow = (String, String, bool, bool, bool);

/// `pdffonts` rows.
pub fn pdffonts(pdf: &[u8]) -> Option<Vec<FontRow>> {
    let out = String::from_utf8_lossy(&run("pdffonts", &[], pdf)?).into_owned();
    Some(
        out.lines()
            .skip(2)
            .filter_map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                // name type... encoding emb sub uni object ID: the last five columns are fixed.
                let n = f.len();
                (n >= 7).then(|| {
                    (
                        f[0].to_owned(),
                        f[1..n - 6].join(" "),
                        f[n - 5] == "yes",
                        f[n - 4] == "yes",
                        f[n - 3] == "yes",
                    )
                })
            })
            .collect(),
    )
}

/// `pdfinfo` as key → value.
pub fn pdfinfo(pdf: &[u8]) -> Option<Vec<(String, String)>> {
    let out = String::from_utf8_lossy(&run("pdfinfo", &[], pdf)?).into_owned();
    Some(
        out.lines()
            .filter_map(|l| {
                let (k, v) = l.split_once(':')?;
                Some((k.trim().to_owned(), v.trim().to_owned()))
            })
            .collect(),
    )
}

/// `pdfinfo -meta`: the XMP metadata stream.
pub fn xmp(pdf: &[u8]) -> Option<String> {
    run("pdfinfo", &["-meta"], pdf).map(|b| String::from_utf8_lossy(&b).into())
}

/// `qpdf --check` output (the tool exits non-zero on errors, failing the test).
pub fn qpdf_check(pdf: &[u8]) -> Option<String> {
    run("qpdf", &["--check"], pdf).map(|b| String::from_utf8_lossy(&b).into())
}

/// The first page rendered in grey at `dpi` by pdftoppm: (width, height, pixels row by row).
pub fn raster(pdf: &[u8], dpi: u32) -> Option<(u32, u32, Vec<u8>)> {
    let r = dpi.to_string();
    let pgm = run("pdftoppm", &["-gray", "-r", &r, "-f", "1", "-l", "1"], pdf)?;
    // Binary PGM: "P5\n<w> <h>\n<max>\n" then the bytes.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 && i < pgm.len() {
        while i < pgm.len() && pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while i < pgm.len() && !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..i]).into_owned());
    }
    assert_eq!(
        fields.first().map(String::as_str),
        Some("P5"),
        "pdftoppm -gray gives PGM"
    );
    let (w, h): (u32, u32) = (fields[1].parse().ok()?, fields[2].parse().ok()?);
    let data = pgm[i + 1..].to_vec();
    assert_eq!(data.len(), (w * h) as usize);
    Some((w, h, data))
}
