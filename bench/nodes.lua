-- wrk script for bench/nodes.py: POST unique, valid, paid orders (one lamp each) and count the
-- answers by status, so the script can check that every 201 is an order in the database.
-- env: KEY (merchant API key), RUN (a unique prefix per run)
local key = os.getenv("KEY")
local run = os.getenv("RUN")
local threads = {}
local counter = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  created, other = 0, 0
end

function request()
  counter = counter + 1
  local id = string.format("%s-%d-%d", run, tid, counter)
  local body = string.format([[{"channel":"shopify","channel_order_id":"%s","buyer":{"name":"Ada Lovelace","phone":"020 7946 0958","email":"ada@example.com"},"shipping_address":{"line1":"1 Lovelace Way","city":"London","postcode":"EC1Y 8SY","country":"GB"},"lines":[{"sku":"LMP-DESK-01","quantity":1,"unit_price_minor":4599}],"shipping_fee_minor":799,"currency":"GBP","total_minor":5398,"paid_minor":5398,"payment_method":"card","payment_status":"paid","service_level":"standard"}]], id)
  return wrk.format("POST", "/api/v1/orders", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key}, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
  end
  -- rps counts orders taken (201s) only; requests_per_s every answer.
  io.write(string.format("RESULT rps=%.1f requests_per_s=%.1f p50_ms=%.2f p99_ms=%.2f created=%d other=%d socket_errors=%d\n",
    c / (summary.duration / 1e6), summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    c, o, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
