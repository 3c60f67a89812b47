//! A demo vial's label, as the service renders it for the label page and the CLI, scans back: the
//! SVG's Code 128 bars and DataMatrix modules are rasterised from the SVG text itself and decoded
//! with rxing to the vial's DIN and ISBT 128 product code. A vial without a DIN is refused with the
//! reason, never given a blank label.

use crate::common;
use common::*;

use rxing::BarcodeFormat;
use secretome_domain::isbt::Din;
use secretome_domain::vial::Vial;
use secretome_label::parse_compound_message;
use secretome_service::{ErrorKind, Service, demo};
use secretome_store::testing::stores;
use std::sync::Arc;

/// Pixels per millimetre: Code 128 modules (0.25 mm) are 2 pixels wide.
const PX: f64 = 8.0;
const DM_PX: f64 = 24.0;

fn attr(tag: &str, name: &str) -> f64 {
    tag.split(&format!(" {name}=\""))
        .nth(1)
        .and_then(|r| r.split('"').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("attribute {name} in {tag}"))
}

/// An 8-bit grey image (255 white) of a 50 × 30 mm label at `px` pixels per mm.
struct Raster {
    w: usize,
    h: usize,
    px: f64,
    luma: Vec<u8>,
}

impl Raster {
    fn new(px: f64) -> Raster {
        let (w, h) = ((50.0 * px) as usize, (30.0 * px) as usize);
        Raster {
            w,
            h,
            px,
            luma: vec![255; w * h],
        }
    }
    /// Blackens every pixel whose centre lies in the rectangle (mm).
    fn fill(&mut self, x: f64, y: f64, w: f64, h: f64) {
        for py in 0..self.h {
            let cy = (py as f64 + 0.5) / self.px;
            if cy < y || cy >= y + h {
                continue;
            }
            for px in 0..self.w {
                let cx = (px as f64 + 0.5) / self.px;
                if cx >= x && cx < x + w {
                    self.luma[py * self.w + px] = 0;
                }
            }
        }
    }
    fn decode(self, format: BarcodeFormat) -> String {
        let r =
            rxing::helpers::detect_in_luma(self.luma, self.w as u32, self.h as u32, Some(format))
                .expect("the symbol decodes");
        assert_eq!(r.getBarcodeFormat(), &format);
        r.getText().to_owned()
    }
}

/// The Code 128 symbol: every `<rect class="bar" …>`.
fn code128(svg: &str) -> String {
    let mut r = Raster::new(PX);
    for tag in svg.split("<rect class=\"bar\"").skip(1) {
        let tag = tag.split("/>").next().unwrap_or("");
        r.fill(
            attr(tag, "x"),
            attr(tag, "y"),
            attr(tag, "width"),
            attr(tag, "height"),
        );
    }
    r.decode(BarcodeFormat::CODE_128)
}

/// The DataMatrix: the path of the `datamatrix` group, one `M x y h w v m h-w z` run per rectangle.
fn datamatrix(svg: &str) -> String {
    let group = svg
        .split("class=\"datamatrix\"")
        .nth(1)
        .expect("a DataMatrix group");
    let d = group
        .split(" d=\"")
        .nth(1)
        .and_then(|p| p.split('"').next())
        .expect("a DataMatrix path");
    let mut r = Raster::new(DM_PX);
    for run in d.split('z').filter(|s| !s.is_empty()) {
        let nums: Vec<f64> = run
            .split(['M', ' ', 'h', 'v', '-'])
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().expect("a number"))
            .collect();
        let [x, y, w, h, _] = nums[..] else {
            panic!("unexpected run {run:?}")
        };
        r.fill(x, y, w, h);
    }
    r.decode(BarcodeFormat::DATA_MATRIX)
}

