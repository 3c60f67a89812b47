//! Tests of the ISBT 128 identifiers: the published worked example, mod 37-2 error detection
//! (proptest), and parse errors that name the field and position.

use super::*;
use proptest::prelude::*;

fn example_fin() -> Fin {
    Fin::parse("G1234").unwrap()
}

#[test]
fn published_worked_example_g123_498_654_321() {
    // ICCBBA's worked example of the DIN check: G123 498 654 321 → 17, flag 77, check character H.
    assert_eq!(mod37_2_checksum("G123498654321"), Some(17));
    let din = Din::parse("G123 498 654 321").unwrap();
    assert_eq!(din.checksum(), 17);
    assert_eq!(din.flag(), 77);
    assert_eq!(din.check_character(), 'H');
    assert_eq!(din.barcode_data(), "=G12349865432177");
    assert_eq!(din.fin().as_str(), "G1234");
    assert_eq!((din.year(), din.sequence()), (98, 654_321));
    assert_eq!(din.eye_readable(), "G1234 98 654321");
}

#[test]
fn character_values_follow_iso_7064() {
    assert_eq!(mod37_2_value('0'), Some(0));
    assert_eq!(mod37_2_value('9'), Some(9));
    assert_eq!(mod37_2_value('A'), Some(10));
    assert_eq!(mod37_2_value('Z'), Some(35));
    assert_eq!(mod37_2_value('*'), Some(36));
    assert_eq!(mod37_2_value('a'), None);
    assert_eq!(mod37_2_checksum("G12-"), None);
    assert_eq!(mod37_2_character(36), '*');
}

#[test]
fn din_round_trips_through_text_barcode_and_json() {
    let din = Din::new(example_fin(), 26, 123).unwrap();
    assert_eq!(din.to_string(), "G123426000123");
    assert_eq!(din.eye_readable(), "G1234 26 000123");
    let with_check = format!("{} {}", din.eye_readable(), din.check_character());
    assert_eq!(Din::parse(&with_check), Ok(din));
    assert_eq!(Din::from_barcode(&din.barcode_data()), Ok(din));
    let json = serde_json::to_string(&din).unwrap();
    assert_eq!(json, "\"G123426000123\"");
    assert_eq!(serde_json::from_str::<Din>(&json).unwrap(), din);
    assert!(serde_json::from_str::<Din>("\"G12342600012\"").is_err());
}

#[test]
fn malformed_fin_is_refused_naming_field_and_position() {
    let e = Fin::parse("O1234").unwrap_err();
    assert_eq!(e.field(), "fin");
    assert_eq!(
        e.to_string(),
        "fin: character 'O' at position 1 is not allowed (expected A–N, P–Z or 1–9)"
    );
    assert!(matches!(
        Fin::parse("0G234"),
        Err(IsbtError::Character { position: 1, .. })
    ));
    let e = Fin::parse("G12X4").unwrap_err();
    assert!(matches!(
        e,
        IsbtError::Character {
            field: "fin",
            position: 4,
            found: 'X',
            ..
        }
    ));
    assert!(matches!(
        Fin::parse("G123"),
        Err(IsbtError::Length {
            field: "fin",
            got: 4,
            ..
        })
    ));
    assert!(serde_json::from_str::<Fin>("\"g1234\"").is_err());
}

#[test]
fn malformed_din_is_refused_naming_field_and_position() {
    let e = Din::parse("G1234 2X 000123").unwrap_err();
    assert_eq!(
        e.to_string(),
        "din.year: character 'X' at position 7 is not allowed (expected a digit)"
    );
    let e = Din::parse("G123426000A23").unwrap_err();
    assert!(matches!(
        e,
        IsbtError::Character {
            field: "din.sequence",
            position: 11,
            ..
        }
    ));
    assert_eq!(Din::parse("O123426000123").unwrap_err().field(), "din.fin");
    assert_eq!(Din::parse("G12342600012").unwrap_err().field(), "din");
    let e = Din::parse("G123498654321 J").unwrap_err();
    assert_eq!(
        e,
        IsbtError::CheckCharacter {
            field: "din.check_character",
            found: 'J',
            expected: 'H'
        }
    );
    let e = Din::from_barcode("=G12349865432178").unwrap_err();
    assert_eq!(
        e,
        IsbtError::Flag {
            field: "din.flag",
            found: 78,
            expected: 77
        }
    );
    // Flags 00–59 are not checksums: accepted as they are.
    assert!(Din::from_barcode("=G12349865432100").is_ok());
    assert_eq!(
        Din::from_barcode("G12349865432177").unwrap_err().field(),
        "din.barcode"
    );
    let e = Din::new(example_fin(), 26, 1_000_000).unwrap_err();
    assert_eq!(e.field(), "din.sequence");
    // Converted to the domain's error, the field is kept.
    let d: DomainError = Din::parse("G1234").unwrap_err().into();
    assert!(
        matches!(d, DomainError::Invalid { ref field, .. } if field == "din"),
        "{d}"
    );
}

