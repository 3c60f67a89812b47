//! The product names at the top left of the label, shared by the SVG and the PDF: each as large as
//! fits beside the DataMatrix (English up to 2.6 mm, Japanese up to 2.5 mm), never below
//! [`MIN_TEXT_MM`]; a name that does not fit on one line at that size wraps, and names that need
//! more room than there is above the DIN are refused naming the field.

use crate::svg::layout::{DIN_SIZE, DIN_Y, NAME_WIDTH};
use crate::{LabelData, LabelError, LabelLanguage, MIN_TEXT_MM};
use secretome_document::{Weight, text_width, wrap};

/// One line of a product name: baseline `y` and font size in mm.
pub(crate) struct NameLine {
    pub text: String,
    pub y: f64,
    pub size: f64,
    pub bold: bool,
    /// `name-en` or `name-ja`.
    pub class: &'static str,
}

/// The lines of one name at the largest size up to `max` that fits in one line, else wrapped at
/// the minimum size.
fn fit(name: &str, max: f64, weight: Weight) -> Result<(f64, Vec<String>), LabelError> {
    let w = f64::from(text_width(name, weight, 1.0)?);
    if w <= 0.0 {
        return Ok((max, vec![name.to_owned()]));
    }
    let size = max.min(NAME_WIDTH / w);
    if size >= MIN_TEXT_MM {
        return Ok((size, vec![name.to_owned()]));
    }
    let lines = wrap(name, weight, MIN_TEXT_MM as f32, NAME_WIDTH as f32)?;
    Ok((MIN_TEXT_MM, lines))
}

/// The name lines of `label`, top to bottom.
pub(crate) fn name_lines(label: &LabelData) -> Result<Vec<NameLine>, LabelError> {
    let mut out = Vec::new();
    let mut y = 0.6;
    let ja = label
        .product_name_ja
        .as_deref()
        .filter(|n| !n.trim().is_empty());
    let names = match (label.language, ja) {
        // A Japanese label names the product in Japanese alone when it has a Japanese name.
        (LabelLanguage::Japanese, Some(ja)) => vec![(ja, 2.6, Weight::Regular, "name-ja")],
        (_, ja) => {
            let mut names = vec![(label.product_name_en.as_str(), 2.6, Weight::Bold, "name-en")];
            names.extend(ja.map(|ja| (ja, 2.5, Weight::Regular, "name-ja")));
            names
        }
    };
    for (name, max, weight, class) in names {
        let (size, lines) = fit(name, max, weight)?;
        for text in lines {
            y += size * 1.08;
            out.push(NameLine {
                text,
                y,
                size,
                bold: weight == Weight::Bold,
                class,
            });
        }
        y += 0.35;
    }
    // The DIN's capitals start at DIN_Y − 0.733 × DIN_SIZE; keep 0.6 mm clear of them.
    if y > DIN_Y - 0.733 * DIN_SIZE - 0.6 {
        let field = if out.iter().filter(|l| l.class == "name-en").count() > 1 {
            "product_name_en"
        } else {
            "product_name_ja"
        };
        return Err(LabelError::invalid(
            field,
            secretome_domain::Why::said(
                "too long to print at a legible size (cap height ≥ 1.5 mm) on a 50 × 30 mm label",
                "長すぎて 50 × 30 mm のラベルに読める大きさ (字高 1.5 mm 以上) で印刷できません",
            ),
        ));
    }
    Ok(out)
}
