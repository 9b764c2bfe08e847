-- bench/http/storm.lua - wrk: the storm day's submissions (bench/storm.sh).
-- The operator's desk registers calls as in submit.lua, in the category
-- STORM_CATEGORY, and every tracking code answered with 201 is appended to
-- STORM_CODES.N (one file per wrk thread), so that the script can look
-- each one up in the database afterwards.  Prints one RESULT line.
local token = os.getenv("BENCH_TOKEN") or ""
local category = os.getenv("STORM_CATEGORY") or "roads"
local prefix = os.getenv("STORM_CODES") or "/tmp/storm-codes"
local round = tonumber(os.getenv("STORM_ROUND") or "0")
local subjects = {
	"آب‌گرفتگی معبر پس از باران", "سقوط درخت روی خودرو", "قطعی برق چراغ‌های خیابان",
	"چاله در خیابان ولیعصر", "جمع‌آوری نشدن زباله", "انسداد جوی آب",
}
local bodies = {
	"پس از باران شدید امروز آب در زیرگذر جمع شده و عابران نمی‌توانند رد شوند.",
	"باد شدید درخت چنار کوچه را روی دو خودرو انداخته است؛ لطفاً فوری رسیدگی کنید.",
	"چراغ‌های خیابان از ساعت هشت شب خاموش است و تقاطع بسیار تاریک و خطرناک است.",
	"یک چاله‌ی بزرگ در خیابان ولی‌عصر نزدیک پلاک ۱۲۳ که برای موتورسواران خطرناک است.",
	"سه روز است زباله‌های کوچه‌ی ما جمع‌آوری نشده و بوی بد همه جا را گرفته است.",
	"جوی آب کنار پیاده‌رو با برگ و زباله بسته شده و آب به داخل مغازه‌ها می‌رود.",
}
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
	out = io.open(prefix .. "." .. tid, "a")
end

function request()
	n = n + 1
	local i = (n + tid) % #subjects + 1
	-- a different caller each time, across rounds too
	local mobile = string.format("0913%07d", (round * 7919 + tid * 1000003 + n * 13) % 10000000)
	local body = string.format('{"kind":"complaint","category":"%s","subject":"%s",' ..
		'"body":"%s","mobile":"%s","name":"مریم رضایی"}', category, subjects[i], bodies[i],
		mobile)
	return wrk.format("POST", "/api/v1/messages", {
		["Content-Type"] = "application/json",
		["Authorization"] = "Bearer " .. token,
	}, body)
end

function response(status, headers, body)
	if status ~= 201 then
		bad = bad + 1
		return
	end
	local code = body:match('"code":"(%d+)"')
	if code then
		out:write(code, "\n")
		out:flush()
	end
end

function done(summary, latency, requests)
	local notok = 0
	for _, t in ipairs(threads) do
		notok = notok + t:get("bad")
	end
	local e = summary.errors
	io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f " ..
		"requests=%d not_201=%d socket_errors=%d\n", summary.requests / (summary.duration / 1e6),
		latency:percentile(50) / 1000, latency:percentile(90) / 1000,
		latency:percentile(99) / 1000, latency.max / 1000, summary.requests, notok,
		e.connect + e.read + e.write + e.timeout))
end
