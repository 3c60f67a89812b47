//! The trace as an SVG graph: one column per kind of record, left → right in the order material
//! flows (donor, tissue, cell bank, raw-material lot, batch, harvest, lot, vial, patient), a box per
//! record linking to its page where one exists, and the genealogy edges as lines. A column with
//! more than `MAX_SHOWN` records shows the first few and one "+ N more" box, and edges to the
//! records it stands for end on it, so a trace over a thousand vials stays a readable picture.
//! Hand-written SVG (like the growth plot): boxes, lines and text, escaped, no extra dependency.

use crate::kit::seg;
use secretome_domain::genealogy::NodeKind;
use secretome_service::trace::{Trace, TraceNode};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// A column with more records than this is collapsed.
pub const MAX_SHOWN: usize = 12;
/// How many records a collapsed column still shows.
pub const SHOWN_WHEN_COLLAPSED: usize = 8;

const BOX_W: f64 = 168.0;
const BOX_H: f64 = 30.0;
const GAP_X: f64 = 64.0;
const GAP_Y: f64 = 10.0;
const MARGIN: f64 = 12.0;
const HEAD: f64 = 26.0;

/// One column of the graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub kind: NodeKind,
    /// Record ids shown as their own box (the root first, then by id).
    pub shown: Vec<String>,
    /// How many more records the column's "+ N more" box stands for.
    pub hidden: usize,
}

/// The page of a record, where the application has one.
pub fn href(kind: NodeKind, id: &str) -> Option<String> {
    let base = match kind {
        NodeKind::Donor => "/donors",
        NodeKind::CellBank => "/banks",
        NodeKind::MaterialLot => "/materials",
        NodeKind::Batch => "/batches",
        NodeKind::Lot => "/lots",
        NodeKind::Vial => "/vials",
        NodeKind::Patient => "/patients",
        NodeKind::Tissue | NodeKind::Harvest => return None,
    };
    Some(format!("{base}/{}", seg(id)))
}

/// The columns of a trace, collapsed where large.
pub fn columns(trace: &Trace) -> Vec<Column> {
    let mut by_kind: BTreeMap<NodeKind, Vec<&TraceNode>> = BTreeMap::new();
    for n in std::iter::once(&trace.root).chain(&trace.nodes) {
        by_kind.entry(n.kind).or_default().push(n);
    }
    NodeKind::ALL
        .iter()
        .filter_map(|kind| {
            let mut ids: Vec<&str> = by_kind.get(kind)?.iter().map(|n| n.id.as_str()).collect();
            ids.sort_by_key(|id| (!(trace.root.kind == *kind && trace.root.id == *id), *id));
            ids.dedup();
            let keep = if ids.len() > MAX_SHOWN {
                SHOWN_WHEN_COLLAPSED
            } else {
                ids.len()
            };
            Some(Column {
                kind: *kind,
                hidden: ids.len() - keep,
                shown: ids[..keep].iter().map(|s| s.to_string()).collect(),
            })
        })
        .collect()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// At most `n` characters, with an ellipsis when cut.
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// What the picture says in the page's language.
pub struct Labels<'a> {
    /// A kind's column heading.
    pub kind: &'a dyn Fn(NodeKind) -> String,
    /// The collapsed box: `more(n, kind)` → e.g. "+ 230 more vials".
    pub more: &'a dyn Fn(usize, NodeKind) -> String,
    /// Whether the viewer may open pages of this kind (a box links only then).
    pub may_open: &'a dyn Fn(NodeKind) -> bool,
}

