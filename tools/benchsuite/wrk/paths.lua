-- wrk walks a list of request paths, one per line, each thread its own share
-- in turn, over and over; with "once" it never asks a path twice (verify
-- "cold": questions never asked before): a thread whose share is used up
-- says so and stops, and the rest of the run is idle (so its Requests/sec
-- is understated: give a longer list).
--   wrk -t2 -c8 -d10s --latency -s paths.lua http://127.0.0.1:8080 -- paths.txt 2 once
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  step = tonumber(args[2]) or 1
  i = tid or 0
  once = args[3] == "once"
  usedUp = false
end

function request()
  if not once then
    local p = paths[(i % #paths) + 1]
    i = i + step
    return wrk.format("GET", p)
  end
  if i >= #paths then
    -- The share is used up: stop this thread. A request must still be
    -- returned; it asks no verify (and the loop stops before its answer).
    if not usedUp then
      usedUp = true
      io.write("paths.lua: list used up\n")
      wrk.thread:stop()
    end
    return wrk.format("GET", "/healthz")
  end
  local p = paths[i + 1]
  i = i + step
  return wrk.format("GET", p)
end
