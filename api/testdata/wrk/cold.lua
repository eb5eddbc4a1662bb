-- wrk script for GET /v1/verify in which no request repeats: each of wrk's
-- threads walks its own half of the 100,000 benchmark models, so the
-- server's verify cache never holds what a request reads.
--   wrk -t2 -c16 -d10s -s api/testdata/wrk/cold.lua http://127.0.0.1:8099
local brands = {"Hikvision", "Dahua", "KBVision", "Imou", "EZVIZ", "TP-Link", "Xiaomi", "Yoosee", "Vantech",
  "Questek", "Panasonic", "Axis", "Hanwha", "Uniview", "Viettel", "VNPT+Technology", "FPT+Camera", "BKAV",
  "Ebitcam", "Tiandy"}

local counter = 0
function setup(thread)
  thread:set("offset", counter * 50000)
  counter = counter + 1
end

-- A fixed shuffle of the model numbers, so that neighbouring requests do
-- not read neighbouring pages.
local step = 7919 -- prime, coprime with 100,000
local n = 0
request = function()
  n = n + 1
  local i = ((offset or 0) + n) * step % 100000
  local p = string.format("/v1/verify?model=DS-%dCD%05dG%dE-I", i % 7 + 1, i, i % 3)
  if n % 2 == 0 then p = p .. "&brand=" .. brands[i % #brands + 1] end
  return wrk.format("GET", p)
end

done = function(summary, latency, requests)
  io.write(string.format("requests=%d errors(status)=%d p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms rps=%.0f\n",
    summary.requests, summary.errors.status, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests / (summary.duration / 1e6)))
end
