-- wrk script: replays signed payment events from FILE (one per line: the signature headers as
-- `name:value` joined by `|`, a tab, the body), each thread its own share of the lines, each once.
-- env: FILE, ACCOUNT (the payment account id), THREADS (wrk -t)
local lines = {}
local next_line = 1
local threads = tonumber(os.getenv("THREADS") or "2")
tid = 0 -- a global: setup() sets each thread's own with thread:set (a local would shadow it)

function setup(thread)
  tid = tid + 1
  thread:set("tid", tid)
end

function init(args)
  local n = 0
  for line in io.lines(os.getenv("FILE")) do
    n = n + 1
    if n % threads == (tid % threads) then
      lines[#lines + 1] = line
    end
  end
end

function request()
  local line = lines[next_line]
  next_line = next_line + 1
  if next_line > #lines then next_line = 1 end
  local signed, body = line:match("^([^\t]+)\t(.*)$")
  local headers = { ["Content-Type"] = "application/json" }
  for pair in signed:gmatch("[^|]+") do
    local name, value = pair:match("^([^:]+):(.*)$")
    headers[name] = value
  end
  return wrk.format("POST", "/api/v1/payment-hooks/" .. os.getenv("ACCOUNT"), headers, body)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    (summary.errors.status or 0)))
end
