//! A page as a list of drawing items in millimetres from the top-left corner, and the one function
//! that turns pages into a PDF/A-2b file with krilla: embedded, subsetted fonts, XMP metadata with
//! `pdfaid`, the sRGB OutputIntent, title, language and the real creation date. Every document
//! (certificate, label, and later ones) ends here, so they share one conformance.

use crate::fonts::{Weight, fonts};
use crate::{DocumentError, Meta};
use krilla::{
    Document,
    color::rgb,
    configure::{Archival, ConfigurationBuilder, Validator},
    geom::{PathBuilder, Point, Transform},
    metadata::{DateTime, Metadata},
    num::NormalizedF32,
    page::PageSettings,
    paint::{Fill, Stroke},
    text::TextDirection,
};

/// Millimetres → PDF points.
pub const PT_PER_MM: f32 = 72.0 / 25.4;

/// One thing drawn on a page; coordinates in mm, origin top left, y downwards.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// Text with its baseline starting at (`x`, `y`), `size` the font size in mm; `rotate` turns
    /// it clockwise around that point, in degrees.
    Text {
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        text: String,
        rotate: f32,
    },
    /// A filled rectangle (black, or grey when `grey`).
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: bool,
    },
    /// A rectangle's outline, `line` mm wide.
    Frame {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        line: f32,
    },
}

/// A page of `width` × `height` mm and what is drawn on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub items: Vec<Item>,
}

impl Page {
    pub fn new(width: f32, height: f32) -> Page {
        Page {
            width,
            height,
            items: Vec::new(),
        }
    }
    pub fn text(&mut self, x: f32, y: f32, size: f32, weight: Weight, text: &str) {
        self.items.push(Item::Text {
            x,
            y,
            size,
            weight,
            text: text.to_owned(),
            rotate: 0.0,
        });
    }
    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.items.push(Item::Fill {
            x,
            y,
            w,
            h,
            grey: false,
        });
    }
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, line: f32) {
        self.items.push(Item::Frame { x, y, w, h, line });
    }
    /// Every text drawn on the page, in drawing order.
    pub fn texts(&self) -> impl Iterator<Item = (&str, f32, Weight)> {
        self.items.iter().filter_map(|i| match i {
            Item::Text {
                text, size, weight, ..
            } => Some((text.as_str(), *size, *weight)),
            _ => None,
        })
    }
}

/// Writes `pages` as one PDF/A-2b document described by `meta`.
pub fn render(pages: &[Page], meta: &Meta) -> Result<Vec<u8>, DocumentError> {
    let config = ConfigurationBuilder::new()
        .set_validator(Validator::A(Archival::A2_B))
        .finish()
        .map_err(|e| DocumentError::Pdf(format!("{e:?}")))?;
    let settings = krilla::SerializeSettings {
        configuration: config,
        ..Default::default()
    };
    let mut doc = Document::new_with(settings);
    let f = fonts();
    for p in pages {
        let size = PageSettings::from_wh(p.width * PT_PER_MM, p.height * PT_PER_MM)
            .ok_or_else(|| DocumentError::Pdf(format!("page size {} × {}", p.width, p.height)))?;
        let mut page = doc.start_page_with(size);
        let mut s = page.surface();
        for item in &p.items {
            match item {
                Item::Text {
                    x,
                    y,
                    size,
                    weight,
                    text,
                    rotate,
                } => {
                    let (x0, y0) = (x * PT_PER_MM, y * PT_PER_MM);
                    let turned = *rotate != 0.0;
                    if turned {
                        s.push_transform(&Transform::from_rotate_at(*rotate, x0, y0));
                    }
                    s.set_fill(Some(black()));
                    let mut dx = 0.0;
                    for (face, run) in f.runs(text, *weight)? {
                        let pt = size * PT_PER_MM;
                        s.draw_text(
                            Point::from_xy(x0 + dx, y0),
                            face.pdf.clone(),
                            pt,
                            &run,
                            false,
                            TextDirection::Auto,
                        );
                        dx += f.width(&run, *weight)? * pt;
                    }
                    if turned {
                        s.pop();
                    }
                }
                Item::Fill { x, y, w, h, grey } => {
                    if let Some(path) = rect(*x, *y, *w, *h) {
                        s.set_stroke(None);
                        s.set_fill(Some(if *grey { grey_fill() } else { black() }));
                        s.draw_path(&path);
                    }
                }
                Item::Frame { x, y, w, h, line } => {
                    if let Some(path) = rect(*x, *y, *w, *h) {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke {
                            paint: rgb::Color::black().into(),
                            width: line * PT_PER_MM,
                            ..Default::default()
                        }));
                        s.draw_path(&path);
                        s.set_stroke(None);
                    }
                }
            }
        }
        s.finish();
        page.finish();
    }
    doc.set_metadata(metadata(meta));
    doc.finish()
        .map_err(|e| DocumentError::Pdf(format!("{e:?}")))
}

fn metadata(meta: &Meta) -> Metadata {
    let z = meta.created.to_zoned_datetime(jiff::tz::TimeZone::UTC);
    let created = DateTime::new(u16::try_from(z.year()).unwrap_or(1970))
        .month(z.month().unsigned_abs())
        .day(z.day().unsigned_abs())
        .hour(z.hour().unsigned_abs())
        .minute(z.minute().unsigned_abs())
        .second(z.second().unsigned_abs())
        .utc_offset_hour(0)
        .utc_offset_minute(0);
    Metadata::new()
        .title(meta.title.clone())
        .language(meta.language.clone())
        .creator("secretome".to_string())
        .producer(format!("secretome {}", env!("CARGO_PKG_VERSION")))
        .authors(meta.author.iter().cloned().collect())
        .creation_date(created)
}

fn rect(x: f32, y: f32, w: f32, h: f32) -> Option<krilla::geom::Path> {
    let mut pb = PathBuilder::new();
    pb.push_rect(krilla::geom::Rect::from_xywh(
        x * PT_PER_MM,
        y * PT_PER_MM,
        w * PT_PER_MM,
        h * PT_PER_MM,
    )?);
    pb.finish()
}

fn black() -> Fill {
    Fill {
        paint: rgb::Color::black().into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn grey_fill() -> Fill {
    Fill {
        paint: rgb::Color::new(150, 150, 150).into(),
        ..black()
    }
}
