//! `integra init --xlsx`: one workbook `registri.xlsx` with a sheet per
//! register, ready to fill: header bold and frozen, dates formatted and
//! validated, drop-down lists for request types, genders, booleans,
//! countries and comuni (the long lists on a hidden sheet), an input message
//! in Italian on every column, and a first sheet of instructions.

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Format, FormatBorder, Formula,
    Workbook, XlsxError,
};

use crate::reference::Countries;
use crate::schema::{Kind, REGISTERS};

/// Rows offered with validation in each register sheet.
pub const ROWS: u32 = 5000;
/// The hidden sheet holding the lists.
pub const LISTS: &str = crate::schema::LISTS_SHEET;

fn width(kind: Kind, name: &str) -> f64 {
    match kind {
        Kind::Date => 13.0,
        Kind::Gender | Kind::Bool => 12.0,
        Kind::Number | Kind::Count => 11.0,
        Kind::Id => 14.0,
        Kind::Country | Kind::Comune => 22.0,
        Kind::RequestType => 48.0,
        Kind::Text if matches!(name, "descrizione" | "titolo" | "bando" | "partner") => 40.0,
        Kind::Text => 20.0,
    }
}

/// Builds the workbook; `types` is `centro.toml`'s request-type vocabulary.
pub fn build(types: &[String]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold =
        Format::new().set_bold().set_background_color(Color::RGB(0xDDE8F5)).set_border_bottom(FormatBorder::Thin);
    let title = Format::new().set_bold().set_font_size(14);
    let wrap = Format::new().set_text_wrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");

    let sheet = wb.add_worksheet();
    sheet.set_name(crate::schema::INSTRUCTIONS_SHEET)?;
    sheet.write_string_with_format(0, 0, "Registri del Centro: come compilarli", &title)?;
    sheet.write_string(
        1,
        0,
        "Un foglio per registro; una riga per ogni accesso, utente, corso… Non cambiate i nomi dei fogli né le intestazioni. \
         Le celle offrono le scelte valide (tipi di richiesta, paesi, comuni): integra validate controlla il resto.",
    )?;
    sheet.write_string_with_format(3, 0, "Foglio", &bold)?;
    sheet.write_string_with_format(3, 1, "Che cosa contiene (una riga per…)", &bold)?;
    sheet.write_string_with_format(3, 2, "Colonne obbligatorie", &bold)?;
    for (i, r) in REGISTERS.iter().enumerate() {
        let row = 4 + i as u32;
        sheet.write_string(row, 0, r.name)?;
        sheet.write_string_with_format(row, 1, r.row_is, &wrap)?;
        let required: Vec<&str> = r.columns.iter().filter(|c| c.required).map(|c| c.name).collect();
        sheet.write_string_with_format(row, 2, required.join(", "), &wrap)?;
    }
    sheet.set_column_width(0, 14)?;
    sheet.set_column_width(1, 60)?;
    sheet.set_column_width(2, 50)?;

    let countries: Vec<&str> = {
        let mut v: Vec<&str> = Countries::get().all().iter().map(|c| c.name.as_str()).collect();
        v.sort_by_key(|n| crate::text::fold(n));
        v
    };
    let comuni = crate::reference::Comuni::get().names();
    let list_range = |col: &str, n: usize| Formula::new(format!("={LISTS}!${col}$2:${col}${}", n + 1));

    for r in &REGISTERS {
        let sheet = wb.add_worksheet();
        sheet.set_name(r.name)?;
        sheet.set_freeze_panes(1, 0)?;
        for (c, col) in r.columns.iter().enumerate() {
            let c = c as u16;
            sheet.write_string_with_format(0, c, col.name, &bold)?;
            sheet.set_column_width(c, width(col.kind, col.name))?;
            let mut dv = match col.kind {
                Kind::Date => {
                    sheet.set_column_format(c, &date)?;
                    DataValidation::new().allow_date(DataValidationRule::Between(
                        ExcelDateTime::from_ymd(2000, 1, 1)?,
                        ExcelDateTime::from_ymd(2099, 12, 31)?,
                    ))
                }
                Kind::Gender => DataValidation::new().allow_list_strings(&["F", "M", "X"])?,
                Kind::Bool => DataValidation::new().allow_list_strings(&["sì", "no"])?,
                Kind::RequestType if !types.is_empty() => {
                    DataValidation::new().allow_list_formula(list_range("A", types.len()))
                }
                Kind::Country => DataValidation::new()
                    .allow_list_formula(list_range("B", countries.len()))
                    .set_error_style(DataValidationErrorStyle::Warning),
                Kind::Comune => DataValidation::new()
                    .allow_list_formula(list_range("C", comuni.len()))
                    .set_error_style(DataValidationErrorStyle::Warning),
                _ => DataValidation::new().allow_any_value(),
            };
            let required = if col.required { " (obbligatoria)" } else { "" };
            let help: String = format!("{}{required}", col.help).chars().take(250).collect();
            dv = dv.set_input_title(col.name.chars().take(32).collect::<String>())?.set_input_message(help)?;
            if col.kind == Kind::Date {
                dv = dv.set_error_message("Scrivi una data valida, come 04/04/2025.")?;
            }
            sheet.add_data_validation(1, c, ROWS, c, &dv)?;
        }
    }

    let lists = wb.add_worksheet();
    lists.set_name(LISTS)?;
    lists.write_string_with_format(0, 0, "tipo_richiesta", &bold)?;
    lists.write_string_with_format(0, 1, "paese", &bold)?;
    lists.write_string_with_format(0, 2, "comune", &bold)?;
    for (i, t) in types.iter().enumerate() {
        lists.write_string(1 + i as u32, 0, t)?;
    }
    for (i, c) in countries.iter().enumerate() {
        lists.write_string(1 + i as u32, 1, *c)?;
    }
    for (i, c) in comuni.iter().enumerate() {
        lists.write_string(1 + i as u32, 2, c)?;
    }
    lists.set_hidden(true);
    wb.save_to_buffer()
}