#[test]
fn product_code_parts_and_errors() {
    let p = ProductCode::parse("E0001V00").unwrap();
    assert_eq!(
        (p.description_code(), p.donation_type(), p.division()),
        ("E0001", 'V', "00")
    );
    assert_eq!(p.barcode_data(), "=<E0001V00");
    assert_eq!(ProductCode::parse("=<E0001V00"), Ok(p));
    assert_eq!(
        ProductCode::new("E0001", 'V', "Ab").unwrap().to_string(),
        "E0001VAb"
    );
    let e = ProductCode::parse("E00X1V00").unwrap_err();
    assert_eq!(
        e.to_string(),
        "product_code.description: character 'X' at position 4 is not allowed (expected a digit)"
    );
    assert_eq!(
        ProductCode::parse("E0001V0a").unwrap_err().field(),
        "product_code.division"
    );
    assert_eq!(
        ProductCode::parse("E0001Va0").unwrap_err().field(),
        "product_code.division"
    );
    assert_eq!(
        ProductCode::parse("E0001-00").unwrap_err().field(),
        "product_code.donation_type"
    );
    assert_eq!(
        ProductCode::parse("E0001V0").unwrap_err().field(),
        "product_code"
    );
    assert!(serde_json::from_str::<ProductCode>("\"E0001V00\"").is_ok());
}

fn any_fin() -> impl Strategy<Value = Fin> {
    ("[A-NP-Z1-9]", 0u32..10_000)
        .prop_map(|(a, n)| Fin::parse(&format!("{a}{n:04}")).expect("strategy yields valid FINs"))
}

fn any_din() -> impl Strategy<Value = Din> {
    (any_fin(), 0u8..100, 0u32..1_000_000)
        .prop_map(|(f, y, s)| Din::new(f, y, s).expect("strategy yields valid DINs"))
}

/// The DIN as typed by hand: 13 characters + check character.
fn typed(din: &Din) -> Vec<char> {
    format!("{din}{}", din.check_character()).chars().collect()
}

proptest! {
    #[test]
    fn weighted_sum_with_check_is_one_mod_37(din in any_din()) {
        // ISO/IEC 7064 pure system: Σ vᵢ·2^(n−i) over data and check character ≡ 1 (mod 37).
        let t = typed(&din);
        let n = t.len();
        let sum: u64 = t.iter().enumerate().map(|(i, c)| {
            u64::from(mod37_2_value(*c).unwrap()) * 2u64.pow((n - 1 - i) as u32) % 37
        }).sum();
        prop_assert_eq!(sum % 37, 1);
    }

    #[test]
    fn any_single_character_change_is_detected(din in any_din(), pos in 0usize..14, r in 0usize..37) {
        let mut t = typed(&din);
        let replacement = char::from(MOD37_2_CHARSET[r]);
        prop_assume!(t[pos] != replacement);
        t[pos] = replacement;
        let s: String = t.into_iter().collect();
        prop_assert!(Din::parse(&s).is_err(), "{} accepted", s);
    }

    #[test]
    fn any_adjacent_transposition_is_detected(din in any_din(), pos in 0usize..13) {
        let mut t = typed(&din);
        prop_assume!(t[pos] != t[pos + 1]);
        t.swap(pos, pos + 1);
        let s: String = t.into_iter().collect();
        prop_assert!(Din::parse(&s).is_err(), "{} accepted", s);
    }

    #[test]
    fn checksum_detects_substitutions_in_any_string(s in "[0-9A-Z*]{1,30}", pos in any::<prop::sample::Index>(), r in 0usize..37) {
        let mut c: Vec<char> = s.chars().collect();
        let i = pos.index(c.len());
        let replacement = char::from(MOD37_2_CHARSET[r]);
        prop_assume!(c[i] != replacement);
        let before = mod37_2_checksum(&s);
        c[i] = replacement;
        let after: String = c.into_iter().collect();
        prop_assert_ne!(before, mod37_2_checksum(&after));
    }

    #[test]
    fn parsing_arbitrary_text_never_panics(s in ".{0,40}") {
        if let Ok(d) = Din::parse(&s) {
            prop_assert_eq!(Din::parse(&d.to_string()), Ok(d));
        }
        let _ = Din::from_barcode(&s);
        let _ = Fin::parse(&s);
        let _ = ProductCode::parse(&s);
    }
}
