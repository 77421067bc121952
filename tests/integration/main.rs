//! The integration tests: the `integra` binary run on fixture folders and on
//! `data-samples/`, checked for what a person would see (diagnostics, JSON,
//! the text inside the PDF).

mod harness;
mod pdftext;
mod publish;
mod redaction;

mod agreement;
mod ambito;
mod annotate;
mod auditor;
mod cli_edges;
mod datapackage;
mod explain;
mod fixtures;
mod fuzz;
mod hardening;
mod init;
mod layers;
mod limits;
mod office;
mod places;
mod report;
mod validate;
mod verify;
mod workbook;
