-- bench/http/track.lua - wrk: citizens following their messages,
-- GET /api/v1/track?code=..&mobile=.. over the codes in the file BENCH_CODES
-- (one "CODE MOBILE" a line).  Prints one RESULT line.
local path = os.getenv("BENCH_CODES")
local codes = {}
for line in io.lines(path) do
	local code, mobile = line:match("^(%d+) (%d+)$")
	if code then
		table.insert(codes, "/api/v1/track?code=" .. code .. "&mobile=" .. mobile)
	end
end
local threads = {}
local next_id = 0

function setup(thread)
	thread:set("tid", next_id)
	next_id = next_id + 1
	table.insert(threads, thread)
end

function init(args)
	n = 0
	bad = 0
end

function request()
	n = n + 1
	return wrk.format("GET", codes[(n * 7 + tid) % #codes + 1])
end

function response(status, headers, body)
	if status ~= 200 then
		bad = bad + 1
	end
end

function done(summary, latency, requests)
	local notok = 0
	for _, t in ipairs(threads) do
		notok = notok + t:get("bad")
	end
	local e = summary.errors
	io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f requests=%d not_200=%d " ..
		"socket_errors=%d\n", summary.requests / (summary.duration / 1e6),
		latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests,
		notok, e.connect + e.read + e.write + e.timeout))
end
