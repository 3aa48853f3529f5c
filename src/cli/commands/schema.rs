//! `agentspec schema`.

use crate::cli::args::SchemaName;

pub(crate) fn text(name: SchemaName) -> String {
    let name = match name {
        SchemaName::Bundle => "bundle",
        SchemaName::Config => "config",
        SchemaName::Frontmatter => "frontmatter",
        SchemaName::Skill => "skill",
        SchemaName::Command => "command",
        SchemaName::Inspect => "inspect",
        SchemaName::Event => "event",
        SchemaName::Decision => "decision",
    };
    crate::schemas::schema_json(name).unwrap_or_default()
}
