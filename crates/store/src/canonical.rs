//! The canonical encoding of the audit trail, written by the project itself rather than by whatever
//! `serde_json` features cargo happens to unify into a build (`preserve_order` keeps object keys in
//! insertion order, and dev-dependencies switch it on in test builds). It is JSON with:
//! - object keys sorted by their UTF-8 bytes, at every depth;
//! - strings escaped exactly as `serde_json` escapes them: `"` and `\` with a backslash, U+0008,
//!   U+0009, U+000A, U+000C, U+000D as `\b \t \n \f \r`, the other C0 controls as `\u00xx`
//!   (lower-case hex), everything else (DEL, non-ASCII, U+2028, `/`) as is;
//! - integers in decimal; finite floats in the shortest form that reads back to the same bits
//!   (`zmij`, the formatter `serde_json` 1.0.154 uses: `100.0`, `0.1`, `1e+20`, `5e-324`).
//!
//! This is byte-identical to what a `cargo build --release` (no `preserve_order`) wrote before the
//! serializer existed, so existing trails verify; `tests/golden.rs` pins it against a committed
//! chain. It writes into a caller's buffer, so hashing a million events allocates nothing per event.

use serde_json::{Number, Value};

/// For each byte: 0 when it is written as is, else the character after its backslash (`u` for
/// the `\u00xx` form).
static ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = b'u';
        i += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0A] = b'n';
    t[0x0C] = b'f';
    t[0x0D] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

/// The bytes of `x` (8 of a text, little-endian) that must be escaped, as their high bits: a
/// control character (< 0x20), `"` or `\\`. Exact for every byte: each test adds within a byte's
/// low seven bits, so no carry or borrow crosses into the next byte.
fn escapes(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = ONES * 0x7F;
    const HIGH: u64 = ONES * 0x80;
    // High bit set: the byte is not zero.
    let nonzero = |v: u64| ((v & LOW7) + LOW7) | v;
    // High bit set: the byte is 0x20 or above.
    let printable = ((x & LOW7) + ONES * 0x60) | x;
    !(printable & nonzero(x ^ (ONES * u64::from(b'"'))) & nonzero(x ^ (ONES * u64::from(b'\\'))))
        & HIGH
}

/// Appends `n` (at most 8) bytes of `w`'s little-endian bytes, as one 8-byte copy cut back (no
/// copy call of a variable length).
#[inline]
fn push_bytes(out: &mut Vec<u8>, w: u64, n: usize) {
    let len = out.len();
    out.extend_from_slice(&w.to_le_bytes());
    out.truncate(len + n);
}

#[inline]
fn escape(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match ESCAPE[b as usize] {
        0 => out.push(b),
        b'u' => out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[(b >> 4) as usize],
            HEX[(b & 0xF) as usize],
        ]),
        e => out.extend_from_slice(&[b'\\', e]),
    }
}

/// Appends `s` as a JSON string literal.
///
/// Eight bytes at a time: the texts hashed most (an event's `before` and `after`) are JSON
/// themselves, with a quote every few bytes, and a branch per byte (or a copy call per run between
/// quotes) cost more than the hashing in `audit verify`'s profile. Each step takes eight bytes,
/// finds every byte among them to escape at once (`escapes`), and copies the runs between them.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut i = 0;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let chunk: [u8; 8] = chunk.try_into().unwrap_or_default();
        let w = u64::from_le_bytes(chunk);
        let mut m = escapes(w);
        i += 8;
        if m == 0 {
            out.extend_from_slice(&chunk);
            continue;
        }
        let mut from = 0;
        while m != 0 {
            let k = (m.trailing_zeros() / 8) as usize;
            push_bytes(out, w >> (8 * from), k - from);
            escape(out, chunk[k]);
            from = k + 1;
            m &= m - 1;
        }
        if from < 8 {
            push_bytes(out, w >> (8 * from), 8 - from);
        }
    }
    for &b in &bytes[i..] {
        escape(out, b);
    }
    out.push(b'"');
}

/// Appends a finite float in the one canonical form (a non-finite value is written as `null`, as
/// `serde_json` does; the store refuses such values before they get here).
pub fn write_f64(out: &mut Vec<u8>, f: f64) {
    if f.is_finite() {
        out.extend_from_slice(zmij::Buffer::new().format_finite(f).as_bytes());
    } else {
        out.extend_from_slice(b"null");
    }
}

pub fn write_i64(out: &mut Vec<u8>, i: i64) {
    out.extend_from_slice(itoa::Buffer::new().format(i).as_bytes());
}

fn write_number(out: &mut Vec<u8>, n: &Number) {
    if let Some(i) = n.as_i64() {
        write_i64(out, i);
    } else if let Some(u) = n.as_u64() {
        out.extend_from_slice(itoa::Buffer::new().format(u).as_bytes());
    } else {
        write_f64(out, n.as_f64().unwrap_or(f64::NAN));
    }
}

