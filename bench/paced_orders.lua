-- wrk script: the orders of ../shared/bench-reference/orders.lua (ORDERS_LUA: its path), posted at
-- a fixed total rate. env: as orders.lua (KEY, RUN), plus RATE (orders/s in total) and THREADS
-- (wrk's -t, default 2). Each wrk thread keeps its own schedule of RATE/THREADS requests a second,
-- shared by its connections: a request waits for its slot, never for a response.
dofile(os.getenv("ORDERS_LUA"))

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_usec; } timeval;
  int gettimeofday(timeval *tv, void *tz);
]]
local tv = ffi.new("timeval")
local function now_ms()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
end

local interval = tonumber(os.getenv("THREADS") or "2") * 1000 / tonumber(os.getenv("RATE"))
local next_due = nil

function delay()
  local t = now_ms()
  next_due = math.max(next_due or t, t - interval) + interval
  return math.max(0, next_due - t)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, (summary.errors.status or 0)))
end
