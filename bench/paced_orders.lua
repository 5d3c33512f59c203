-- wrk script: POST unique, valid, paid orders (one line) at a fixed total rate.
-- env: KEY (merchant API key), RUN (a unique prefix per run), RATE (orders/s in total),
-- THREADS (wrk's -t, default 2). Each wrk thread keeps its own schedule of RATE/THREADS requests
-- a second, shared by its connections: a request waits for its slot, never for a response.
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

local key = os.getenv("KEY")
local run = os.getenv("RUN") or tostring(os.time())
local interval = tonumber(os.getenv("THREADS") or "2") * 1000 / tonumber(os.getenv("RATE"))
local counter, tid, next_due = 0, 0, nil

function setup(thread)
  tid = tid + 1
  thread:set("tid", tid)
end

function delay()
  local t = now_ms()
  next_due = math.max(next_due or t, t - interval) + interval
  return math.max(0, next_due - t)
end

function request()
  counter = counter + 1
  local id = string.format("%s-%d-%d", run, tid, counter)
  local body = string.format([[{"channel":"shopify","channel_order_id":"%s","buyer":{"name":"Ada Lovelace","phone":"020 7946 0958","email":"ada@example.com"},"shipping_address":{"line1":"1 Lovelace Way","city":"London","postcode":"EC1Y 8SY","country":"GB"},"lines":[{"sku":"LMP-DESK-01","quantity":1,"unit_price_minor":4599}],"shipping_fee_minor":799,"currency":"GBP","total_minor":5398,"paid_minor":5398,"payment_method":"card","payment_status":"paid","service_level":"standard"}]], id)
  return wrk.format("POST", "/api/v1/orders", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key}, body)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, (summary.errors.status or 0)))
end
