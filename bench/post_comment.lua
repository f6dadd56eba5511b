-- POST distinct comments to one post: every request has its own author, email and text, so
-- neither the duplicate nor the flood rule refuses it (the bench server sets
-- COMMENTS_FLOOD_SECONDS=0, because all of this load comes from 127.0.0.1).
-- bench/wrk.py fills in the {{...}} values from a form it fetched first.
local path = "{{path}}"
local fields = "{{fields}}"
local run = "{{run}}"
local headers = {
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Cookie"] = "{{cookie}}",
}
local threads = {}
local next_id = 0

setup = function(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

local n = 0
unexpected = 0

request = function()
  n = n + 1
  local who = run .. "-" .. tid .. "-" .. n
  local body = fields .. "&author=Bench+reader+" .. who ..
    "&email=bench-" .. who .. "%40example.com" ..
    "&comment=Benchmark+comment+" .. who .. "%3A+selling+follows+marketing."
  return wrk.format("POST", path, headers, body)
end

response = function(status, headers, body)
  if status ~= 302 then unexpected = unexpected + 1 end
end

unexpected_total = function()
  local total = 0
  for _, thread in ipairs(threads) do total = total + (thread:get("unexpected") or 0) end
  return total
end
