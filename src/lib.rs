//! agentspec: lint, compile and enforce Markdown agent definitions.
//!
//! Data flows one way: [`source`] → [`parse`] → [`model`] → [`rules`] → [`diagnostics`];
//! [`lint`] runs that pipeline over files, and [`cli`] is the edge that prints and exits.

#[macro_use]
pub mod rules;

pub mod batch;
pub mod cache;
pub mod cli;
pub mod compile;
pub mod config;
pub mod diagnostics;
pub mod dialect;
pub mod discover;
pub mod engine;
pub mod fix;
pub mod fsutil;
pub mod host;
pub mod lint;
pub mod lsp;
pub mod model;
pub mod parse;
pub mod policy;
pub mod release;
pub mod render;
pub mod runner;
pub mod schemas;
pub mod source;
pub mod vocab;
