//! Tests of the container identities of a lot (divisions, DINs per lot, collection type) and of
//! reading scans back (property tests over lot sizes, FINs and sequences).

use super::scan::{Scanned, normalise, read};
use super::*;
use crate::ids::{DonorCode, PatientCode};
use proptest::prelude::*;
use std::collections::{BTreeMap, HashSet};

fn fin() -> Fin {
    Fin::parse("G1234").unwrap()
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ' ' => '\u{3000}',
            '!'..='~' => char::from_u32(u32::from(c) + 0xFEE0).unwrap(),
            c => c,
        })
        .collect()
}

#[test]
fn divisions_are_first_level_up_to_26_then_second_level() {
    assert_eq!(division(0, 1).as_deref(), Some("A0"));
    assert_eq!(division(25, 26).as_deref(), Some("Z0"));
    assert_eq!(division(0, 27).as_deref(), Some("Aa"));
    assert_eq!(division(26, 27).as_deref(), Some("Ba"));
    assert_eq!(division(675, 676).as_deref(), Some("Zz"));
    assert_eq!(division(26, 26), None);
    assert_eq!(division(0, 677), None);
    assert_eq!(division(0, 0), None);
}

#[test]
fn a_lot_of_more_than_676_vials_takes_consecutive_dins() {
    let id = assign(fin(), 26, 41, "S0001", CollectionType::Allogeneic, 700).unwrap();
    let dins: Vec<String> = id.dins.iter().map(ToString::to_string).collect();
    assert_eq!(dins, ["G123426000041", "G123426000042"]);
    assert_eq!(id.next_sequence(41), 43);
    assert_eq!(id.containers[675].product_code.to_string(), "S0001VZz");
    // The second DIN carries the remaining 24 containers: first-level divisions.
    assert_eq!(id.containers[676].din, id.dins[1]);
    assert_eq!(id.containers[676].product_code.to_string(), "S0001VA0");
    assert_eq!(id.containers[699].product_code.to_string(), "S0001VX0");
}

#[test]
fn the_sequence_is_not_passed_silently() {
    let e = assign(fin(), 26, 999_999, "S0001", CollectionType::Allogeneic, 677).unwrap_err();
    assert_eq!(e.field(), "din.sequence");
}

fn donor(code: &str, patient: Option<&str>) -> LotDonor {
    LotDonor {
        donor: DonorCode::new(code).unwrap(),
        autologous_for: patient.map(|p| PatientCode::new(p).unwrap()),
    }
}

#[test]
fn collection_type_follows_the_donors() {
    let allo = [donor("D-001", None), donor("D-002", None)];
    assert_eq!(
        collection_type("L1", &allo).unwrap(),
        CollectionType::Allogeneic
    );
    let auto = [donor("D-003", Some("P-001"))];
    assert_eq!(
        collection_type("L1", &auto).unwrap(),
        CollectionType::Autologous
    );
    assert_eq!(CollectionType::Autologous.code(), '1');
    assert_eq!(CollectionType::Allogeneic.code(), 'V');
    let mixed = [donor("D-003", Some("P-001")), donor("D-001", None)];
    let e = collection_type("L1", &mixed).unwrap_err().to_string();
    assert!(e.contains("D-003"), "{e}");
    assert!(collection_type("L1", &[]).is_err());
}

#[test]
fn scans_tell_a_wrong_check_character_from_a_wrong_flag() {
    let din = Din::parse("G123426000123").unwrap();
    let wrong = mod37_2_character((din.checksum() + 1) % 37);
    let e = read(&format!("{din}{wrong}")).unwrap_err();
    assert!(matches!(e, IsbtError::CheckCharacter { .. }), "{e:?}");
    let flag = 60 + (din.checksum() + 1) % 37;
    let e = read(&format!("={din}{flag:02}")).unwrap_err();
    assert!(matches!(e, IsbtError::Flag { .. }), "{e:?}");
}

#[test]
fn full_width_input_is_normalised_and_said_so() {
    let n = normalise(&full_width("G1234 26 000123"));
    assert_eq!(n.text, "G1234 26 000123");
    assert!(n.full_width);
    assert!(!normalise("G1234 26 000123").full_width);
}

proptest! {
    #[test]
    fn every_container_of_a_lot_has_its_own_identity(
        count in 1usize..2000, seq in 1u32..900_000, auto in any::<bool>()
    ) {
        let kind = if auto { CollectionType::Autologous } else { CollectionType::Allogeneic };
        let id = assign(fin(), 26, seq, "S0001", kind, count).unwrap();
        prop_assert_eq!(id.containers.len(), count);
        prop_assert_eq!(id.dins.len(), count.div_ceil(676));
        let unique: HashSet<(String, String)> = id.containers.iter()
            .map(|c| (c.din.to_string(), c.product_code.to_string())).collect();
        prop_assert_eq!(unique.len(), count);
        let mut per_din: BTreeMap<Din, Vec<ProductCode>> = BTreeMap::new();
        for c in &id.containers {
            prop_assert_eq!(c.product_code.description_code(), "S0001");
            prop_assert_eq!(c.product_code.donation_type(), kind.code());
            per_din.entry(c.din).or_default().push(c.product_code);
        }
        for (din, codes) in &per_din {
            prop_assert!(codes.len() <= MAX_DIVISIONS, "{} carries {}", din, codes.len());
            // Divisions run A0, B0, … (≤ 26) or Aa, Ab, … Az, Ba, … in container order.
            let first = if codes.len() <= 26 { "A0" } else { "Aa" };
            prop_assert_eq!(codes[0].division(), first);
            for w in codes.windows(2) {
                prop_assert!(w[0].division() < w[1].division());
            }
            if codes.len() <= 26 {
                prop_assert!(codes.iter().all(|c| c.division().ends_with('0')));
            } else {
                prop_assert!(codes.iter().all(|c| !c.division().ends_with('0')));
            }
        }
    }

    #[test]
    fn a_container_reads_back_from_each_way_of_scanning_it(
        count in 1usize..800, pick in any::<prop::sample::Index>(), seq in 1u32..999_000
    ) {
        let id = assign(fin(), 26, seq, "S0001", CollectionType::Allogeneic, count).unwrap();
        let c = id.containers[pick.index(count)];
        let expected = Scanned::Container(c);
        let barcodes = format!("{}{}", c.din.barcode_data(), c.product_code.barcode_data());
        prop_assert_eq!(read(&barcodes), Ok(expected));
        let compound = format!("=+03000{barcodes}=>026340");
        prop_assert_eq!(read(&compound), Ok(expected));
        let eye = format!("{} {} {}", c.din.eye_readable(), c.din.check_character(), c.product_code);
        prop_assert_eq!(read(&eye), Ok(expected));
        let n = normalise(&full_width(&eye));
        prop_assert!(n.full_width);
        prop_assert_eq!(read(&n.text), Ok(expected));
        prop_assert_eq!(read(&c.din.barcode_data()), Ok(Scanned::Din(c.din)));
    }
}

proptest! {
    #[test]
    fn reading_arbitrary_scans_never_panics(s in "(=\\+|=|=<)?.{0,40}") {
        let n = normalise(&s);
        if let Ok(scan) = read(&n.text) {
            prop_assert_eq!(read(&scan.din().barcode_data()), Ok(Scanned::Din(scan.din())));
        }
    }
}
