//! Labels scan back to their identifiers: the Code 128 and DataMatrix symbols the renderers draw
//! are rasterised module by module (with their quiet zones) and decoded with rxing.

use crate::common;

use jiff::civil::date;
use proptest::prelude::*;
use rxing::BarcodeFormat;
use secretome_domain::isbt::{Din, Fin, ProductCode};
use secretome_label::symbols::{
    CODE128_QUIET_MODULES, DATAMATRIX_QUIET_MODULES, compound_message, expiration_date_data,
};
use secretome_label::{Code128Symbol, DataMatrixSymbol, LabelError, parse_compound_message};

/// An 8-bit grey image (255 white) of a Code 128 symbol: `scale` pixels per module, quiet zones kept.
fn raster_code128(sym: &Code128Symbol, scale: usize) -> (Vec<u8>, u32, u32) {
    let width = (sym.modules.len() + 2 * CODE128_QUIET_MODULES) * scale;
    let height = 40 * scale;
    let mut row = vec![255u8; width];
    for (i, &bar) in sym.modules.iter().enumerate() {
        if bar {
            let x = (CODE128_QUIET_MODULES + i) * scale;
            row[x..x + scale].fill(0);
        }
    }
    (row.repeat(height), width as u32, height as u32)
}

fn raster_datamatrix(sym: &DataMatrixSymbol, scale: usize) -> (Vec<u8>, u32, u32) {
    let q = DATAMATRIX_QUIET_MODULES + 1; // one extra module of margin, as a printed label has
    let (w, h) = ((sym.width + 2 * q) * scale, (sym.height + 2 * q) * scale);
    let mut img = vec![255u8; w * h];
    for y in 0..h {
        for x in 0..w {
            let (mx, my) = ((x / scale).checked_sub(q), (y / scale).checked_sub(q));
            if let (Some(mx), Some(my)) = (mx, my)
                && sym.is_dark(mx, my)
            {
                img[y * w + x] = 0;
            }
        }
    }
    (img, w as u32, h as u32)
}

fn decode(img: (Vec<u8>, u32, u32), format: BarcodeFormat) -> String {
    let (luma, w, h) = img;
    let result = rxing::helpers::detect_in_luma(luma, w, h, Some(format)).expect("symbol decodes");
    assert_eq!(result.getBarcodeFormat(), &format);
    result.getText().to_owned()
}

#[test]
fn code128_of_the_din_scans_back_to_the_din() {
    let din = Din::parse("G123498654321").unwrap();
    let sym = Code128Symbol::encode(&din.barcode_data()).unwrap();
    let text = decode(raster_code128(&sym, 2), BarcodeFormat::CODE_128);
    assert_eq!(text, "=G12349865432177");
    assert_eq!(Din::from_barcode(&text), Ok(din));
}

#[test]
fn datamatrix_scans_back_to_din_product_code_and_expiry() {
    let label = common::label();
    let message = compound_message(&label.din, &label.product_code, label.expiry).unwrap();
    assert_eq!(message, "=+03000=G12342600012381=<E0001V00=>027121");
    let sym = DataMatrixSymbol::encode(&message).unwrap();
    let text = decode(raster_datamatrix(&sym, 6), BarcodeFormat::DATA_MATRIX);
    let scanned = parse_compound_message(&text).unwrap();
    assert_eq!(scanned.din, label.din);
    assert_eq!(scanned.product_code, label.product_code);
    assert_eq!(scanned.expiry, date(2027, 5, 1));
}

#[test]
fn expiration_date_is_century_year_and_day_of_year() {
    assert_eq!(expiration_date_data(date(2027, 5, 1)).unwrap(), "=>027121");
    assert_eq!(
        expiration_date_data(date(2028, 12, 31)).unwrap(),
        "=>028366"
    );
    assert!(matches!(
        expiration_date_data(date(1999, 12, 31)),
        Err(LabelError::Invalid {
            field: "expiry",
            ..
        })
    ));
}

#[test]
fn a_mistyped_or_foreign_scan_is_refused_with_its_position() {
    let bad_flag = "=+03000=G12342600012382=<E0001V00=>027121";
    assert!(matches!(
        parse_compound_message(bad_flag),
        Err(LabelError::Isbt(_))
    ));
    let e = parse_compound_message("]d2010123456789012").unwrap_err();
    assert!(matches!(e, LabelError::Scan { position: 1, .. }), "{e}");
    let trailing = "=+03000=G12342600012381=<E0001V00=>027121X";
    assert!(matches!(
        parse_compound_message(trailing),
        Err(LabelError::Scan { position: 42, .. })
    ));
    let bad_day = "=+03000=G12342600012381=<E0001V00=>027400";
    assert!(matches!(
        parse_compound_message(bad_day),
        Err(LabelError::Scan { position: 36, .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn any_din_scans_back_from_both_symbols(
        a in "[A-NP-Z1-9]", n in 0u32..10_000, year in 0u8..100, seq in 0u32..1_000_000,
        days in 0i32..3000,
    ) {
        let fin = Fin::parse(&format!("{a}{n:04}")).unwrap();
        let din = Din::new(fin, year, seq).unwrap();
        let sym = Code128Symbol::encode(&din.barcode_data()).unwrap();
        let text = decode(raster_code128(&sym, 2), BarcodeFormat::CODE_128);
        prop_assert_eq!(Din::from_barcode(&text), Ok(din));

        let expiry = date(2026, 1, 1).checked_add(jiff::Span::new().days(days)).unwrap();
        let product = ProductCode::parse("E0001VAb").unwrap();
        let message = compound_message(&din, &product, expiry).unwrap();
        let dm = DataMatrixSymbol::encode(&message).unwrap();
        let scanned = parse_compound_message(&decode(raster_datamatrix(&dm, 5), BarcodeFormat::DATA_MATRIX)).unwrap();
        prop_assert_eq!((scanned.din, scanned.product_code, scanned.expiry), (din, product, expiry));
    }
}
