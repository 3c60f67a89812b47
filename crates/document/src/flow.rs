//! A flowing A4 layout: headings, wrapped paragraphs, label–value facts and tables whose cells wrap
//! (a long method or criterion takes more lines, never an ellipsis), with page breaks that repeat a
//! table's header row and a footer naming the document and `page i / n` on every page.

use crate::page::Page;
use crate::{DocumentError, Weight, wrap};

/// Points → millimetres (font sizes are given in points, as typographers do).
pub fn pt(points: f32) -> f32 {
    points * 25.4 / 72.0
}

const A4: (f32, f32) = (210.0, 297.0);
const MARGIN: f32 = 15.0;
const TOP: f32 = 18.0;
const BOTTOM: f32 = 280.0;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.4;
/// Horizontal padding inside a table cell, each side (mm).
const PAD: f32 = 1.0;

/// A table column: its header and width in mm.
#[derive(Debug, Clone)]
pub struct Column {
    pub title: String,
    pub width: f32,
}

/// The document being laid out, top to bottom.
pub struct Flow {
    pages: Vec<Page>,
    y: f32,
    footer: String,
    /// The header row to repeat when a table continues on a new page.
    table_header: Option<(Vec<Column>, f32)>,
}

impl Flow {
    /// An empty A4 document whose pages carry `footer` (and their number) at the bottom.
    pub fn a4(footer: &str) -> Flow {
        Flow {
            pages: vec![Page::new(A4.0, A4.1)],
            y: TOP,
            footer: footer.to_owned(),
            table_header: None,
        }
    }

    /// Width between the margins (mm).
    pub fn width(&self) -> f32 {
        A4.0 - 2.0 * MARGIN
    }

    fn page(&mut self) -> &mut Page {
        let i = self.pages.len() - 1;
        &mut self.pages[i]
    }

    fn new_page(&mut self) -> Result<(), DocumentError> {
        self.pages.push(Page::new(A4.0, A4.1));
        self.y = TOP;
        if let Some((cols, size)) = self.table_header.clone() {
            self.header_row(&cols, size)?;
        }
        Ok(())
    }

    /// Makes room for `h` mm, starting a new page if the rest of this one is shorter.
    fn need(&mut self, h: f32) -> Result<(), DocumentError> {
        if self.y + h > BOTTOM && self.y > TOP {
            self.new_page()?;
        }
        Ok(())
    }

    /// Vertical space (mm).
    pub fn space(&mut self, mm: f32) {
        self.y += mm;
    }

    /// A paragraph at `x_offset` mm from the left margin, wrapped to the rest of the width.
    pub fn paragraph_at(
        &mut self,
        x_offset: f32,
        text: &str,
        size_pt: f32,
        weight: Weight,
    ) -> Result<(), DocumentError> {
        let size = pt(size_pt);
        let lh = size * LEADING;
        for line in wrap(text, weight, size, self.width() - x_offset)? {
            self.need(lh)?;
            self.y += lh;
            let y = self.y - (lh - size) / 2.0 - size * 0.12;
            self.page().text(MARGIN + x_offset, y, size, weight, &line);
        }
        Ok(())
    }

    /// A wrapped paragraph across the full width.
    pub fn paragraph(
        &mut self,
        text: &str,
        size_pt: f32,
        weight: Weight,
    ) -> Result<(), DocumentError> {
        self.paragraph_at(0.0, text, size_pt, weight)
    }

    /// A heading kept with at least three lines of what follows.
    pub fn heading(&mut self, text: &str, size_pt: f32) -> Result<(), DocumentError> {
        self.need(pt(size_pt) * LEADING + 15.0)?;
        self.space(1.5);
        self.paragraph(text, size_pt, Weight::Bold)
    }

    /// A thin horizontal rule across the width.
    pub fn rule(&mut self) {
        let (y, w) = (self.y + 0.6, self.width());
        self.page().items.push(crate::Item::Fill {
            x: MARGIN,
            y,
            w,
            h: 0.2,
            grey: true,
        });
        self.y += 1.4;
    }

    /// Label–value pairs: the label in bold in a column `label_width` mm wide, the value wrapped.
    pub fn facts(
        &mut self,
        rows: &[(String, String)],
        label_width: f32,
        size_pt: f32,
    ) -> Result<(), DocumentError> {
        let cols = [
            Column {
                title: String::new(),
                width: label_width,
            },
            Column {
                title: String::new(),
                width: self.width() - label_width,
            },
        ];
        for (k, v) in rows {
            self.row(
                &cols,
                &[k.clone(), v.clone()],
                size_pt,
                [Weight::Bold, Weight::Regular],
            )?;
        }
        Ok(())
    }

    /// A table: a bold header row (repeated on each page the table runs onto), then the rows; each
    /// cell wraps within its column.
    pub fn table(
        &mut self,
        cols: &[Column],
        rows: &[Vec<String>],
        size_pt: f32,
    ) -> Result<(), DocumentError> {
        self.need(pt(size_pt) * LEADING * 4.0)?;
        self.header_row(cols, size_pt)?;
        self.table_header = Some((cols.to_vec(), size_pt));
        for r in rows {
            self.row(cols, r, size_pt, [Weight::Regular, Weight::Regular])?;
            self.y += 0.8;
        }
        self.table_header = None;
        self.rule();
        Ok(())
    }

    fn header_row(&mut self, cols: &[Column], size_pt: f32) -> Result<(), DocumentError> {
        let titles: Vec<String> = cols.iter().map(|c| c.title.clone()).collect();
        self.row(cols, &titles, size_pt, [Weight::Bold, Weight::Bold])?;
        self.rule();
        Ok(())
    }

    /// One row: every cell wrapped, drawn line by line so a row taller than the rest of the page
    /// continues on the next.
    fn row(
        &mut self,
        cols: &[Column],
        cells: &[String],
        size_pt: f32,
        weights: [Weight; 2],
    ) -> Result<(), DocumentError> {
        let size = pt(size_pt);
        let lh = size * LEADING;
        let mut wrapped = Vec::with_capacity(cols.len());
        for (i, (c, text)) in cols.iter().zip(cells).enumerate() {
            let w = if i == 0 { weights[0] } else { weights[1] };
            wrapped.push((w, wrap(text, w, size, c.width - 2.0 * PAD)?));
        }
        let n = wrapped.iter().map(|(_, l)| l.len()).max().unwrap_or(0);
        // Keep short rows whole: move the row to the next page if it fits there but not here.
        if n <= 6 {
            self.need(lh * n as f32)?;
        }
        for line in 0..n {
            self.need(lh)?;
            self.y += lh;
            let y = self.y - (lh - size) / 2.0 - size * 0.12;
            let mut x = MARGIN;
            for ((w, lines), c) in wrapped.iter().zip(cols) {
                if let Some(t) = lines.get(line).filter(|t| !t.is_empty()) {
                    self.page().text(x + PAD, y, size, *w, t);
                }
                x += c.width;
            }
        }
        Ok(())
    }

    /// The pages, each with the footer and `i / n`.
    pub fn finish(mut self) -> Vec<Page> {
        let n = self.pages.len();
        let size = pt(7.0);
        for (i, p) in self.pages.iter_mut().enumerate() {
            let text = format!("{}    {} / {}", self.footer, i + 1, n);
            p.text(MARGIN, 289.0, size, Weight::Regular, &text);
        }
        self.pages
    }
}
