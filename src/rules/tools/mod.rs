//! Rules for `tools` and `disallowedTools`.

use crate::model::tools::ToolList;
use crate::rules::FileContext;

pub mod allowed_and_disallowed;
pub mod deprecated_colon_star;
pub mod disallowed_specifier;
pub mod duplicate_tool;
pub mod empty_tools;
pub mod invalid_mcp_name;
pub mod invalid_permission_rule;
pub mod legacy_tool_name;
pub mod no_tools;
pub mod tool_not_granted;
pub mod unknown_tool;

/// Both tool lists with their keys.
fn lists<'a>(cx: &'a FileContext) -> impl Iterator<Item = (&'static str, &'a ToolList)> {
    let key = match cx.dialect.family {
        crate::dialect::Family::Agent => "tools",
        crate::dialect::Family::Skill
        | crate::dialect::Family::Command
        | crate::dialect::Family::Config => "allowed-tools",
    };
    cx.spec.tools.iter().map(move |l| (key, l)).chain(
        cx.spec
            .disallowed_tools
            .iter()
            .map(|l| ("disallowedTools", l)),
    )
}