#[tokio::test]
async fn a_demo_vials_label_scans_back_to_its_din_and_product_code() {
    for (backend, store) in stores("labels").await {
        let svc = Service::new(Arc::new(store.clone()));
        demo::build(&svc, t("2026-11-25T03:00:00Z")).await.unwrap();
        let v: Vial = svc.store().fetch("L-2026-004-0007").await.unwrap().unwrap();
        let din = Din::parse(v.din.as_deref().expect("demo vials have a DIN")).unwrap();
        assert_eq!(din.fin().as_str(), "G1234", "{backend:?}");

        let svg = svc
            .vial_label_svg(&v.id.to_string(), t("2026-11-25T03:00:00Z"))
            .await
            .unwrap();
        // A Japanese facility's label (the default): Japanese words and product name.
        assert!(
            svg.contains("幹細胞培養上清液") && svg.contains("ロット L-2026-004"),
            "{backend:?}"
        );
        assert!(!svg.contains("Lot L-2026-004") && !svg.contains("Store at"));
        let scanned = code128(&svg);
        assert_eq!(
            Din::from_barcode(&scanned),
            Ok(din),
            "{backend:?}: {scanned}"
        );
        let message = parse_compound_message(&datamatrix(&svg)).unwrap();
        assert_eq!(message.din, din);
        assert_eq!(Some(message.product_code.to_string()), v.product_code);
        // The 7th of the lot's 40 vials: division A then g (second level, 26 per first level).
        assert_eq!(message.product_code.to_string(), "S0001VAg");

        // Found by its DIN and product code too (as typed from the label with the check character,
        // as the two linear barcodes scanned one after the other, or as the DataMatrix message).
        let pc = message.product_code;
        let eye = format!("{} {} {pc}", din.eye_readable(), din.check_character());
        let linear = format!("{scanned}{}", pc.barcode_data());
        let matrix = datamatrix(&svg);
        for typed in [eye.as_str(), linear.as_str(), matrix.as_str()] {
            let data = svc
                .vial_label(typed, t("2026-11-25T03:00:00Z"))
                .await
                .unwrap();
            assert_eq!(data.vial, v.id, "{typed}");
        }
        // The printed expiry is the last whole day before the vial expires (Tokyo).
        let data = svc
            .vial_label(v.id.as_str(), t("2026-11-25T03:00:00Z"))
            .await
            .unwrap();
        let tokyo = jiff::tz::TimeZone::get("Asia/Tokyo").unwrap();
        let last = v.expires_at.timestamp().to_zoned_datetime(tokyo).date();
        assert_eq!(data.expiry, last.yesterday().unwrap());
        assert_eq!(data.storage_max_celsius, -80);
        let pdf = svc
            .vial_label_pdf(v.id.as_str(), t("2026-11-25T03:00:00Z"))
            .await
            .unwrap();
        assert!(pdf.starts_with(b"%PDF-"));

        // A facility that chose English prints English labels.
        let admin = svc.actor("admin").await.unwrap();
        let at = t("2026-11-25T03:00:00Z");
        svc.set_setting(&admin, at, secretome_domain::site::SETTING_LANGUAGE, "en")
            .await
            .unwrap();
        let svg = svc.vial_label_svg(v.id.as_str(), at).await.unwrap();
        assert!(
            svg.contains("Lot L-2026-004") && svg.contains("Store at -80 °C or below"),
            "{backend:?}"
        );

        // A vial filled before the FIN was configured (a row from before DINs existed).
        sqlx::query("UPDATE vial SET din = NULL, product_code = NULL WHERE id = 'L-2026-001-0001'")
            .execute(store.pool())
            .await
            .unwrap();
        for e in [
            svc.vial_label_svg("L-2026-001-0001", t("2026-11-25T03:00:00Z"))
                .await
                .unwrap_err(),
            svc.vial_label_pdf("L-2026-001-0001", t("2026-11-25T03:00:00Z"))
                .await
                .unwrap_err(),
        ] {
            assert_eq!(e.kind(), ErrorKind::Conflict);
            assert!(e.to_string().contains("has no ISBT 128 DIN"), "{e}");
        }
        let d = svc
            .vial_detail("L-2026-001-0001", t("2026-11-25T03:00:00Z"))
            .await
            .unwrap();
        assert!(d.label_refusal.unwrap().contains("no label can be printed"));
        let e = svc
            .vial_label_svg("NO-SUCH-VIAL", t("2026-11-25T03:00:00Z"))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
    }
}