/// Appends any JSON value, object keys sorted at every depth.
pub fn write_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, item);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            write_object(out, entries.into_iter().map(|(k, v)| (k.as_str(), v)));
        }
    }
}

/// Appends an object from entries already in key order.
pub fn write_object<'a>(out: &mut Vec<u8>, entries: impl Iterator<Item = (&'a str, &'a Value)>) {
    out.push(b'{');
    for (i, (k, v)) in entries.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, k);
        out.push(b':');
        write_value(out, v);
    }
    out.push(b'}');
}

/// The canonical text of a value.
pub fn to_string(v: &Value) -> String {
    let mut out = Vec::new();
    write_value(&mut out, v);
    // Only whole UTF-8 strings and ASCII were appended.
    String::from_utf8(out).unwrap_or_default()
}

/// Why a text cannot be stored: it holds a control character other than TAB, LF and CR (C0,
/// DEL or C1). Such characters are invisible on screen and on printed records, and PostgreSQL
/// refuses NUL outright, so they are refused on every engine alike.
pub fn control_char(s: &str) -> Option<char> {
    s.chars()
        .find(|&c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut all = String::new();
        for c in (0u32..0x300).filter_map(char::from_u32) {
            all.push(c);
        }
        all.push_str("\u{2028}\u{2029}\u{feff}🧬 東京");
        let mut ours = Vec::new();
        write_str(&mut ours, &all);
        assert_eq!(ours, serde_json::to_vec(&all).unwrap());
    }

    #[test]
    fn texts_of_every_length_and_mix_are_escaped_as_serde_json_escapes_them() {
        // Escapes at every offset of the eight-byte steps, next to each other, at both ends.
        let alphabet = [
            'a', '"', '\\', '\n', '\u{1}', '\u{1f}', ' ', '東', '\u{7f}', 'é', '/',
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for len in 0..200 {
            for _ in 0..20 {
                let text: String = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        alphabet[(seed % alphabet.len() as u64) as usize]
                    })
                    .collect();
                let mut ours = b"x".to_vec();
                write_str(&mut ours, &text);
                assert_eq!(
                    ours[1..],
                    serde_json::to_vec(&text).unwrap()[..],
                    "{text:?}"
                );
            }
        }
    }

    /// `write_str` escapes every byte `escapes` flags in a word, so the mask must be exact at every
    /// position whatever its neighbours are (a borrow or carry across bytes would flag a wrong one).
    #[test]
    fn the_escape_mask_flags_exactly_the_bytes_to_escape() {
        let tricky = [
            0x00, 0x01, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0x9F, 0xA0,
            0xA2, 0xDC, 0xFF,
        ];
        for pos in 0..8 {
            for b in 0..=255u8 {
                for &n in &tricky {
                    let mut w = [n; 8];
                    w[pos] = b;
                    let m = escapes(u64::from_le_bytes(w));
                    for (i, &x) in w.iter().enumerate() {
                        let flagged = m >> (8 * i + 7) & 1 == 1;
                        assert_eq!(flagged, ESCAPE[x as usize] != 0, "{w:02x?} byte {i}");
                    }
                }
            }
        }
    }

    #[test]
    fn floats_have_one_form() {
        let cases = [
            (100.0, "100.0"),
            (0.1, "0.1"),
            (1e20, "1e+20"),
            (1e15, "1000000000000000.0"),
            (5e-324, "5e-324"),
            (-1.7976931348623157e308, "-1.7976931348623157e+308"),
            (1e-7, "1e-7"),
        ];
        for (f, text) in cases {
            let mut out = Vec::new();
            write_f64(&mut out, f);
            assert_eq!(String::from_utf8(out).unwrap(), text);
        }
    }

    #[test]
    fn object_keys_are_sorted_at_every_depth_whatever_the_map_order() {
        let v = json!({"zeta": 1, "Alpha": {"b": [true, null], "a": -2}, "alpha": 0.5});
        assert_eq!(
            to_string(&v),
            r#"{"Alpha":{"a":-2,"b":[true,null]},"alpha":0.5,"zeta":1}"#
        );
    }

    #[test]
    fn control_characters_other_than_tab_and_newlines_are_named() {
        assert_eq!(control_char("a\tb\r\nc 東京"), None);
        assert_eq!(control_char("a\0b"), Some('\0'));
        assert_eq!(control_char("x\u{7f}"), Some('\u{7f}'));
        assert_eq!(control_char("x\u{85}"), Some('\u{85}'));
        assert_eq!(control_char("\u{1b}[31m"), Some('\u{1b}'));
    }
}
