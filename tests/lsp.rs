//! The language server over real stdio JSON-RPC: the binary is started as an editor starts it,
//! messages are framed with `Content-Length`, and every answer is read back from its stdout.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(20);

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Notifications and requests from the server seen while waiting for something else.
    backlog: Vec<Value>,
    next_id: i64,
}

fn file_uri(path: &Path) -> String {
    agentspec::render::file_uri(path, false)
}

impl Client {
    fn start(root: &Path, envs: &[(&str, &str)]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_agentspec"))
            .arg("lsp")
            .envs(envs.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .current_dir(root)
            .spawn()
            .expect("starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("Content-Length header")];
                reader.read_exact(&mut body).expect("body");
                let value: Value = serde_json::from_slice(&body).expect("JSON body");
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming: rx,
            backlog: Vec::new(),
            next_id: 0,
        }
    }

    fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, value: &Value) {
        self.send_raw(value.to_string().as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(|m| m["id"] == id && m.get("method").is_none())
    }

    fn wait(&mut self, mut wanted: impl FnMut(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&mut wanted) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(m) if wanted(&m) => return m,
                Ok(m) => self.backlog.push(m),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("timed out; seen: {:#?}", self.backlog)
                }
                Err(RecvTimeoutError::Disconnected) => panic!("the server went away"),
            }
        }
    }

    /// The next diagnostics published for `uri` (earlier ones are dropped).
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        self.backlog.retain(|m| {
            !(m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
        });
        let m = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        m["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn initialize(&mut self, root: &Path, encodings: &[&str]) -> Value {
        let response = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": file_uri(root),
                "capabilities": {
                    "general": {"positionEncodings": encodings},
                    "textDocument": {"publishDiagnostics": {"relatedInformation": true}},
                },
            }),
        );
        self.notify("initialized", json!({}));
        response
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
    }

    /// The Markdown of a hover, or "" when there is none.
    fn hover(&mut self, uri: &str, line: u32, character: u32) -> String {
        self.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        )["result"]["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    /// The labels of a completion.
    fn complete(&mut self, uri: &str, line: u32, character: u32) -> Vec<String> {
        let r = self.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        );
        r["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_owned())
            .collect()
    }

    fn shutdown_and_exit(mut self) -> i32 {
        let response = self.request("shutdown", Value::Null);
        assert!(response.get("error").is_none(), "{response}");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join(".claude/agents")).unwrap();
    (dir, root)
}

/// Applies LSP text edits (UTF-16 positions) to a text, last first.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |pos: &Value| {
        let line = pos["line"].as_u64().unwrap() as usize;
        let character = pos["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= character || c == '\n' {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_owned();
    for (start, end, new) in spans {
        out.replace_range(start..end, &new);
    }
    out
}

const LENIENT: &str = "---\nname: reviewer\ndescription: Use when: a change needs review\ntools: Read, Grep\n---\nReview the change.\n";