/// The whole graph as an inline `<svg>` element.
pub fn svg(trace: &Trace, labels: &Labels) -> String {
    let cols = columns(trace);
    let rows = cols
        .iter()
        .map(|c| c.shown.len() + usize::from(c.hidden > 0))
        .max()
        .unwrap_or(1);
    let width = MARGIN * 2.0 + cols.len() as f64 * (BOX_W + GAP_X) - GAP_X;
    let height = MARGIN * 2.0 + HEAD + rows as f64 * (BOX_H + GAP_Y) - GAP_Y;
    // Where each box is, and which box stands for each record (`kind:id`).
    let mut boxes: Vec<(f64, f64)> = Vec::new();
    let mut box_of: BTreeMap<String, usize> = BTreeMap::new();
    let mut more_box: BTreeMap<NodeKind, usize> = BTreeMap::new();
    let mut body = String::new();
    for (i, c) in cols.iter().enumerate() {
        let x = MARGIN + i as f64 * (BOX_W + GAP_X);
        let n = c.shown.len() + usize::from(c.hidden > 0);
        let top = MARGIN + HEAD + (rows - n) as f64 * (BOX_H + GAP_Y) / 2.0;
        let _ = write!(
            body,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-weight="bold" fill="#444">{}</text>"##,
            x + BOX_W / 2.0,
            MARGIN + 14.0,
            esc(&(labels.kind)(c.kind))
        );
        for (j, id) in c.shown.iter().enumerate() {
            let y = top + j as f64 * (BOX_H + GAP_Y);
            let key = format!("{}:{id}", c.kind.as_str());
            box_of.insert(key.clone(), boxes.len());
            boxes.push((x, y));
            let root = c.kind == trace.root.kind && *id == trace.root.id;
            let (fill, stroke, sw) = if root {
                ("#fff4d6", "#b8860b", 2.5)
            } else {
                ("#eef4fb", "#4a6f9a", 1.0)
            };
            let rect = format!(
                r##"<rect x="{x:.1}" y="{y:.1}" width="{BOX_W}" height="{BOX_H}" rx="5" fill="{fill}" stroke="{stroke}" stroke-width="{sw}"/><text x="{:.1}" y="{:.1}" text-anchor="middle" font-family="monospace" font-size="12" fill="#123">{}</text>"##,
                x + BOX_W / 2.0,
                y + BOX_H / 2.0 + 4.0,
                esc(&short(id, 22))
            );
            let _ = write!(
                body,
                r#"<g class="tr-node" data-node="{}"{}><title>{}</title>"#,
                esc(&key),
                if root { r#" data-root="true""# } else { "" },
                esc(&format!("{}: {id}", (labels.kind)(c.kind)))
            );
            match href(c.kind, id).filter(|_| (labels.may_open)(c.kind)) {
                Some(h) => {
                    let _ = write!(body, r#"<a href="{}">{rect}</a></g>"#, esc(&h));
                }
                None => {
                    let _ = write!(body, "{rect}</g>");
                }
            }
        }
        if c.hidden > 0 {
            let y = top + c.shown.len() as f64 * (BOX_H + GAP_Y);
            more_box.insert(c.kind, boxes.len());
            boxes.push((x, y));
            let _ = write!(
                body,
                r##"<g class="tr-more" data-more="{}" data-count="{}"><rect x="{x:.1}" y="{y:.1}" width="{BOX_W}" height="{BOX_H}" rx="5" fill="#f3f3f3" stroke="#888" stroke-dasharray="4 3"/><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="12" fill="#333">{}</text></g>"##,
                c.kind.as_str(),
                c.hidden,
                x + BOX_W / 2.0,
                y + BOX_H / 2.0 + 4.0,
                esc(&(labels.more)(c.hidden, c.kind))
            );
        }
    }
    // Edges, each drawn once between the boxes that stand for its ends.
    let find = |key: &str| -> Option<usize> {
        box_of.get(key).copied().or_else(|| {
            let kind = NodeKind::parse("kind", key.split(':').next()?).ok()?;
            more_box.get(&kind).copied()
        })
    };
    let pairs: BTreeSet<(usize, usize)> = trace
        .edges
        .iter()
        .filter_map(|(from, to)| Some((find(from)?, find(to)?)))
        .collect();
    let mut lines = String::new();
    for (a, b) in pairs {
        let ((ax, ay), (bx, by)) = (boxes[a], boxes[b]);
        let (y1, y2) = (ay + BOX_H / 2.0, by + BOX_H / 2.0);
        if (ax - bx).abs() < 1.0 {
            // Within one column (a master bank → its working bank): a bow on the right side.
            let (x, bow) = (ax + BOX_W, ax + BOX_W + GAP_X / 3.0);
            let _ = write!(
                lines,
                r##"<path d="M{x:.1} {y1:.1} C{bow:.1} {y1:.1} {bow:.1} {y2:.1} {x:.1} {y2:.1}" fill="none" stroke="#8aa" stroke-width="1"/>"##
            );
        } else {
            let _ = write!(
                lines,
                r##"<line x1="{:.1}" y1="{y1:.1}" x2="{bx:.1}" y2="{y2:.1}" stroke="#8aa" stroke-width="1"/>"##,
                ax + BOX_W
            );
        }
    }
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="trace-graph" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="13" role="group" aria-labelledby="trace-graph-heading">{lines}{body}</svg>"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(kind: NodeKind, id: &str) -> TraceNode {
        TraceNode {
            kind,
            id: id.into(),
        }
    }

    /// A lot split into `n` vials, traced forward from the lot.
    fn lot_with_vials(n: usize) -> Trace {
        let vials: Vec<TraceNode> = (1..=n)
            .map(|i| node(NodeKind::Vial, &format!("L-1-{i:04}")))
            .collect();
        Trace {
            root: node(NodeKind::Lot, "L-1"),
            edges: vials
                .iter()
                .map(|v| ("lot:L-1".to_string(), format!("vial:{}", v.id)))
                .collect(),
            nodes: vials,
            patients_withheld: 0,
        }
    }

    fn labels() -> (
        impl Fn(NodeKind) -> String,
        impl Fn(usize, NodeKind) -> String,
    ) {
        (
            |k: NodeKind| k.as_str().to_string(),
            |n: usize, k: NodeKind| format!("+ {n} more {}", k.as_str()),
        )
    }

    #[test]
    fn a_thousand_vials_collapse_into_a_few_boxes_and_one_more_box() {
        let t = lot_with_vials(1000);
        let cols = columns(&t);
        assert_eq!(cols.len(), 2);
        assert_eq!(cols[0].shown, vec!["L-1".to_string()]);
        assert_eq!(cols[1].shown.len(), SHOWN_WHEN_COLLAPSED);
        assert_eq!(cols[1].hidden, 1000 - SHOWN_WHEN_COLLAPSED);
        let (kind, more) = labels();
        let s = svg(
            &t,
            &Labels {
                kind: &kind,
                more: &more,
                may_open: &|_| true,
            },
        );
        assert!(s.contains(r#"data-more="vial" data-count="992""#));
        assert!(s.contains("+ 992 more vial"));
        // one line per shown vial and one to the "more" box: not a thousand
        assert_eq!(s.matches("<line").count(), SHOWN_WHEN_COLLAPSED + 1);
        assert!(s.len() < 20_000, "{} bytes", s.len());
    }

    #[test]
    fn small_traces_show_every_record_with_escaped_ids_and_encoded_links() {
        let mut t = lot_with_vials(3);
        t.nodes.push(node(NodeKind::Patient, "P<1>/&x"));
        t.edges
            .push(("vial:L-1-0001".to_string(), "patient:P<1>/&x".to_string()));
        let (kind, more) = labels();
        let s = svg(
            &t,
            &Labels {
                kind: &kind,
                more: &more,
                may_open: &|_| true,
            },
        );
        assert!(!s.contains("data-more"));
        assert!(s.contains(r#"data-node="patient:P&lt;1&gt;/&amp;x""#));
        assert!(s.contains(r#"href="/patients/P%3C1%3E%2F%26x""#));
        assert!(s.contains(r#"href="/lots/L-1""#) && s.contains(r#"data-root="true""#));
        assert_eq!(s.matches("<line").count(), 4);
        assert!(!s.contains("<1>"), "ids are escaped");
    }
}
