//! What a person sees on the label: the SVG shows every field (Japanese included), the DIN grouped
//! with its flag and boxed check character, barcodes with quiet zones; the PDF is one 50 × 30 mm
//! page carrying the same text; bad input is refused naming the field.

mod common;

use printpdf::{Op, PdfDocument, PdfParseOptions, TextItem};
use secretome_domain::isbt::Din;
use secretome_label::symbols::CODE128_QUIET_MODULES;
use secretome_label::{
    CODE128_MODULE_MM, Code128Symbol, LABEL_WIDTH_MM, LabelError, parse_compound_message,
    render_pdf, render_svg,
};

/// The text content of every `<text class="{class}" …>` element.
fn texts(svg: &str, class: &str) -> Vec<String> {
    let marker = format!("class=\"{class}\"");
    svg.split("<text ")
        .filter(|t| {
            t.split('>')
                .next()
                .is_some_and(|attrs| attrs.contains(&marker))
        })
        .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.to_owned()))
        .collect()
}

fn attr(tag: &str, name: &str) -> f64 {
    let v = tag
        .split(&format!(" {name}=\""))
        .nth(1)
        .and_then(|r| r.split('"').next());
    v.and_then(|v| v.parse().ok()).unwrap_or(f64::NAN)
}

#[test]
fn svg_shows_every_field_with_the_check_character_boxed() {
    let label = common::label();
    let svg = render_svg(&label).unwrap();
    assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
    assert!(svg.contains(r#"width="50mm" height="30mm""#));
    assert_eq!(texts(&svg, "name-en"), ["MSC Conditioned Medium"]);
    assert_eq!(texts(&svg, "name-ja"), ["間葉系幹細胞培養上清液"]);
    assert_eq!(texts(&svg, "din"), ["G1234 26 000123"]);
    assert_eq!(texts(&svg, "flag"), ["81"]);
    assert_eq!(texts(&svg, "check"), ["L"]);
    assert_eq!(texts(&svg, "lot"), ["E0001V00   Lot L-2026-001   1.0 mL"]);
    assert_eq!(texts(&svg, "storage"), ["Store at -80 °C or below"]);
    assert_eq!(texts(&svg, "expiry"), ["EXP 2027-05-01   Vial V-0001"]);
    // The box surrounds the check character's position.
    let check_tag = svg.split("class=\"check-box\"").nth(1).unwrap();
    let check_x = attr(
        svg.split("class=\"check\"")
            .next()
            .unwrap()
            .rsplit("<text")
            .next()
            .unwrap(),
        "x",
    );
    let (bx, bw) = (attr(check_tag, "x"), attr(check_tag, "width"));
    assert!(
        bx < check_x && check_x < bx + bw,
        "box {bx}+{bw}, character at {check_x}"
    );
}

#[test]
fn svg_code128_bars_match_the_symbol_and_keep_their_quiet_zones() {
    let label = common::label();
    let svg = render_svg(&label).unwrap();
    let sym = Code128Symbol::encode(&label.din.barcode_data()).unwrap();
    let bars: Vec<(f64, f64)> = svg
        .split("<rect class=\"bar\"")
        .skip(1)
        .map(|t| (attr(t, "x"), attr(t, "width")))
        .collect();
    let expected: Vec<(f64, f64)> = sym
        .bars()
        .iter()
        .map(|&(s, w)| ((CODE128_QUIET_MODULES + s) as f64 * 0.25, w as f64 * 0.25))
        .collect();
    assert_eq!(bars.len(), expected.len());
    for (got, want) in bars.iter().zip(&expected) {
        assert!(
            (got.0 - want.0).abs() < 1e-3 && (got.1 - want.1).abs() < 1e-3,
            "{got:?} vs {want:?}"
        );
    }
    let quiet = CODE128_QUIET_MODULES as f64 * CODE128_MODULE_MM;
    let (first, last) = (bars[0], bars[bars.len() - 1]);
    assert!(first.0 >= quiet - 1e-9, "left quiet zone");
    assert!(
        last.0 + last.1 + quiet <= LABEL_WIDTH_MM,
        "right quiet zone"
    );
    assert!(svg.contains(r#"data-modules=""#), "DataMatrix drawn");
}

#[test]
fn svg_escapes_names_and_leaves_out_an_absent_japanese_name() {
    let mut label = common::label();
    label.product_name_en = "CM <A&B> \"x\"".into();
    label.product_name_ja = None;
    let svg = render_svg(&label).unwrap();
    assert_eq!(texts(&svg, "name-en"), ["CM &lt;A&amp;B&gt; &quot;x&quot;"]);
    assert!(texts(&svg, "name-ja").is_empty());
    assert!(!svg.contains("<A&B>"));
}

#[test]
fn a_long_product_name_is_shrunk_to_stay_clear_of_the_datamatrix() {
    let mut label = common::label();
    let size = |svg: &str| {
        attr(
            svg.split("class=\"name-en\"")
                .next()
                .unwrap()
                .rsplit("<text")
                .next()
                .unwrap(),
            "font-size",
        )
    };
    let normal = size(&render_svg(&label).unwrap());
    assert!((2.3..=2.6).contains(&normal), "font-size {normal}");
    label.product_name_en = "Human Umbilical Cord MSC Conditioned Medium, concentrated".into();
    let shrunk = size(&render_svg(&label).unwrap());
    assert!(shrunk < 1.2, "font-size {shrunk}");
}

#[test]
fn bad_label_data_is_refused_naming_the_field() {
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let mut label = common::label();
        label.volume_ml = bad;
        let e = render_svg(&label).unwrap_err();
        assert!(
            matches!(
                e,
                LabelError::Invalid {
                    field: "volume_ml",
                    ..
                }
            ),
            "{e}"
        );
        assert!(matches!(
            render_pdf(&label),
            Err(LabelError::Invalid {
                field: "volume_ml",
                ..
            })
        ));
    }
    let mut label = common::label();
    label.product_name_en = "  ".into();
    assert_eq!(
        render_svg(&label).unwrap_err().to_string(),
        "product_name_en: must not be empty"
    );
}

#[test]
fn pdf_is_one_label_sized_page_with_the_label_text() {
    let label = common::label();
    let bytes = render_pdf(&label).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let doc = PdfDocument::parse(&bytes, &PdfParseOptions::default(), &mut Vec::new()).unwrap();
    assert_eq!(doc.pages.len(), 1);
    let page = &doc.pages[0];
    let mm = |pt: f32| f64::from(pt) * 25.4 / 72.0;
    assert!(
        (mm(page.media_box.width.0) - 50.0).abs() < 0.1,
        "{:?}",
        page.media_box
    );
    assert!(
        (mm(page.media_box.height.0) - 30.0).abs() < 0.1,
        "{:?}",
        page.media_box
    );
    let shown: Vec<String> = page
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::ShowText { items } => Some(
                items
                    .iter()
                    .filter_map(|i| match i {
                        TextItem::Text(t) => Some(t.as_str()),
                        _ => None,
                    })
                    .collect(),
            ),
            _ => None,
        })
        .collect();
    for want in [
        "MSC Conditioned Medium",
        "G1234 26 000123",
        "81",
        "L",
        "EXP 2027-05-01   Vial V-0001",
    ] {
        assert!(shown.iter().any(|s| s == want), "{want:?} not in {shown:?}");
    }
}

/// Filled rectangles (`re` … `f`) of the PDF's first page, in points from the bottom left.
fn filled_rects(bytes: &[u8]) -> Vec<[f32; 4]> {
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    let page = *doc.get_pages().values().next().unwrap();
    let content = lopdf::content::Content::decode(&doc.get_page_content(page)).unwrap();
    let (mut pending, mut out) = (Vec::new(), Vec::new());
    for op in content.operations {
        match op.operator.as_str() {
            "re" => {
                let n: Vec<f32> = op.operands.iter().map(|o| o.as_float().unwrap()).collect();
                pending.push([n[0], n[1], n[2], n[3]]);
            }
            "f" | "f*" => out.append(&mut pending),
            _ => pending.clear(),
        }
    }
    out
}

#[test]
fn pdf_barcodes_scan_back_to_the_label_identifiers() {
    let label = common::label();
    let rects = filled_rects(&render_pdf(&label).unwrap());
    // Rasterise the page at 12 px/mm (≈ 300 dpi), as a label printer would print it.
    let px_per_pt = 12.0 * 25.4 / 72.0;
    let (w, h) = ((50.0 * 12.0) as usize, (30.0 * 12.0) as usize);
    let mut img = vec![255u8; w * h];
    for [x, y, rw, rh] in rects {
        let (x0, x1) = (
            (x * px_per_pt).round() as usize,
            ((x + rw) * px_per_pt).round() as usize,
        );
        let top = h as f32 - (y + rh) * px_per_pt;
        let (y0, y1) = (
            top.round() as usize,
            (top + rh * px_per_pt).round() as usize,
        );
        for row in y0..y1.min(h) {
            img[row * w + x0..row * w + x1.min(w)].fill(0);
        }
    }
    let decode = |format| {
        let r = rxing::helpers::detect_in_luma(img.clone(), w as u32, h as u32, Some(format));
        r.expect("symbol decodes from the PDF").getText().to_owned()
    };
    let din = decode(rxing::BarcodeFormat::CODE_128);
    assert_eq!(Din::from_barcode(&din), Ok(label.din));
    let scanned = parse_compound_message(&decode(rxing::BarcodeFormat::DATA_MATRIX)).unwrap();
    assert_eq!(
        (scanned.din, scanned.product_code, scanned.expiry),
        (label.din, label.product_code, label.expiry)
    );
}
