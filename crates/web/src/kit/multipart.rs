//! A small `multipart/form-data` reader for uploads (plates, particle counts, logger files;
//! bounded, never panics on malformed input) and hex for carrying an uploaded file through a
//! confirmation form.

use secretome_domain::Why;
/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub data: Vec<u8>,
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// A parameter of a header value, e.g. `boundary` of a content type or `name` of a disposition.
fn param(header: &str, key: &str) -> Option<String> {
    header.split(';').skip(1).find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        (k.trim().eq_ignore_ascii_case(key)).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// Splits a `multipart/form-data` body into its parts; an error says what is malformed.
pub fn multipart(content_type: &str, body: &[u8]) -> Result<Vec<Part>, Why> {
    let said = |en: &str, ja: &str| Why::said(en, ja);
    if !content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return Err(said(
            "expected a multipart/form-data upload",
            "multipart/form-data で送ってください",
        ));
    }
    let boundary = param(content_type, "boundary")
        .filter(|b| !b.is_empty() && b.len() <= 200)
        .ok_or_else(|| {
            said(
                "the upload has no boundary",
                "アップロードに区切りがありません",
            )
        })?;
    let delim = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    let none = || said("the upload has no parts", "アップロードが空です");
    let mut at = find(body, &delim, 0).ok_or_else(none)? + delim.len();
    loop {
        if body.get(at..at + 2) == Some(b"--") {
            return Ok(parts);
        }
        let start = at + 2; // CRLF after the delimiter
        let head_end = find(body, b"\r\n\r\n", start).ok_or_else(|| {
            said(
                "a part of the upload has no headers",
                "アップロードの形式が違います",
            )
        })?;
        let headers =
            String::from_utf8_lossy(body.get(start..head_end).unwrap_or_default()).into_owned();
        let mut crlf_delim = b"\r\n".to_vec();
        crlf_delim.extend_from_slice(&delim);
        let data_start = head_end + 4;
        let data_end = find(body, &crlf_delim, data_start).ok_or_else(|| {
            said(
                "the upload is truncated",
                "アップロードが途中で切れています",
            )
        })?;
        let disposition = headers
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))
            .unwrap_or("");
        parts.push(Part {
            name: param(disposition, "name").unwrap_or_default(),
            filename: param(disposition, "filename"),
            data: body.get(data_start..data_end).unwrap_or_default().to_vec(),
        });
        at = data_end + crlf_delim.len();
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim().as_bytes();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.chunks(2)
        .map(|p| {
            std::str::from_utf8(p)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_reads_fields_and_files_and_refuses_garbage() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--XyZ\r\nContent-Disposition: form-data; name=\"plate\"; filename=\"p.txt\"\r\nContent-Type: text/plain\r\n\r\nA\r\nB\r\n--XyZ--\r\n";
        let parts = multipart("multipart/form-data; boundary=XyZ", body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(
            (parts[0].name.as_str(), parts[0].data.as_slice()),
            ("note", &b"hi"[..])
        );
        assert_eq!(parts[1].filename.as_deref(), Some("p.txt"));
        assert_eq!(parts[1].data, b"A\r\nB");
        assert!(
            multipart(
                "multipart/form-data; boundary=XyZ",
                b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end"
            )
            .is_err()
        );
        assert!(multipart("multipart/form-data; boundary=XyZ", b"").is_err());
        assert!(multipart("multipart/form-data", body).is_err());
        assert!(multipart("text/plain", body).is_err());
        for cut in 0..body.len() {
            let _ = multipart("multipart/form-data; boundary=XyZ", &body[..cut]);
        }
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(unhex(&hex(b"\x00\xffab")).unwrap(), b"\x00\xffab");
        assert!(unhex("abc").is_none() && unhex("zz").is_none() && unhex("é1").is_none());
    }
}