#[test]
fn open_change_fix_and_shutdown_over_stdio() {
    let (_dir, root) = workspace();
    let path = root.join(".claude/agents/reviewer.md");
    std::fs::write(&path, LENIENT).unwrap();
    let uri = file_uri(&path);
    let mut client = Client::start(&root, &[]);
    let init = client.initialize(&root, &["utf-16"]);
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");

    // didOpen: the lenient-yaml warning, with its code, link and help.
    client.open(&uri, LENIENT);
    let diags = client.diagnostics(&uri);
    assert_eq!(codes(&diags), ["AS106"]);
    let d = &diags[0];
    assert_eq!(d["severity"], 3, "information: the agent loads as written");
    assert_eq!(d["source"], "agentspec");
    assert!(
        d["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("docs/rules/AS106-lenient-yaml.md")
    );
    assert_eq!(d["range"]["start"], json!({"line": 2, "character": 13}));
    assert!(d["message"].as_str().unwrap().contains("\nhelp: "));

    // didChange (incremental): an unknown tool after `Grep`.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{
                "range": {"start": {"line": 3, "character": 17}, "end": {"line": 3, "character": 17}},
                "text": ", Nope"
            }]
        }),
    );
    let diags = client.diagnostics(&uri);
    assert_eq!(codes(&diags), ["AS106", "AS201"]);
    let text = LENIENT.replace("Read, Grep", "Read, Grep, Nope");

    // Remove the unknown tool again, then fix the lenient value with the quick fix.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 3},
            "contentChanges": [{
                "range": {"start": {"line": 3, "character": 17}, "end": {"line": 3, "character": 23}},
                "text": ""
            }]
        }),
    );
    let diags = client.diagnostics(&uri);
    assert_eq!(codes(&diags), ["AS106"]);
    let text = text.replace(", Nope", "");
    assert_eq!(text, LENIENT);
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": diags[0]["range"],
            "context": {"diagnostics": diags},
        }),
    );
    let actions = actions["result"].as_array().unwrap();
    let fix = actions
        .iter()
        .find(|a| a["kind"] == "quickfix" && a["isPreferred"] == true)
        .expect("a preferred quick fix");
    assert_eq!(fix["title"], "Quote the `description` value (AS106)");
    assert!(
        actions
            .iter()
            .any(|a| a["title"] == "Disable AS106 for this line")
    );
    let edits = fix["edit"]["changes"][&uri].as_array().unwrap();
    let fixed = apply(&text, edits);
    assert!(fixed.contains("description: \"Use when: a change needs review\""));
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 4},
            "contentChanges": [{"text": fixed}]
        }),
    );
    assert!(client.diagnostics(&uri).is_empty(), "the fix clears it");

    // didSave re-publishes.
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(client.diagnostics(&uri).is_empty());
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let (_dir, root) = workspace();
    let path = root.join(".claude/agents/a.md");
    let text = "---\nname: a\ndescription: d 💻\ntools: Read, 💻Nope\n---\nBody.\n";
    let uri = file_uri(&path);
    let mut client = Client::start(&root, &[]);
    let init = client.initialize(&root, &["utf-8", "utf-16"]);
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-8");
    client.open(&uri, text);
    let diags = client.diagnostics(&uri);
    let d = diags.iter().find(|d| d["code"] == "AS204").unwrap();
    // `tools: Read, ` is 13 bytes; the entry is 4 + 4 bytes long.
    assert_eq!(d["range"]["start"], json!({"line": 3, "character": 13}));
    assert_eq!(d["range"]["end"], json!({"line": 3, "character": 21}));
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn duplicate_names_across_the_workspace_and_config_reload() {
    let (_dir, root) = workspace();
    std::fs::write(
        root.join(".claude/agents/first.md"),
        "---\nname: twin\ndescription: d\ntools: Read\n---\nA.\n",
    )
    .unwrap();
    let path = root.join(".claude/agents/second.md");
    let text = "---\nname: twin\ndescription: d\ntools: Read\n---\nB.\n";
    let uri = file_uri(&path);
    let mut client = Client::start(&root, &[]);
    client.initialize(&root, &["utf-16"]);
    client.open(&uri, text);
    let diags = client.diagnostics(&uri);
    assert_eq!(codes(&diags), ["AS009"], "the unopened file on disk counts");
    let related = &diags[0]["relatedInformation"][0];
    assert!(
        related["location"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("first.md")
    );
    assert_eq!(related["location"]["range"]["start"]["line"], 1);

    // A configuration that turns the rule off, opened and edited in the editor.
    let config = root.join("agentspec.toml");
    let config_uri = file_uri(&config);
    client.open(&config_uri, "ignore = [\"duplicate-name\"]\n");
    assert!(client.diagnostics(&uri).is_empty(), "config reloaded");
    // Broken configuration: the previous one stays, and the user is told.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": config_uri, "version": 2},
               "contentChanges": [{"text": "ignor = 1\n"}]}),
    );
    let message = client.wait(|m| m["method"] == "window/showMessage");
    assert!(
        message["params"]["message"]
            .as_str()
            .unwrap()
            .contains("not reloaded")
    );
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn hover_completion_and_symbols() {
    let (_dir, root) = workspace();
    let path = root.join(".claude/agents/backend.md");
    let text = std::fs::read_to_string("fixtures/backend.md").unwrap();
    let uri = file_uri(&path);
    let mut client = Client::start(&root, &[]);
    client.initialize(&root, &["utf-16"]);
    client.open(&uri, &text);
    client.diagnostics(&uri);

    let tools_line = text.lines().position(|l| l.starts_with("tools:")).unwrap() as u32;
    let tools = text.lines().nth(tools_line as usize).unwrap();
    let read_at = tools.find("Read").unwrap() as u32;
    assert!(
        client
            .hover(&uri, tools_line, read_at + 1)
            .contains("Reads files")
    );
    assert!(client.hover(&uri, tools_line, 1).contains("**tools**"));

    // A rule code in a suppression comment; a legacy tool name.
    let probe = "---\nname: p\ndescription: d\ntools: Read, MultiEdit\n---\n<!-- agentspec-disable-next-line unknown-key -->\nBody.\n";
    let probe_uri = file_uri(&root.join(".claude/agents/probe.md"));
    client.open(&probe_uri, probe);
    client.diagnostics(&probe_uri);
    assert!(client.hover(&probe_uri, 3, 15).contains("legacy tool name"));
    assert!(client.hover(&probe_uri, 3, 15).contains("`Edit`"));
    assert!(
        client
            .hover(&probe_uri, 5, 38)
            .contains("# unknown-key (AS101)")
    );

    // Every key Claude Code reads has its documentation, the same as `check` accepts it.
    let mut keys_doc = String::from("---\n");
    let keys: Vec<&str> = agentspec::dialect::claude_agent::DIALECT.keys().collect();
    for key in &keys {
        keys_doc.push_str(&format!("{key}: x\n"));
    }
    keys_doc.push_str("---\n");
    let keys_uri = file_uri(&root.join(".claude/agents/keys.md"));
    client.open(&keys_uri, &keys_doc);
    client.diagnostics(&keys_uri);
    assert_eq!(keys.len(), 23);
    for (line, key) in keys.iter().enumerate() {
        let hover = client.hover(&keys_uri, line as u32 + 1, 1);
        assert!(
            hover.starts_with(&format!("**{key}**\n\n")),
            "{key}: {hover}"
        );
        assert!(
            !hover.contains("does not read") && hover.len() > key.len() + 20,
            "{key}: {hover}"
        );
    }

    // Completion: keys not yet present, tools, and values.
    let doc = "---\nname: c\nmo\nmodel: \ncolor: \ntools: Read, \n---\n";
    let doc_uri = file_uri(&root.join(".claude/agents/c.md"));
    client.open(&doc_uri, doc);
    client.diagnostics(&doc_uri);
    let keys = client.complete(&doc_uri, 2, 2);
    assert!(keys.contains(&"permissionMode".to_owned()));
    assert!(
        !keys.contains(&"name".to_owned()),
        "present keys are not offered"
    );
    assert!(
        client
            .complete(&doc_uri, 3, 7)
            .contains(&"sonnet".to_owned())
    );
    assert!(
        client
            .complete(&doc_uri, 4, 7)
            .contains(&"purple".to_owned())
    );
    let tools = client.complete(&doc_uri, 5, 13);
    assert!(tools.contains(&"Grep".to_owned()));
    assert!(!tools.contains(&"Read".to_owned()), "already listed");

    // A skill and a slash command complete and explain their own keys, and are checked.
    let skill = "---\nname: pdf\ndis\nallowed-tools: Read \n---\nFill forms.\n";
    let skill_uri = file_uri(&root.join(".claude/skills/pdf/SKILL.md"));
    client.open(&skill_uri, skill);
    client.diagnostics(&skill_uri);
    let keys = client.complete(&skill_uri, 2, 3);
    assert!(
        keys.contains(&"disable-model-invocation".to_owned()),
        "{keys:?}"
    );
    assert!(keys.contains(&"description".to_owned()));
    assert!(
        !keys.contains(&"permissionMode".to_owned()),
        "an agent's key"
    );
    assert!(
        client
            .hover(&skill_uri, 1, 1)
            .contains("Agent Skills standard")
    );
    assert!(client.hover(&skill_uri, 3, 16).contains("Reads files"));
    let command = "---\ndescription: Commit\ntools: Bash\n---\nCommit.\n";
    let command_uri = file_uri(&root.join(".claude/commands/commit.md"));
    client.open(&command_uri, command);
    let found = client.diagnostics(&command_uri);
    assert!(found.iter().any(|d| d["code"] == "AS751"), "{found:?}");
    assert!(
        client
            .hover(&command_uri, 2, 1)
            .contains("does not read this key in a Claude Code slash command")
    );

    // Document symbols: the protocols and the Definition of Done as an outline.
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let symbols = symbols["result"].as_array().unwrap();
    let protocol = symbols
        .iter()
        .find(|s| {
            s["name"].as_str().unwrap().starts_with("Protocol")
                && s["children"].as_array().is_some_and(|c| c.len() == 9)
        })
        .expect("the nine-step protocol");
    assert!(
        protocol["children"][5]["name"]
            .as_str()
            .unwrap()
            .starts_with("6.")
    );
    let done = symbols
        .iter()
        .find(|s| {
            s["name"]
                .as_str()
                .unwrap()
                .starts_with("Definition of Done")
        })
        .expect("the Definition of Done");
    assert_eq!(done["children"].as_array().unwrap().len(), 7);
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn disable_and_fix_all_actions() {
    let (_dir, root) = workspace();
    let text =
        "---\nname: d\ndescription: Use when: asked\ntools: Read, Bash(git commit:*)\n---\nBody.\n";
    let uri = file_uri(&root.join(".claude/agents/d.md"));
    let mut client = Client::start(&root, &[]);
    client.initialize(&root, &["utf-16"]);
    client.open(&uri, text);
    let diags = client.diagnostics(&uri);
    assert_eq!(codes(&diags), ["AS106", "AS205"]);
    // Disable AS205 for its line: a YAML comment above it.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": diags[1]["range"], "context": {"diagnostics": []}}),
    );
    let disable = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Disable AS205 for this line")
        .unwrap()
        .clone();
    let disabled = apply(text, disable["edit"]["changes"][&uri].as_array().unwrap());
    assert!(disabled.contains("# agentspec-disable-next-line AS205\ntools:"));
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": disabled}]}),
    );
    assert_eq!(codes(&client.diagnostics(&uri)), ["AS106"]);
    // Fix all: one source action for every safe fix of the document.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": text}]}),
    );
    client.diagnostics(&uri);
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
               "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
               "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let actions = actions["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    let fixed = apply(
        text,
        actions[0]["edit"]["changes"][&uri].as_array().unwrap(),
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": fixed}]}),
    );
    assert!(client.diagnostics(&uri).is_empty());
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn survives_garbage_panics_and_bad_documents() {
    let (_dir, root) = workspace();
    let mut client = Client::start(&root, &[("AGENTSPEC_LSP_TEST_PANIC", "1")]);
    // Before initialize: refused, not fatal.
    let early = client.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002);
    client.initialize(&root, &[]);
    // A body that is not JSON, then one that is JSON but not JSON-RPC.
    client.send_raw(b"{not json");
    client.send_raw(b"[1, 2, 3]");
    // A panic inside a request is reported and the server keeps serving.
    let panic = client.request("agentspec/panic", json!({}));
    assert_eq!(panic["error"]["code"], -32603);
    let log = client.wait(|m| m["method"] == "window/logMessage");
    assert!(log["params"]["message"].as_str().unwrap().contains("panic"));
    // Unknown methods, bad parameters.
    assert_eq!(
        client.request("foo/bar", json!({}))["error"]["code"],
        -32601
    );
    assert_eq!(
        client.request("textDocument/hover", json!({"nonsense": true}))["error"]["code"],
        -32602
    );
    // Documents no agent file should be: binary junk, deep nesting, positions out of range.
    let uri = file_uri(&root.join(".claude/agents/junk.md"));
    let junk: String = (0..3000u32)
        .map(|i| char::from_u32(i * 7919 % 0x2FFF).unwrap_or('x'))
        .collect();
    client.open(&uri, &junk);
    client.diagnostics(&uri);
    let deep = format!(
        "---\nname: {}\n---\n{}",
        "[".repeat(20_000),
        "> ".repeat(20_000)
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": deep}]}),
    );
    client.diagnostics(&uri);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3},
               "contentChanges": [{"range": {"start": {"line": 999, "character": 5}, "end": {"line": 2, "character": 0}}, "text": "x"}]}),
    );
    client.diagnostics(&uri);
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 4_000_000, "character": 4_000_000}}),
    );
    assert!(hover.get("error").is_none(), "{hover}");
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let (_dir, root) = workspace();
    let mut client = Client::start(&root, &[]);
    client.initialize(&root, &[]);
    client.notify("exit", Value::Null);
    let status = client.child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
}

