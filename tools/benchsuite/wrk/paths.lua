-- wrk walks a list of request paths, one per line, each thread its own share
-- in turn: with more paths than requests, no path is asked twice (verify
-- "cold": models never asked before).
--   wrk -t2 -c8 -d10s --latency -s paths.lua http://127.0.0.1:8080 -- paths.txt 2
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
end

function request()
  local p = paths[(i % #paths) + 1]
  i = i + step
  return wrk.format("GET", p)
end
