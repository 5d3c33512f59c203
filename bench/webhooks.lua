-- wrk script: replays signed Shopify orders/create deliveries from FILE (one per line:
-- signature, webhook id and body separated by tabs), each thread its own share of the lines.
-- env: FILE, CONNECTION (the connection id), THREADS (wrk -t)
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
  local sig, id, body = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
  return wrk.format("POST", "/api/v1/channel-hooks/" .. os.getenv("CONNECTION"), {
    ["Content-Type"] = "application/json",
    ["X-Shopify-Hmac-Sha256"] = sig,
    ["X-Shopify-Webhook-Id"] = id,
    ["X-Shopify-Topic"] = "orders/create",
  }, body)
end

local codes = {}
function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    (summary.errors.status or 0)))
end
