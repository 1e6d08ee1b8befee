//! Handbooks: the ready-to-implement innovations as a publication, in a PDF and an HTML
//! edition.

pub mod document;
