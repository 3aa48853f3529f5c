-- Neovim (0.7+) as the language client of `agentspec lsp`: opens an agent file, waits for the
-- diagnostics, applies the preferred quick fix, waits for the diagnostics to update, and writes
-- what it saw as JSON. Driven by nvim_e2e.sh; paths come from the environment.
local agentspec = os.getenv("AGENTSPEC_BIN")
local root = os.getenv("E2E_ROOT")
local file = os.getenv("E2E_FILE")
local out = os.getenv("E2E_OUT")

local result = { initialized = false, diagnostics = {}, after_fix = {}, fixed_line = "" }

local function snapshot(bufnr)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(list, {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, message = d.message, source = d.source,
      code = d.code or lsp.code,
    })
  end
  return list
end

local function write_result()
  local f = assert(io.open(out, "w"))
  f:write(vim.fn.json_encode(result))
  f:close()
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = "agentspec",
  cmd = { agentspec, "lsp" },
  root_dir = root,
})
vim.lsp.buf_attach_client(bufnr, client_id)

result.initialized = vim.wait(10000, function()
  local client = vim.lsp.get_client_by_id(client_id)
  return client ~= nil and client.initialized
end, 20)
vim.wait(10000, function() return #vim.diagnostic.get(bufnr) > 0 end, 20)
result.diagnostics = snapshot(bufnr)
local before = #result.diagnostics

-- The preferred quick fix for the first diagnostic, applied as Neovim applies code actions.
local first = vim.diagnostic.get(bufnr)[1]
if first then
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    range = {
      start = { line = first.lnum, character = first.col },
      ["end"] = { line = first.end_lnum, character = first.end_col },
    },
    context = { diagnostics = {} },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, 10000) or {}
  for _, response in pairs(responses) do
    for _, action in ipairs(response.result or {}) do
      if action.isPreferred and action.edit then
        vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")
        result.applied = action.title
        break
      end
    end
  end
  vim.wait(10000, function() return #vim.diagnostic.get(bufnr) < before end, 20)
  result.after_fix = snapshot(bufnr)
  result.fixed_line = vim.api.nvim_buf_get_lines(bufnr, first.lnum, first.lnum + 1, false)[1]
end

write_result()
vim.lsp.stop_client(client_id)
vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 20)
vim.cmd("qa!")
