//! One module per subcommand. Each returns the exit status; standard output goes through
//! [`super::print`] and [`super::emit_to`].

pub(super) mod build;
pub(super) mod check;
pub(super) mod doctor;
pub(super) mod hooks;
pub(super) mod init;
pub(super) mod inspect;
pub(super) mod rules;
pub(super) mod run;
pub(super) mod schema;
