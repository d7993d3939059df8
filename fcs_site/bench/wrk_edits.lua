-- wrk script of `make bench`'s "reads with edits" (fcs_site/bench/edits.py).
--   wrk -tN -cN -d25s -s wrk_edits.lua http://127.0.0.1:PORT/ -- paths.txt
-- Threads = connections: each thread has one connection, so its request() and response()
-- strictly alternate and a response belongs to the request made just before it. Each
-- thread reads the paths of paths.txt (one a line) in turn, from its own starting point.
-- A page showing the edited article holds `[bench-edit-N]`: the oldest marker in a body is
-- the edit it shows. Per path: responses without a marker (plain) and with one (shown),
-- how many were page-cache hits, and answers other than 200; per shown response, its
-- marker and the wall time its request was sent. done() prints one JSON line.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } fcs_bench_timespec;
int clock_gettime(int clock_id, fcs_bench_timespec *tp);
]])
local CLOCK_REALTIME = 0
local spec = ffi.new("fcs_bench_timespec")

local function wall()
  ffi.C.clock_gettime(CLOCK_REALTIME, spec)
  return tonumber(spec.tv_sec) + tonumber(spec.tv_nsec) / 1e9
end

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

-- Per thread (each thread has its own Lua state).
paths = {}
plain, plain_hits, shown, shown_hits, bad = {}, {}, {}, {}, {}
seen_marker, seen_sent = {}, {}
local current, sent, following = nil, 0, 1

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  file:close()
  assert(#paths > 0, "no paths in " .. args[1])
  for index = 1, #paths do
    plain[index], plain_hits[index], shown[index], shown_hits[index], bad[index] = 0, 0, 0, 0, 0
  end
  -- Threads start a quarter (a half...) of the way round, not all on the same page.
  following = (id or 0) * 7919 % #paths + 1
end

function request()
  current = following
  following = following % #paths + 1
  sent = wall()
  return wrk.format("GET", paths[current])
end

function response(status, headers, body)
  local index = current
  if index == nil then
    return
  end
  current = nil
  if status ~= 200 then
    bad[index] = bad[index] + 1
  end
  local hit = (headers["X-Page-Cache"] or headers["x-page-cache"]) == "hit"
  local marker = nil
  if body and string.find(body, "[bench-edit-", 1, true) then
    for number in string.gmatch(body, "%[bench%-edit%-(%d+)%]") do
      number = tonumber(number)
      if marker == nil or number < marker then
        marker = number
      end
    end
  end
  if marker == nil then
    plain[index] = plain[index] + 1
    if hit then
      plain_hits[index] = plain_hits[index] + 1
    end
  else
    shown[index] = shown[index] + 1
    if hit then
      shown_hits[index] = shown_hits[index] + 1
    end
    seen_marker[#seen_marker + 1] = marker
    seen_sent[#seen_sent + 1] = sent
  end
end

local function add(into, from)
  for index = 1, #from do
    into[index] = (into[index] or 0) + from[index]
  end
end

local function numbers(list, format)
  local parts = {}
  for index = 1, #list do
    parts[index] = string.format(format, list[index])
  end
  return "[" .. table.concat(parts, ",") .. "]"
end

function done(summary, latency, requests)
  local totals = { plain = {}, plain_hits = {}, shown = {}, shown_hits = {}, bad = {} }
  local seen = {}
  for _, thread in ipairs(threads) do
    for name, into in pairs(totals) do
      add(into, thread:get(name))
    end
    local markers, times = thread:get("seen_marker"), thread:get("seen_sent")
    for index = 1, #markers do
      seen[#seen + 1] = string.format("[%d,%.6f]", markers[index], times[index])
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK_EDITS_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d, ',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read,
    errors.write, errors.status, errors.timeout, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.mean, latency.max))
  io.write(string.format(
    '"plain": %s, "plain_hits": %s, "shown": %s, "shown_hits": %s, "bad": %s, "seen": [%s]}\n',
    numbers(totals.plain, "%d"), numbers(totals.plain_hits, "%d"), numbers(totals.shown, "%d"),
    numbers(totals.shown_hits, "%d"), numbers(totals.bad, "%d"), table.concat(seen, ",")))
end
