//! A look at an `.xls` before calamine opens it: calamine builds, for every
//! sheet, the whole grid from its first to its last cell, so 26 KB with a
//! stray cell at IV65536 beside the data cost a gigabyte. The cells' places
//! are read here from the BIFF records of the workbook stream, without
//! building anything, and a sheet whose grid would be far larger than its
//! cells is refused before calamine is asked.

use std::io::{BufReader, Read};
use std::path::Path;

/// The largest grid (rows × columns between a sheet's first and last cell)
/// read: an `.xls` holds at most 65,536 rows, and a register a dozen
/// columns; calamine keeps some 56 bytes a cell of the grid.
pub const MAX_GRID: u64 = 1 << 20;

/// A sheet whose grid is larger than [`MAX_GRID`]: its last cell (0-based
/// row and column) and the grid's size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FarCell {
    /// Row of the last cell.
    pub row: u32,
    /// Column of the last cell.
    pub col: u32,
    /// Cells of the grid.
    pub grid: u64,
}

/// The first sheet of the `.xls` at `path` whose grid is too large, if
/// any; `None` too when the file is not a readable `.xls` (calamine then
/// says why).
pub fn far_cell(path: &Path, folder: &Path) -> Option<FarCell> {
    let file = crate::files::open(path, folder, None).ok()?;
    let mut cfb = cfb::CompoundFile::open(file).ok()?;
    let stream = ["/Workbook", "/Book"].into_iter().find(|s| cfb.exists(s))?;
    let mut reader = BufReader::new(cfb.open_stream(stream).ok()?);
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    let mut head = [0u8; 4];
    let mut data = Vec::new();
    while reader.read_exact(&mut head).is_ok() {
        let kind = u16::from_le_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
        data.resize(len, 0);
        reader.read_exact(&mut data).ok()?;
        let u16_at = |i: usize| data.get(i..i + 2).map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])));
        let cells = match kind {
            // A sheet's substream begins: its bounds start afresh.
            0x0809 => {
                bounds = None;
                continue;
            }
            // The substream ends: was its grid too large?
            0x000A => {
                if let Some(far) = bounds.and_then(too_large) {
                    return Some(far);
                }
                bounds = None;
                continue;
            }
            // FORMULA, NUMBER, LABEL, BOOLERR, RK, LABELSST, RSTRING: one cell.
            0x0006 | 0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x00D6 => {
                u16_at(0).zip(u16_at(2)).map(|(r, c)| (r, c, c))
            }
            // MULRK: a row of cells, first and last column.
            0x00BD => u16_at(0).zip(u16_at(2)).zip(len.checked_sub(2).and_then(u16_at)).map(|((r, a), b)| (r, a, b)),
            _ => None,
        };
        if let Some((r, c0, c1)) = cells {
            bounds = Some(match bounds {
                None => (r, r, c0, c1),
                Some((r0, r1, a, b)) => (r0.min(r), r1.max(r), a.min(c0), b.max(c1)),
            });
        }
    }
    bounds.and_then(too_large)
}

fn too_large((r0, r1, c0, c1): (u32, u32, u32, u32)) -> Option<FarCell> {
    let grid = u64::from(r1.saturating_sub(r0) + 1) * u64::from(c1.saturating_sub(c0) + 1);
    (grid > MAX_GRID).then_some(FarCell { row: r1, col: c1, grid })
}
