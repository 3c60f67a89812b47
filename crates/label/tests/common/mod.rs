//! A realistic label for the tests: an example FIN (tests may use one; library code never does).

use jiff::civil::date;
use secretome_domain::ids::{LotNumber, VialId};
use secretome_domain::isbt::{Din, Fin, ProductCode};
use secretome_label::{LabelData, LabelLanguage};

pub fn label_with(din: Din) -> LabelData {
    LabelData {
        language: LabelLanguage::English,
        product_name_en: "MSC Conditioned Medium".into(),
        product_name_ja: Some("間葉系幹細胞培養上清液".into()),
        din,
        product_code: ProductCode::parse("E0001V00").expect("valid example product code"),
        lot: LotNumber::new("L-2026-001").expect("valid lot"),
        volume_ml: 1.0,
        storage_max_celsius: -80,
        expiry: date(2027, 5, 1),
        vial: VialId::new("V-0001").expect("valid vial"),
    }
}

pub fn label() -> LabelData {
    let fin = Fin::parse("G1234").expect("valid example FIN");
    label_with(Din::new(fin, 26, 123).expect("valid example DIN"))
}
