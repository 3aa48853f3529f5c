//! `agentspec lsp`: a language server over stdio.
//!
//! Diagnostics come from the same pipeline as `check` ([`lint::Workspace`] keeps every agent
//! file of the workspace checked, so cross-file rules such as duplicate names see them all).
//! Messages that arrive together are handled as a batch: edits are applied first, documents are
//! re-checked once, before the next request that needs them and at the end of the batch, so a
//! burst of keystrokes costs one check. A request that was cancelled before it was handled is
//! answered with `RequestCancelled`; a panic while handling a message is caught, answered with
//! an internal error (requests) or logged (notifications), and the server keeps serving.

mod convert;
mod features;

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::io;
use std::path::{Path, PathBuf};

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    CompletionOptions, CompletionParams, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, DocumentSymbolParams,
    DocumentSymbolResponse, FileSystemWatcher, GlobPattern, HoverParams, HoverProviderCapability,
    InitializeParams, MessageType, OneOf, PositionEncodingKind, PublishDiagnosticsParams,
    Registration, RegistrationParams, ServerCapabilities, ServerInfo, ShowMessageParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri,
};
use serde_json::Value;

use convert::{Encoding, Lines};

use crate::config::Config;
use crate::discover;
use crate::lint::{FileReport, Input, Workspace};
use crate::render::uri_path;
use crate::source::LineIndex;

/// The name of the configuration file the server watches.
const CONFIG_FILE: &str = "agentspec.toml";

/// Runs the server on stdin/stdout until `exit`. Returns the process exit code: 0 after
/// `shutdown` then `exit`, 1 when the client went away or sent `exit` without `shutdown`.
pub fn run_stdio() -> i32 {
    let (sender, receiver, threads) = stdio_transport();
    let code = serve(&sender, &receiver);
    drop(sender);
    threads.join();
    code
}

