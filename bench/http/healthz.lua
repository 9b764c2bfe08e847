-- bench/http/healthz.lua - wrk: GET /healthz with the same client-side work
-- per request as track.lua (a request() that picks the path, a response()
-- that checks the status), so that the two rates differ by the server's
-- work only (bench/http.sh).  Prints one RESULT line.
local threads = {}
local paths = {}
for i = 1, 500 do
	paths[i] = "/healthz"
end

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	n = 0
	bad = 0
end

function request()
	n = n + 1
	return wrk.format("GET", paths[n % #paths + 1])
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
