-- bench/http/submit.lua - wrk: the operator's desk registering phone calls,
-- POST /api/v1/messages with a bearer token (BENCH_TOKEN), realistic Persian
-- texts and a different caller each time.  Prints one RESULT line.
local token = os.getenv("BENCH_TOKEN") or ""
local subjects = {
	"چاله در خیابان ولیعصر", "جمع‌آوری نشدن زباله", "خرابی چراغ راهنمایی",
	"درخواست هرس درختان", "آب‌گرفتگی معبر پس از باران", "سد معبر توسط دست‌فروشان",
}
local bodies = {
	"یک چاله‌ی بزرگ در خیابان ولی‌عصر نزدیک پلاک ۱۲۳ که برای موتورسواران خطرناک است.",
	"سه روز است زباله‌های کوچه‌ی ما جمع‌آوری نشده و بوی بد همه جا را گرفته است.",
	"چراغ راهنمایی تقاطع آزادی و جیحون از دیروز خاموش است و ترافیک سنگین شده.",
	"شاخه‌های درختان کوچه‌ی بهار به سیم برق رسیده؛ لطفاً پیش از باد هرس کنید.",
	"پس از باران دیشب آب در زیرگذر جمع شده و عابران نمی‌توانند رد شوند.",
	"پیاده‌رو خیابان انقلاب را دست‌فروشان گرفته‌اند و عابران در خیابان راه می‌روند.",
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
end

function request()
	n = n + 1
	local i = (n + tid) % #subjects + 1
	local mobile = string.format("0912%07d", (tid * 1000003 + n) % 10000000)
	local body = string.format('{"kind":"complaint","category":"roads","subject":"%s",' ..
		'"body":"%s","mobile":"%s","name":"مریم رضایی"}', subjects[i], bodies[i], mobile)
	return wrk.format("POST", "/api/v1/messages", {
		["Content-Type"] = "application/json",
		["Authorization"] = "Bearer " .. token,
	}, body)
end

function response(status, headers, body)
	if status ~= 201 then
		bad = bad + 1
	end
end

function done(summary, latency, requests)
	local notok = 0
	for _, t in ipairs(threads) do
		notok = notok + t:get("bad")
	end
	local e = summary.errors
	io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f requests=%d not_201=%d " ..
		"socket_errors=%d\n", summary.requests / (summary.duration / 1e6),
		latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests,
		notok, e.connect + e.read + e.write + e.timeout))
end