/// The stdio transport. Unlike `lsp_server::Connection::stdio`, a message whose body is not
/// valid JSON-RPC is logged and skipped: the frame was read whole, so the stream stays in step.
fn stdio_transport() -> (Sender<Message>, Receiver<Message>, Threads) {
    let (reader_tx, reader_rx) = crossbeam_channel::bounded::<Message>(64);
    let (writer_tx, writer_rx) = crossbeam_channel::bounded::<Message>(64);
    let reader = std::thread::spawn(move || {
        let stdin = io::stdin();
        let mut stdin = stdin.lock();
        loop {
            match Message::read(&mut stdin) {
                Ok(Some(msg)) => {
                    let exit =
                        matches!(&msg, Message::Notification(n) if n.method == notif::Exit::METHOD);
                    if reader_tx.send(msg).is_err() || exit {
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                    eprintln!("agentspec lsp: skipped a malformed message: {e}");
                }
                Err(e) => {
                    eprintln!("agentspec lsp: cannot read from the client: {e}");
                    break;
                }
            }
        }
    });
    let writer = std::thread::spawn(move || {
        let stdout = io::stdout();
        let mut stdout = stdout.lock();
        for msg in writer_rx {
            if msg.write(&mut stdout).is_err() {
                break;
            }
        }
    });
    (writer_tx, reader_rx, Threads { reader, writer })
}

struct Threads {
    reader: std::thread::JoinHandle<()>,
    writer: std::thread::JoinHandle<()>,
}

impl Threads {
    fn join(self) {
        let _ = self.writer.join();
        // The reader may be blocked on stdin after `exit`; it ends with the process.
        drop(self.reader);
    }
}

struct Document {
    path: Option<PathBuf>,
    text: String,
    version: i32,
    /// The document is an agent file (the same discovery rules as `check`).
    agent: Option<discover::Candidate>,
}

struct Server {
    sender: Sender<Message>,
    encoding: Encoding,
    root: Option<PathBuf>,
    config_path: Option<PathBuf>,
    workspace: Workspace,
    documents: HashMap<String, (Uri, Document)>,
    /// Documents changed since their last check.
    dirty: BTreeSet<String>,
    /// The last report of every open agent document.
    reports: HashMap<String, FileReport>,
    shutdown: bool,
    next_id: i32,
}

/// Runs the protocol over a connection. Returns the exit code.
pub fn serve(sender: &Sender<Message>, receiver: &Receiver<Message>) -> i32 {
    let Some((id, params)) = wait_for_initialize(sender, receiver) else {
        return 1;
    };
    let mut server = Server::new(sender.clone(), &params);
    let result = lsp_types::InitializeResult {
        capabilities: server.capabilities(),
        server_info: Some(ServerInfo {
            name: "agentspec".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
    };
    server.send(Response::new_ok(id, result).into());
    server.scan_workspace();
    if params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false)
    {
        server.register_watchers();
    }
    server.run(receiver)
}

/// Answers requests before `initialize` with `ServerNotInitialized`, drops notifications (but
/// `exit`), and returns the `initialize` request.
fn wait_for_initialize(
    sender: &Sender<Message>,
    receiver: &Receiver<Message>,
) -> Option<(RequestId, InitializeParams)> {
    for msg in receiver {
        match msg {
            Message::Request(r) if r.method == req::Initialize::METHOD => {
                match serde_json::from_value::<InitializeParams>(r.params) {
                    Ok(params) => return Some((r.id, params)),
                    Err(e) => {
                        let _ = sender.send(
                            Response::new_err(
                                r.id,
                                ErrorCode::InvalidParams as i32,
                                format!("invalid initialize parameters: {e}"),
                            )
                            .into(),
                        );
                    }
                }
            }
            Message::Request(r) => {
                let _ = sender.send(
                    Response::new_err(
                        r.id,
                        ErrorCode::ServerNotInitialized as i32,
                        "the server is not initialized".to_owned(),
                    )
                    .into(),
                );
            }
            Message::Notification(n) if n.method == notif::Exit::METHOD => return None,
            _ => {}
        }
    }
    None
}

fn root_of(params: &InitializeParams) -> Option<PathBuf> {
    if let Some(folder) = params.workspace_folders.as_ref().and_then(|f| f.first()) {
        return uri_path(folder.uri.as_str());
    }
    #[allow(deprecated, reason = "older clients (Neovim 0.7) send only rootUri")]
    let root_uri = params.root_uri.as_ref();
    root_uri.and_then(|u| uri_path(u.as_str()))
}

impl Server {
    fn new(sender: Sender<Message>, params: &InitializeParams) -> Server {
        let utf8 = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|e| e.contains(&PositionEncodingKind::UTF8));
        let root = root_of(params);
        let mut server = Server {
            sender,
            encoding: if utf8 {
                Encoding::Utf8
            } else {
                Encoding::Utf16
            },
            root,
            config_path: None,
            workspace: Workspace::new(Config::default()),
            documents: HashMap::new(),
            dirty: BTreeSet::new(),
            reports: HashMap::new(),
            shutdown: false,
            next_id: 0,
        };
        server.load_config(None);
        server
    }

    fn capabilities(&self) -> ServerCapabilities {
        ServerCapabilities {
            position_encoding: Some(match self.encoding {
                Encoding::Utf8 => PositionEncodingKind::UTF8,
                Encoding::Utf16 => PositionEncodingKind::UTF16,
            }),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(vec![":".to_owned(), ",".to_owned(), " ".to_owned()]),
                ..CompletionOptions::default()
            }),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![
                    CodeActionKind::QUICKFIX,
                    CodeActionKind::SOURCE_FIX_ALL,
                ]),
                ..CodeActionOptions::default()
            })),
            document_symbol_provider: Some(OneOf::Left(true)),
            ..ServerCapabilities::default()
        }
    }

    fn send(&self, msg: Message) {
        let _ = self.sender.send(msg);
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_owned(), params).into());
    }

    fn show(&self, typ: MessageType, message: String) {
        self.notify::<notif::ShowMessage>(ShowMessageParams { typ, message });
    }

    fn log(&self, typ: MessageType, message: String) {
        self.notify::<notif::LogMessage>(lsp_types::LogMessageParams { typ, message });
    }

    /// Loads the configuration: `text` is an editor buffer of the configuration file, else it
    /// is read from disk. A broken file keeps the previous configuration and says why.
    fn load_config(&mut self, text: Option<(&Path, &str)>) {
        let found = match text {
            Some((path, _)) => Some(path.to_path_buf()),
            None => self.root.as_deref().and_then(Config::discover),
        };
        let config = match (&found, text) {
            (Some(path), Some((_, text))) => Config::parse(
                text,
                path,
                path.parent().map(Path::to_path_buf).unwrap_or_default(),
            )
            .map_err(|e| e.to_string()),
            (Some(path), None) => Config::load(path).map_err(|e| e.to_string()),
            (None, _) => Ok(Config::default()),
        };
        match config {
            Ok(mut config) => {
                config.detect_release();
                self.config_path = found;
                self.workspace.set_config(config);
            }
            Err(e) => self.show(
                MessageType::ERROR,
                format!("agentspec: the configuration was not reloaded: {e}"),
            ),
        }
    }

    /// Reads the agent files of the workspace, as `check` would find them.
    fn scan_workspace(&mut self) {
        let Some(root) = self.root.clone() else {
            return;
        };
        // An editor started in the home folder or at `/` names it as the root: walking it
        // would read every Markdown file the user has. Open documents are still checked.
        let home = std::env::var_os("HOME").map(PathBuf::from);
        if root.parent().is_none() || home.as_deref() == Some(root.as_path()) {
            self.log(
                MessageType::INFO,
                format!(
                    "agentspec: {} is not scanned for agent files; open a project folder for cross-file checks",
                    root.display()
                ),
            );
            return;
        }
        let (candidates, _) = discover::discover(&[root], false);
        let config = self.workspace.config();
        let candidates = candidates
            .into_iter()
            .filter(|c| !config.excludes(&c.path))
            .collect();
        self.workspace.extend(discover::read_all(candidates));
    }

    fn register_watchers(&mut self) {
        let watchers = [
            format!("**/{CONFIG_FILE}"),
            "**/*.md".to_owned(),
            "**/.mcp.json".to_owned(),
            "**/.claude/settings*.json".to_owned(),
        ]
        .into_iter()
        .map(|glob| FileSystemWatcher {
            glob_pattern: GlobPattern::String(glob),
            kind: None,
        })
        .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "agentspec-watch".to_owned(),
                method: notif::DidChangeWatchedFiles::METHOD.to_owned(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.next_id += 1;
        self.send(
            Request::new(
                RequestId::from(format!("agentspec-{}", self.next_id)),
                req::RegisterCapability::METHOD.to_owned(),
                params,
            )
            .into(),
        );
    }

    fn run(&mut self, receiver: &Receiver<Message>) -> i32 {
        let mut cancelled: HashSet<RequestId> = HashSet::new();
        loop {
            let Ok(first) = receiver.recv() else {
                return 1;
            };
            let mut batch = VecDeque::from([first]);
            while let Ok(more) = receiver.try_recv() {
                batch.push_back(more);
            }
            for msg in &batch {
                if let Message::Notification(n) = msg
                    && n.method == notif::Cancel::METHOD
                    && let Some(id) = n.params.get("id")
                    && let Ok(id) = serde_json::from_value::<RequestId>(id.clone())
                {
                    cancelled.insert(id);
                }
            }
            for msg in batch {
                match msg {
                    Message::Request(r) => {
                        if cancelled.remove(&r.id) {
                            self.send(
                                Response::new_err(
                                    r.id,
                                    ErrorCode::RequestCanceled as i32,
                                    "cancelled".to_owned(),
                                )
                                .into(),
                            );
                            continue;
                        }
                        self.guarded_request(r);
                    }
                    Message::Notification(n) if n.method == notif::Exit::METHOD => {
                        return if self.shutdown { 0 } else { 1 };
                    }
                    Message::Notification(n) => self.guarded_notification(n),
                    Message::Response(_) => {}
                }
            }
            cancelled.clear();
            self.flush();
        }
    }

    fn guarded_request(&mut self, r: Request) {
        let id = r.id.clone();
        let method = r.method.clone();
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.handle_request(r)));
        let response = match outcome {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
            Err(panic) => {
                let message = panic_message(&panic);
                self.log(
                    MessageType::ERROR,
                    format!("agentspec: internal error in {method}: {message}"),
                );
                Response::new_err(
                    id,
                    ErrorCode::InternalError as i32,
                    format!("internal error in {method}: {message}"),
                )
            }
        };
        self.send(response.into());
    }

    fn guarded_notification(&mut self, n: Notification) {
        let method = n.method.clone();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.handle_notification(n);
        }));
        if let Err(panic) = outcome {
            self.log(
                MessageType::ERROR,
                format!(
                    "agentspec: internal error in {method}: {}",
                    panic_message(&panic)
                ),
            );
        }
    }

    fn handle_request(&mut self, r: Request) -> Result<Value, (ErrorCode, String)> {
        if self.shutdown {
            return Err((
                ErrorCode::InvalidRequest,
                "the server is shutting down".to_owned(),
            ));
        }
        // Requests see every edit that came before them.
        self.flush();
        let params = r.params;
        let invalid = |e: serde_json::Error| (ErrorCode::InvalidParams, e.to_string());
        match r.method.as_str() {
            m if m == req::Shutdown::METHOD => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            m if m == req::HoverRequest::METHOD => {
                let p: HoverParams = serde_json::from_value(params).map_err(invalid)?;
                let pos = p.text_document_position_params;
                Ok(self
                    .with_text(&pos.text_document.uri, |text, lines, dialect| {
                        features::hover(text, lines.offset(pos.position), lines, dialect)
                    })
                    .flatten()
                    .map_or(Value::Null, |h| serde_json::to_value(h).unwrap_or_default()))
            }
            m if m == req::Completion::METHOD => {
                let p: CompletionParams = serde_json::from_value(params).map_err(invalid)?;
                let pos = p.text_document_position;
                let items = self
                    .with_text(&pos.text_document.uri, |text, lines, dialect| {
                        features::completion(text, lines.offset(pos.position), dialect)
                    })
                    .unwrap_or_default();
                Ok(serde_json::to_value(items).unwrap_or_default())
            }
            m if m == req::DocumentSymbolRequest::METHOD => {
                let p: DocumentSymbolParams = serde_json::from_value(params).map_err(invalid)?;
                let key = p.text_document.uri.as_str().to_owned();
                let symbols = self.reports.get(&key).map_or_else(Vec::new, |report| {
                    let lines = Lines {
                        text: &report.source.text,
                        index: report.line_index(),
                        encoding: self.encoding,
                    };
                    features::symbols(report, &lines)
                });
                Ok(
                    serde_json::to_value(DocumentSymbolResponse::Nested(symbols))
                        .unwrap_or_default(),
                )
            }
            m if m == req::CodeActionRequest::METHOD => {
                let p: CodeActionParams = serde_json::from_value(params).map_err(invalid)?;
                let key = p.text_document.uri.as_str().to_owned();
                let plugin = self
                    .documents
                    .get(&key)
                    .and_then(|(_, d)| d.agent.as_ref())
                    .is_some_and(|c| c.plugin);
                let actions = self.reports.get(&key).map_or_else(Vec::new, |report| {
                    features::code_actions(
                        &p.text_document.uri,
                        report,
                        p.range,
                        p.context.only.as_deref(),
                        self.encoding,
                        self.workspace.config(),
                        plugin,
                    )
                });
                Ok(serde_json::to_value(actions).unwrap_or_default())
            }
            "agentspec/panic" if std::env::var_os("AGENTSPEC_LSP_TEST_PANIC").is_some() => {
                panic!("a panic requested by the test suite")
            }
            other => Err((
                ErrorCode::MethodNotFound,
                format!("unhandled method {other}"),
            )),
        }
    }

    fn with_text<R>(
        &self,
        uri: &Uri,
        f: impl FnOnce(&str, &Lines, &'static crate::dialect::Dialect) -> R,
    ) -> Option<R> {
        let (_, doc) = self.documents.get(uri.as_str())?;
        let index = LineIndex::new(&doc.text);
        let lines = Lines {
            text: &doc.text,
            index: &index,
            encoding: self.encoding,
        };
        // The file's kind decides which keys and values hover and completion know.
        let dialect = doc.path.as_deref().map_or(
            &crate::dialect::claude_agent::DIALECT,
            crate::dialect::of_path,
        );
        Some(f(&doc.text, &lines, dialect))
    }

    fn handle_notification(&mut self, n: Notification) {
        let params = n.params;
        match n.method.as_str() {
            m if m == notif::DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(params) else {
                    return;
                };
                let uri = p.text_document.uri;
                let path = uri_path(uri.as_str());
                let doc = Document {
                    path,
                    text: p.text_document.text,
                    version: p.text_document.version,
                    agent: None,
                };
                let key = uri.as_str().to_owned();
                self.documents.insert(key.clone(), (uri, doc));
                self.dirty.insert(key);
            }
            m if m == notif::DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(params) else {
                    return;
                };
                let key = p.text_document.uri.as_str().to_owned();
                let encoding = self.encoding;
                let Some((_, doc)) = self.documents.get_mut(&key) else {
                    return;
                };
                doc.version = p.text_document.version;
                for change in p.content_changes {
                    match change.range {
                        Some(range) => {
                            let index = LineIndex::new(&doc.text);
                            let lines = Lines {
                                text: &doc.text,
                                index: &index,
                                encoding,
                            };
                            let start = lines.offset(range.start);
                            let end = lines.offset(range.end).max(start);
                            doc.text.replace_range(start..end, &change.text);
                        }
                        None => doc.text = change.text,
                    }
                }
                self.dirty.insert(key);
            }
            m if m == notif::DidSaveTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidSaveTextDocumentParams>(params) else {
                    return;
                };
                let key = p.text_document.uri.as_str().to_owned();
                if let Some((_, doc)) = self.documents.get_mut(&key)
                    && let Some(text) = p.text
                {
                    doc.text = text;
                }
                self.dirty.insert(key);
            }
            m if m == notif::DidCloseTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(params) else {
                    return;
                };
                let key = p.text_document.uri.as_str().to_owned();
                if let Some((uri, doc)) = self.documents.remove(&key) {
                    self.reports.remove(&key);
                    self.dirty.remove(&key);
                    // The workspace goes back to what is on disk.
                    if let Some(path) = &doc.path {
                        self.refresh_from_disk(path);
                        if is_config(path) {
                            self.load_config(None);
                            self.dirty.extend(self.documents.keys().cloned());
                        }
                    }
                    self.publish(&uri, Vec::new());
                }
            }
            m if m == notif::DidChangeWatchedFiles::METHOD => {
                let Ok(p) = serde_json::from_value::<DidChangeWatchedFilesParams>(params) else {
                    return;
                };
                let mut config_changed = false;
                for change in p.changes {
                    let Some(path) = uri_path(change.uri.as_str()) else {
                        continue;
                    };
                    if is_config(&path) {
                        config_changed = true;
                    } else if !self.documents.contains_key(change.uri.as_str()) {
                        self.refresh_from_disk(&path);
                    }
                }
                if config_changed {
                    self.load_config(None);
                }
                // Cross-file results may have changed for every open document.
                self.dirty.extend(self.documents.keys().cloned());
            }
            _ => {}
        }
    }

    /// Puts a file's disk content into the workspace, or removes it when it is gone or not an
    /// agent file.
    fn refresh_from_disk(&mut self, path: &Path) {
        match std::fs::read(path) {
            Ok(bytes) => match discover::agent_file(path, &bytes) {
                Some(c) => self.workspace.update(Input {
                    path: path.to_path_buf(),
                    content: Ok(bytes),
                    plugin: c.plugin,
                    tree: c.tree,
                }),
                None => self.workspace.remove(path),
            },
            Err(_) => self.workspace.remove(path),
        }
    }

    /// Re-checks the documents changed since the last flush and publishes diagnostics for
    /// them and for the open documents that share an agents tree with them.
    fn flush(&mut self) {
        if self.dirty.is_empty() {
            return;
        }
        let dirty = std::mem::take(&mut self.dirty);
        let mut trees = BTreeSet::new();
        let mut config_buffer = None;
        for key in &dirty {
            let Some((_, doc)) = self.documents.get_mut(key) else {
                continue;
            };
            let Some(path) = doc.path.clone() else {
                continue;
            };
            if is_config(&path) {
                config_buffer = Some((path, doc.text.clone()));
                continue;
            }
            let agent = discover::agent_file(&path, doc.text.as_bytes());
            doc.agent.clone_from(&agent);
            match agent {
                Some(c) => {
                    trees.insert(c.tree.clone());
                    self.workspace.update(Input {
                        path,
                        content: Ok(doc.text.clone().into_bytes()),
                        plugin: c.plugin,
                        tree: c.tree,
                    });
                }
                None => self.workspace.remove(&path),
            }
        }
        let mut targets: BTreeSet<String> = dirty;
        if let Some((path, text)) = config_buffer {
            self.load_config(Some((&path, &text)));
            targets.extend(self.documents.keys().cloned());
        }
        // Open documents in the same trees: a duplicate name may have appeared or gone.
        for (key, (_, doc)) in &self.documents {
            if doc.agent.as_ref().is_some_and(|c| trees.contains(&c.tree)) {
                targets.insert(key.clone());
            }
        }
        for key in targets {
            self.republish(&key);
        }
    }

    fn republish(&mut self, key: &str) {
        let Some((uri, doc)) = self.documents.get(key) else {
            return;
        };
        let uri = uri.clone();
        let report = doc
            .path
            .as_deref()
            .filter(|_| doc.agent.is_some())
            .and_then(|p| self.workspace.report(p));
        let Some(report) = report else {
            self.reports.remove(key);
            self.publish(&uri, Vec::new());
            return;
        };
        let workspace = &self.workspace;
        let diagnostics = report
            .diagnostics
            .iter()
            .map(|d| convert::diagnostic(&report, d, self.encoding, |p| workspace.text(p)))
            .collect();
        self.reports.insert(key.to_owned(), report);
        self.publish(&uri, diagnostics);
    }

    fn publish(&mut self, uri: &Uri, diagnostics: Vec<lsp_types::Diagnostic>) {
        let version = self.documents.get(uri.as_str()).map(|(_, d)| d.version);
        self.notify::<notif::PublishDiagnostics>(PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version,
        });
    }
}

fn is_config(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == CONFIG_FILE)
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_owned())
}
