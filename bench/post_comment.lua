-- POST distinct comments to one post: every request has its own author, email, text and
-- address (X-Forwarded-For, trusted as behind the production proxy), so every rule stays on
-- and neither the duplicate nor the flood rule refuses it.
-- bench/wrk.py fills in the {{...}} values from a form it fetched first.
local path = "{{path}}"
local fields = "{{fields}}"
local run = "{{run}}"
local net = {{net}}
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
  headers["X-Forwarded-For"] = "10." .. (net + tid) .. "." .. (math.floor(n / 250) % 250) .. "." .. (n % 250 + 1)
  local body = fields .. "&author=Bench+reader+" .. who ..
    "&email=bench-" .. who .. "%40example.com" ..
    "&comment=Benchmark+comment+" .. who .. "%3A+selling+follows+marketing."
  return wrk.format("POST", path, headers, body)
end

last_unexpected = 0

response = function(status, headers, body)
  if status ~= 302 then
    unexpected = unexpected + 1
    last_unexpected = status
  end
end

unexpected_total = function()
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + (thread:get("unexpected") or 0)
    local status = thread:get("last_unexpected") or 0
    if status > 0 then io.write("BENCH_UNEXPECTED_STATUS " .. status .. "\n") end
  end
  return total
end
