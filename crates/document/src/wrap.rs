//! Line breaking for mixed Japanese and Latin text: a line may break after a space, between two
//! CJK characters (but not before closing punctuation such as `、。）`: 行頭禁則), and inside a word
//! only when the word alone is wider than the line. Nothing is cut off: every character of the
//! input is on some line. Hand-written (60 lines) because the layout crates that do this
//! (cosmic-text, parley) bring a shaping and font-discovery stack the documents do not need.

use crate::{DocumentError, Weight, text_width};

/// Characters a line must not start with.
const NO_LINE_START: &str = "、。，．）」』】〕・ー…：；！？,.)]:;!?%";

fn is_cjk(c: char) -> bool {
    matches!(u32::from(c), 0x3000..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// Cuts `text` into pieces after which a line may break.
fn pieces(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev: Option<char> = None;
    for c in text.chars() {
        let breakable = match prev {
            None => false,
            Some(p) => {
                (p == ' ' && c != ' ')
                    || ((is_cjk(p) || is_cjk(c)) && c != ' ' && !NO_LINE_START.contains(c))
            }
        };
        if breakable && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c);
        prev = Some(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `text` broken into lines no wider than `width` at font `size` (same unit); a newline in the
/// text starts a new line.
pub fn wrap(
    text: &str,
    weight: Weight,
    size: f32,
    width: f32,
) -> Result<Vec<String>, DocumentError> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for piece in pieces(para) {
            let candidate = format!("{line}{piece}");
            if line.is_empty() || text_width(candidate.trim_end(), weight, size)? <= width {
                line = candidate;
            } else {
                lines.push(line.trim_end().to_owned());
                line = piece;
            }
            // A piece wider than the line (a long number or identifier) is cut between characters.
            while text_width(line.trim_end(), weight, size)? > width && line.chars().count() > 1 {
                let mut head = String::new();
                for c in line.chars() {
                    if !head.is_empty() && text_width(&format!("{head}{c}"), weight, size)? > width
                    {
                        break;
                    }
                    head.push(c);
                }
                line = line[head.len()..].to_owned();
                lines.push(head);
            }
        }
        lines.push(line.trim_end().to_owned());
    }
    Ok(lines)
}
