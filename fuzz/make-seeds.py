#!/usr/bin/env python3
"""fuzz/make-seeds.py - write the seeds of the HTTP targets (fuzz/seeds/
fuzz_http and fuzz/seeds/fuzz_api_bodies): a real request for every route,
with the placeholders fuzz/fuzz_http_common.h replaces (@OP@ and the other
tokens, @CODE@, @SMS@, @KEY@, @LEN@).  Run from the repository's root after
changing a route; the files are committed."""
import os

H = "fuzz/seeds/fuzz_http"
B = "fuzz/seeds/fuzz_api_bodies"
CRLF = "\r\n"


def req(method, path, tok=None, body=None, ctype="application/json", extra=()):
    lines = [f"{method} {path} HTTP/1.1", "Host: localhost"]
    if tok:
        lines.append(f"Authorization: Bearer {tok}")
    lines += list(extra)
    if body is not None:
        lines.append(f"Content-Type: {ctype}")
        lines.append("Content-Length: @LEN@")
    return (CRLF.join(lines) + CRLF + CRLF).encode() + (body.encode() if isinstance(body, str) else (body or b""))


MSG = '{"kind":"complaint","subject":"چاله","body":"چاله‌ای بزرگ","mobile":"09121234567","category":"roads"}'
GPS_JPG = open("fuzz/seeds/fuzz_img/gps.jpg", "rb").read()
http = {
    "healthz": req("GET", "/healthz"),
    "head-healthz": req("HEAD", "/healthz"),
    "static-index": req("GET", "/"),
    "static-app": req("GET", "/app.js", extra=["If-None-Match: \"x\"", "Accept-Encoding: gzip"]),
    "login": req("POST", "/api/v1/auth/login", body='{"username":"op","password":"correct-horse-battery","bearer":true}'),
    "login-cookie": req("POST", "/api/v1/auth/login", body='{"username":"insp","password":"wrong-password"}'),
    "me": req("GET", "/api/v1/auth/me", "@OP@"),
    "logout-cookie": req("POST", "/api/v1/auth/logout", extra=["Cookie: hamgan_session=0123", "X-Hamgan-CSRF: 0123"]),
    "submit-operator": req("POST", "/api/v1/messages", "@OP@", MSG),
    "submit-citizen": req("POST", "/api/v1/messages", body='{"kind":"suggestion","subject":"پارک","body":"نیمکت بیشتر","mobile":"09121234567","verification_code":"12345","lat":35.67,"lon":51.42}'),
    "verify": req("POST", "/api/v1/verify", body='{"mobile":"09121234567"}'),
    "track-get": req("GET", "/api/v1/track?code=@CODE@&mobile=09121234567"),
    "track-post": req("POST", "/api/v1/track", body='{"code":"@CODE@","mobile":"۰۹۱۲۱۲۳۴۵۶۷"}'),
    "verdict": req("POST", "/api/v1/track/verdict", body='{"code":"@CODE@","mobile":"09121234567","verdict":"object","rating":2}'),
    "list": req("GET", "/api/v1/messages?limit=5&q=%DA%86%D8%A7%D9%84%D9%87", "@OP@"),
    "search": req("GET", "/api/v1/messages?q=%DA%86%D8%A7%D9%84%D9%87%20%D8%A8%D8%B2%D8%B1%DA%AF&sort=new", "@IN@"),
    "show": req("GET", "/api/v1/messages/@CODE@", "@OP@"),
    "refer": req("POST", "/api/v1/messages/@CODE@/refer", "@OP@", '{"unit":"region-12"}'),
    "start": req("POST", "/api/v1/messages/@CODE@/start", "@ST@", '{}'),
    "answer": req("POST", "/api/v1/messages/@CODE@/answer", "@ST@", '{"answer":"چاله پر شد."}'),
    "grade": req("POST", "/api/v1/messages/@CODE@/grade", "@IN@", '{"grade":"acceptable","note":"خوب"}'),
    "return": req("POST", "/api/v1/messages/@CODE@/return", "@ST@", '{"reason":"not_ours","note":"مال ما نیست"}'),
    "reject": req("POST", "/api/v1/messages/@CODE@/reject", "@OP@", '{"reason":"duplicate","duplicate_of":"@CODE@"}'),
    "assign": req("PUT", "/api/v1/messages/@CODE@/assignee", "@MG@", '{"user":"st12"}'),
    "list-due": req("GET", "/api/v1/messages?sort=due&overdue=true&unit=region-12&limit=2", "@MG@"),
    "notes": req("POST", "/api/v1/messages/@CODE@/notes", "@ST@", '{"body":"یادداشت"}'),
    "timeline": req("GET", "/api/v1/messages/@CODE@/timeline", "@MG@"),
    "similar": req("GET", "/api/v1/messages/@CODE@/similar", "@OP@"),
    "nearby": req("GET", "/api/v1/messages/nearby?lat=35.67&lon=51.42&category=roads"),
    "region": req("GET", "/api/v1/places/region?lat=35.67&lon=51.42"),
    "upload": req("POST", "/api/v1/messages/@CODE@/attachments?name=%D8%B9%DA%A9%D8%B3.jpg", "@OP@", GPS_JPG, "application/octet-stream"),
    "track-upload": req("POST", "/api/v1/track/attachments", None, GPS_JPG, "image/jpeg", ["X-Hamgan-Code: @CODE@", "X-Hamgan-Mobile: 09121234567"]),
    "attachments": req("GET", "/api/v1/messages/@CODE@/attachments", "@OP@"),
    "report": req("GET", "/api/v1/reports?unit=region-12&period=1403-H1&compare=previous-year", "@MG@"),
    "report-xlsx": req("GET", "/api/v1/reports?unit=tehran&period=1403&by=child&format=csv", "@MG@"),
    "evaluation": req("GET", "/api/v1/reports/evaluation?period=1403-H1", "@IN@"),
    "audit": req("GET", "/api/v1/audit?limit=3", "@IN@"),
    "audit-verify": req("GET", "/api/v1/audit/verify", "@AD@"),
    "callers": req("GET", "/api/v1/callers/09121234567", "@OP@"),
    "units": req("GET", "/api/v1/units", "@AD@"),
    "users-add": req("POST", "/api/v1/users", "@AD@", '{"username":"new1","name":"کاربر","role":"staff","unit":"region-12","password":"long-enough-pw"}'),
    "categories": req("GET", "/api/v1/categories"),
    "sessions": req("POST", "/api/v1/sessions", "@MG@", '{"unit":"region-12","title":"دیدار","starts_at":"2024-04-03T10:00:00","ends_at":"2024-04-03T11:00:00"}'),
    "canned": req("POST", "/api/v1/canned", "@MG@", '{"category":"roads","title":"پاسخ","body":"متن"}'),
    "sms-inbound": req("POST", "/api/v1/sms/inbound", None, '{"from":"09121234567","text":"چراغ کوچه خاموش است"}', extra=["X-Hamgan-SMS-Secret: @SMS@"]),
    "open311-services": req("GET", "/open311/v2/services.json"),
    "open311-service-xml": req("GET", "/open311/v2/services/roads.xml"),
    "open311-requests": req("GET", "/open311/v2/requests.json?service_code=roads&start_date=2024-03-20T00:00:00%2B03:30&status=open"),
    "open311-request": req("GET", "/open311/v2/requests/@CODE@.json"),
    "open311-post": req("POST", "/open311/v2/requests.json", None, "api_key=@KEY@&service_code=roads&lat=35.6745&long=51.4221&description=%DA%86%D8%A7%D9%84%D9%87&attribute%5Bdepth%5D=5", "application/x-www-form-urlencoded", ["Origin: https://app.example.org"]),
    "open311-options": req("OPTIONS", "/open311/v2/requests.json", extra=["Origin: https://app.example.org", "Access-Control-Request-Method: POST"]),
    "discovery": req("GET", "/open311/discovery.json"),
    "chunked": b"POST /api/v1/track HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n",
    "expect": req("POST", "/api/v1/verify", None, '{"mobile":"09121234567"}', extra=["Expect: 100-continue"]),
    "pipelined": req("GET", "/healthz") + req("GET", "/api/v1/categories") + req("POST", "/api/v1/track", None, '{"code":"@CODE@","mobile":"09121234567"}'),
    "http10": b"GET /healthz HTTP/1.0\r\n\r\n",
    "bad-version": b"GET / HTTP/1.7\r\nHost: x\r\n\r\n",
    "two-lengths": b"POST /api/v1/track HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
}
bodies = {
    0: '{"username":"op","password":"correct-horse-battery","bearer":true}',
    1: '{"current":"correct-horse-battery","password":"another-long-pw"}',
    3: '{"mobile":"09121234567"}',
    4: '{"code":"lights","name":"روشنایی","deadline_hours":24,"kinds":"all"}',
    5: '{"name":"رفتار","deadline_hours":36}',
    6: MSG,
    7: '{"kind":"thanks","subject":"سپاس","body":"ممنون","mobile":"09121234567","verification_code":"11111"}',
    8: '{"unit":"region-12","version":1}',
    12: '{"answer":"پاسخ"}',
    11: '{"reason":"not_ours","note":"مال ما نیست"}',
    14: '{"reason":"duplicate","duplicate_of":"@CODE@"}',
    15: '{"grade":"acceptable","note":"خوب"}',
    2: '{"mobile":"09121234567","name":"علی","national_id":"0084575948"}',
    10: '{"unit":"region-03","reason":"جای دیگر"}',
    18: '{"username":"st12"}',
    19: '{"body":"یادداشت"}',
    20: '{"category":"roads","title":"پاسخ آماده","body":"متن"}',
    21: '{"title":"پاسخ","active":false}',
    22: '{"unit":"region-12","title":"دیدار","starts_at":"2024-04-03T10:00:00","ends_at":"2024-04-03T11:00:00"}',
    23: '{"from":"09121234567","text":"سلام"}',
    24: '{"code":"@CODE@","mobile":"09121234567"}',
    25: '{"code":"@CODE@","mobile":"09121234567","verdict":"accept","rating":5}',
    26: '{"code":"region-04","name":"منطقه ۴","kind":"region","parent":"tehran"}',
    27: '{"name":"منطقه سه"}',
    28: '{"username":"u2","name":"کاربر","role":"operator","password":"long-enough-pw"}',
    29: '{"name":"نام تازه","active":true}',
    30: '{"mobile":"۰۹۱۲۱۲۳۴۵۶۷"}',
    31: 'service_code=roads&lat=35.7&long=51.4&description=x',
}
for d in (H, B):
    os.makedirs(d, exist_ok=True)
for name, data in http.items():
    open(os.path.join(H, name), "wb").write(data)
for i, body in bodies.items():
    open(os.path.join(B, "r%02d" % i), "wb").write(bytes([i]) + body.encode())
