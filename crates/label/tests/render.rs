//! What a person sees on the label: the SVG shows every field (Japanese included), the DIN grouped
//! with its flag and boxed check character, barcodes with quiet zones; the PDF is one 50 × 30 mm
//! page carrying the same text (Japanese name included, fonts embedded, every line at a legible
//! size); bad input is refused naming the field; the PDF's barcodes, rasterised by poppler as a
//! printer would, scan back.

use crate::common;

use secretome_document::testing::{pdffonts, pdftotext, raster};
use secretome_document::{Weight, cap_height};
use secretome_domain::isbt::Din;
use secretome_label::symbols::CODE128_QUIET_MODULES;
use secretome_label::{
    CODE128_MODULE_MM, Code128Symbol, LABEL_WIDTH_MM, LabelError, LabelLanguage, MIN_TEXT_MM,
    label_page, parse_compound_message, render_pdf, render_svg,
};

fn created() -> jiff::Timestamp {
    "2026-11-25T03:00:00Z".parse().unwrap()
}

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
fn a_long_product_name_wraps_at_a_legible_size_and_an_overlong_one_is_refused() {
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
    label.product_name_en = "Umbilical Cord MSC Conditioned Medium (10x)".into();
    let svg = render_svg(&label).unwrap();
    let lines = texts(&svg, "name-en");
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines.join(" "), label.product_name_en, "nothing cut");
    assert!((size(&svg) - MIN_TEXT_MM).abs() < 1e-9);
    label.product_name_en = "Human Umbilical Cord Mesenchymal Stromal Cell Conditioned Medium, concentrated tenfold by tangential flow filtration".into();
    let e = render_svg(&label).unwrap_err();
    assert!(
        matches!(
            e,
            LabelError::Invalid {
                field: "product_name_en",
                ..
            }
        ),
        "{e}"
    );
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
            render_pdf(&label, created()),
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
fn pdf_is_one_label_sized_page_with_the_label_text_legible_and_embedded() {
    let label = common::label();
    let page = label_page(&label).unwrap();
    assert_eq!((page.width, page.height), (50.0, 30.0));
    let shown: Vec<(&str, f32, Weight)> = page.texts().collect();
    for want in [
        "MSC Conditioned Medium",
        "間葉系幹細胞培養上清液",
        "G1234 26 000123",
        "81",
        "L",
        "E0001V00   Lot L-2026-001   1.0 mL",
        "Store at -80 °C or below",
        "EXP 2027-05-01   Vial V-0001",
    ] {
        assert!(
            shown.iter().any(|(s, ..)| *s == want),
            "{want:?} not in {shown:?}"
        );
    }
    for (text, size, weight) in &shown {
        let cap = cap_height(*weight, *size);
        assert!(cap >= 1.5, "{text:?}: cap height {cap} mm");
    }

    let bytes = render_pdf(&label, created()).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let Some(text) = pdftotext(&bytes) else {
        return;
    };
    for want in [
        "間葉系幹細胞培養上清液",
        "MSC Conditioned Medium",
        "G1234 26 000123",
        "Store at -80 °C or below",
    ] {
        assert!(text.contains(want), "{want:?} not in {text}");
    }
    assert!(!text.contains('?'), "{text}");
    for (name, _, emb, ..) in pdffonts(&bytes).unwrap() {
        assert!(emb, "{name} embedded");
    }
}

#[test]
fn pdf_barcodes_scan_back_to_the_label_identifiers() {
    let label = common::label();
    let pdf = render_pdf(&label, created()).unwrap();
    // Rasterised by poppler at 300 dpi, as a label printer would print it.
    let Some((w, h, img)) = raster(&pdf, 300) else {
        return;
    };
    let decode = |format| {
        let r = rxing::helpers::detect_in_luma(img.clone(), w, h, Some(format));
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

/// A Japanese facility's label (the default): its field names, storage line and product name in
/// Japanese, every line inside the label at the legible size, in the SVG and in the PDF's text.
#[test]
fn a_japanese_label_prints_its_words_in_japanese_and_every_line_fits() {
    let mut l = common::label();
    l.language = LabelLanguage::Japanese;
    let svg = render_svg(&l).unwrap();
    assert_eq!(texts(&svg, "storage"), ["-80 °C 以下で保存"]);
    assert_eq!(
        texts(&svg, "expiry"),
        ["有効期限 2027-05-01  バイアル V-0001"]
    );
    assert_eq!(texts(&svg, "lot"), ["E0001V00  ロット L-2026-001  1.0 mL"]);
    assert_eq!(texts(&svg, "name-ja"), ["間葉系幹細胞培養上清液"]);
    assert!(texts(&svg, "name-en").is_empty(), "{svg}");
    // The longest ids the demo and the generator print, at the lines' size, inside the label.
    let mut long = l.clone();
    long.lot = secretome_domain::ids::LotNumber::new("L-2026-0001").unwrap();
    long.vial = secretome_domain::ids::VialId::new("L-2026-0001-0001").unwrap();
    long.volume_ml = 10.25;
    for line in ["lot", "storage", "expiry"] {
        let t = &texts(&render_svg(&long).unwrap(), line)[0];
        let w = secretome_document::text_width(t, Weight::Regular, MIN_TEXT_MM as f32).unwrap();
        assert!(
            f64::from(w) < LABEL_WIDTH_MM - 2.0 * 1.5,
            "{line}: {t} is {w} mm wide"
        );
    }
    // pdftotext is a test tool of the CI (poppler-utils); without it the PDF text is not read.
    if let Some(text) = pdftotext(&render_pdf(&l, created()).unwrap()) {
        assert!(
            text.contains("以下で保存") && text.contains("有効期限"),
            "{text}"
        );
    }
}
