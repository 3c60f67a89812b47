//! The label as a one-page PDF of 50 × 30 mm for a label printer, drawn with the same geometry as
//! the SVG. Text uses the PDF core fonts (Helvetica, Courier), so nothing is embedded; they cannot
//! show Japanese, so the Japanese product name appears in the SVG only.

use crate::svg::layout::*;
use crate::symbols::{CODE128_QUIET_MODULES, DATAMATRIX_QUIET_MODULES, runs};
use crate::{
    CODE128_MODULE_MM, LABEL_HEIGHT_MM, LABEL_WIDTH_MM, LabelData, LabelError, fitted_size,
};
use printpdf::{
    BuiltinFont, Color, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point, Pt, Rect, Rgb, TextItem,
};

/// Renders the label as a PDF document of one 50 × 30 mm page.
pub fn render_pdf(label: &LabelData) -> Result<Vec<u8>, LabelError> {
    let p = label.prepare()?;
    let mut ops = vec![Op::SaveGraphicsState, Op::SetFillColor { col: black() }];

    let en = &label.product_name_en;
    let size = fitted_size(en, 2.6, NAME_WIDTH);
    text(
        &mut ops,
        LEFT,
        NAME_EN_Y,
        size,
        BuiltinFont::HelveticaBold,
        en,
    );
    let din = label.din.eye_readable();
    text(
        &mut ops,
        LEFT,
        DIN_Y,
        DIN_SIZE,
        BuiltinFont::CourierBold,
        &din,
    );
    let advance = DIN_SIZE * MONO_ADVANCE;
    let flag_x = LEFT + advance * din.chars().count() as f64 + 0.3;
    let flag = format!("{:02}", label.din.flag());
    text(
        &mut ops,
        flag_x,
        DIN_Y - 1.0,
        1.5,
        BuiltinFont::Courier,
        &flag,
    );
    let box_x = flag_x + 1.8;
    ops.push(Op::SetOutlineColor { col: black() });
    ops.push(Op::SetOutlineThickness {
        pt: Mm(0.2).into_pt(),
    });
    let (bw, bh) = (advance + 0.8, DIN_SIZE * 1.05);
    ops.push(rect(
        box_x,
        DIN_Y - DIN_SIZE * 0.85,
        bw,
        bh,
        PaintMode::Stroke,
    ));
    let check = label.din.check_character().to_string();
    text(
        &mut ops,
        box_x + 0.4,
        DIN_Y,
        DIN_SIZE,
        BuiltinFont::CourierBold,
        &check,
    );

    let x0 = CODE128_MODULE_MM * CODE128_QUIET_MODULES as f64;
    for (start, width) in p.code128.bars() {
        let x = x0 + start as f64 * CODE128_MODULE_MM;
        let w = width as f64 * CODE128_MODULE_MM;
        ops.push(rect(x, BARS_TOP, w, BARS_HEIGHT, PaintMode::Fill));
    }

    let dm = &p.datamatrix;
    let m = DM_SIZE / (dm.width + 2 * DATAMATRIX_QUIET_MODULES) as f64;
    let q = DATAMATRIX_QUIET_MODULES as f64;
    let left = LABEL_WIDTH_MM - DM_SIZE - 0.8;
    for y in 0..dm.height {
        let row: Vec<bool> = (0..dm.width).map(|x| dm.is_dark(x, y)).collect();
        for (x, n) in runs(&row) {
            let (rx, ry) = (left + (q + x as f64) * m, DM_TOP + (q + y as f64) * m);
            ops.push(rect(rx, ry, n as f64 * m, m, PaintMode::Fill));
        }
    }

    let lines = [
        format!("{}   {}", label.product_code, p.lot_volume),
        label.storage_text(),
        format!("{}   {}", p.expiry, p.vial),
    ];
    for (y, line) in LINES_Y.iter().zip(&lines) {
        text(&mut ops, LEFT, *y, LINE_SIZE, BuiltinFont::Helvetica, line);
    }
    ops.push(Op::RestoreGraphicsState);

    let title = format!("{} {}", label.product_name_en, label.din.eye_readable());
    let page = PdfPage::new(Mm(LABEL_WIDTH_MM as f32), Mm(LABEL_HEIGHT_MM as f32), ops);
    let mut warnings = Vec::new();
    Ok(PdfDocument::new(&title)
        .with_pages(vec![page])
        .save(&PdfSaveOptions::default(), &mut warnings))
}

fn black() -> Color {
    Color::Rgb(Rgb {
        r: 0.0,
        g: 0.0,
        b: 0.0,
        icc_profile: None,
    })
}

/// A rectangle given top-left in label millimetres (origin top left), as a PDF rectangle.
fn rect(x: f64, top: f64, w: f64, h: f64, mode: PaintMode) -> Op {
    Op::DrawRectangle {
        rectangle: Rect {
            x: pt(x),
            y: pt(LABEL_HEIGHT_MM - top - h),
            width: pt(w),
            height: pt(h),
            mode: Some(mode),
            winding_order: None,
        },
    }
}

/// Text with its baseline at `y` millimetres from the top.
fn text(ops: &mut Vec<Op>, x: f64, y: f64, size_mm: f64, font: BuiltinFont, s: &str) {
    ops.extend([
        Op::StartTextSection,
        Op::SetFont {
            font: PdfFontHandle::Builtin(font),
            size: pt(size_mm),
        },
        Op::SetTextCursor {
            pos: Point {
                x: pt(x),
                y: pt(LABEL_HEIGHT_MM - y),
            },
        },
        Op::ShowText {
            items: vec![TextItem::Text(winansi(s))],
        },
        Op::EndTextSection,
    ]);
}

fn pt(mm: f64) -> Pt {
    Mm(mm as f32).into_pt()
}

/// Keeps what the core fonts' WinAnsi encoding can show (Latin-1 letters, °); anything else → `?`.
fn winansi(s: &str) -> String {
    s.chars()
        .map(|c| {
            if (c as u32) < 0x100 && !c.is_control() {
                c
            } else {
                '?'
            }
        })
        .collect()
}