#[test]
fn a_request_cancelled_before_it_is_handled_is_answered_as_cancelled() {
    use agentspec::lsp::serve;
    use lsp_server::{Message, Notification, Request, RequestId};
    let (to_server, server_rx) = crossbeam_channel::unbounded();
    let (server_tx, from_server) = crossbeam_channel::unbounded();
    let msgs = [
        Message::Request(Request::new(
            RequestId::from(1),
            "initialize".to_owned(),
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        )),
        Message::Notification(Notification::new("initialized".to_owned(), json!({}))),
        Message::Request(Request::new(
            RequestId::from(2),
            "textDocument/documentSymbol".to_owned(),
            json!({"textDocument": {"uri": "file:///nowhere.md"}}),
        )),
        Message::Notification(Notification::new(
            "$/cancelRequest".to_owned(),
            json!({"id": 2}),
        )),
        Message::Request(Request::new(
            RequestId::from(3),
            "shutdown".to_owned(),
            Value::Null,
        )),
        Message::Notification(Notification::new("exit".to_owned(), Value::Null)),
    ];
    for m in msgs {
        to_server.send(m).unwrap();
    }
    assert_eq!(serve(&server_tx, &server_rx), 0);
    let answers: Vec<Message> = from_server.try_iter().collect();
    let cancelled = answers
        .iter()
        .find_map(|m| match m {
            Message::Response(r) if r.id == RequestId::from(2) => Some(r.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(cancelled.response_result.unwrap_err().code, -32800);
}

#[test]
fn configuration_changes_on_disk_are_picked_up() {
    let (_dir, root) = workspace();
    let path = root.join(".claude/agents/a.md");
    let text = "---\nname: a\ndescription: d\ntools: Read, grep\n---\nBody.\n";
    let uri = file_uri(&path);
    let mut client = Client::start(&root, &[]);
    client.initialize(&root, &["utf-16"]);
    client.open(&uri, text);
    assert_eq!(codes(&client.diagnostics(&uri)), ["AS201"]);
    let config = root.join("agentspec.toml");
    std::fs::write(&config, "[severity]\nunknown-tool = \"error\"\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&config), "type": 1}]}),
    );
    let diags = client.diagnostics(&uri);
    assert_eq!(codes(&diags), ["AS201"]);
    assert_eq!(diags[0]["severity"], 1, "now an error");
    std::fs::remove_file(&config).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&config), "type": 3}]}),
    );
    assert_eq!(
        client.diagnostics(&uri)[0]["severity"],
        2,
        "back to the default"
    );
    assert_eq!(client.shutdown_and_exit(), 0);
}

