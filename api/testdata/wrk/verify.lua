-- wrk script for GET /v1/verify over the benchmark registry of 100,000
-- models (api/verify_bench_test.go makes the same model numbers): a fixed
-- set of 20,000 requests, picked at random, so that after a warm-up the
-- server's verify cache holds what they read.
--   wrk -t2 -c16 -d20s -s api/testdata/wrk/verify.lua http://127.0.0.1:8099
local brands = {"Hikvision", "Dahua", "KBVision", "Imou", "EZVIZ", "TP-Link", "Xiaomi", "Yoosee", "Vantech",
  "Questek", "Panasonic", "Axis", "Hanwha", "Uniview", "Viettel", "VNPT+Technology", "FPT+Camera", "BKAV",
  "Ebitcam", "Tiandy"}

-- path returns the request for model i: exact (brand half of the time,
-- firmware a quarter), typed with O for 0 (5 %), or not registered (5 %).
function path(i, kind, brand, firmware)
  local number
  if kind < 5 then
    number = string.format("XX-%d-NOPE", i)
  elseif kind < 10 then
    number = string.format("DS-%dCD%05dGOE-I", i % 7 + 1, i)
  else
    number = string.format("DS-%dCD%05dG%dE-I", i % 7 + 1, i, i % 3)
  end
  local p = "/v1/verify?model=" .. number
  if brand then p = p .. "&brand=" .. brands[i % #brands + 1] end
  if firmware then p = p .. "&firmware=V5.7.3+build+220112" end
  return p
end

local paths = {}
math.randomseed(7)
for k = 1, 20000 do
  paths[k] = path(math.random(0, 99999), math.random(0, 99), math.random(0, 1) == 0, math.random(0, 3) == 0)
end

request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end

done = function(summary, latency, requests)
  io.write(string.format("requests=%d errors(status)=%d p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms rps=%.0f\n",
    summary.requests, summary.errors.status, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests / (summary.duration / 1e6)))
end
