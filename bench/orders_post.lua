-- wrk script: posts the orders of FILE (one JSON body per line) to /api/v1/orders, each once,
-- each thread its own share. env: FILE, KEY (the API key), THREADS (wrk -t)
local lines = {}
local next_line = 1
local threads = tonumber(os.getenv("THREADS") or "2")
tid = 0 -- a global: setup() sets each thread's own with thread:set (a local would shadow it)
local finished = false

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
  if next_line < #lines then next_line = next_line + 1 end
  return wrk.format("POST", "/api/v1/orders", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("KEY"),
  }, line)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f non2xx=%d\n", summary.requests / (summary.duration / 1e6),
    (summary.errors.status or 0)))
end