/// Random incremental edits — positions inside and outside the text, inside surrogate pairs,
/// reversed ranges, any characters — never make the server fail, and it answers every version.
#[test]
fn random_incremental_edits_never_break_the_server() {
    use agentspec::lsp::serve;
    use lsp_server::{Message, Notification, Request, RequestId};
    let (to_server, server_rx) = crossbeam_channel::unbounded();
    let (server_tx, from_server) = crossbeam_channel::unbounded();
    let server = std::thread::spawn(move || serve(&server_tx, &server_rx));
    let send = |m: Message| to_server.send(m).unwrap();
    send(Message::Request(Request::new(
        RequestId::from(1),
        "initialize".to_owned(),
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    )));
    send(Message::Notification(Notification::new(
        "initialized".to_owned(),
        json!({}),
    )));
    let uri = "file:///nonexistent-agentspec-test/.claude/agents/r.md";
    send(Message::Notification(Notification::new(
        "textDocument/didOpen".to_owned(),
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": LENIENT}}),
    )));
    let pieces = [
        "",
        "x",
        "💻",
        "\n",
        "\r\n",
        "---\n",
        ": ",
        "é",
        "\u{FEFF}",
        "tools: Read\n",
        "- [ ] item\n",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for version in 2..400 {
        let pos =
            |next: &mut dyn FnMut(u64) -> u64| json!({"line": next(12), "character": next(30)});
        let start = pos(&mut next);
        let end = pos(&mut next);
        let piece = pieces[next(pieces.len() as u64) as usize];
        send(Message::Notification(Notification::new(
            "textDocument/didChange".to_owned(),
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"range": {"start": start, "end": end}, "text": piece}]}),
        )));
        if version % 50 == 0 {
            send(Message::Request(Request::new(
                RequestId::from(version),
                "textDocument/hover".to_owned(),
                json!({"textDocument": {"uri": uri}, "position": pos(&mut next)}),
            )));
        }
    }
    send(Message::Request(Request::new(
        RequestId::from(100_000),
        "shutdown".to_owned(),
        Value::Null,
    )));
    send(Message::Notification(Notification::new(
        "exit".to_owned(),
        Value::Null,
    )));
    assert_eq!(server.join().unwrap(), 0);
    let mut published = 0;
    for m in from_server.try_iter() {
        match m {
            Message::Notification(n) if n.method == "window/logMessage" => {
                panic!("the server logged: {}", n.params)
            }
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                published += 1;
            }
            Message::Response(r) => assert!(r.response_result.is_ok(), "{r:?}"),
            _ => {}
        }
    }
    assert!(published >= 1);
}
