# Strict HTTP framing (issue 9, point 9): a request head that a lenient proxy
# and this server could frame differently (request smuggling) is refused with
# 400 and the connection is closed.  Raw requests over bash's /dev/tcp.
. "$(dirname "$0")/lib.sh"
# The server may close before it has read all we write: a write to the
# closed socket must fail, not kill this script with SIGPIPE.
trap '' PIPE
h_start

# raw NAME REQUEST: send REQUEST (printf format), read the answer until the
# server closes (at most 5 s; the idle timeout is 30 s, so an answer that
# keeps the connection open shows up as a timeout).  Sets RAW_CLOSED=yes/no,
# the answer in $T_TMP/raw.
raw() {
	local rc
	: >"$T_TMP/raw"
	exec {fd}<>"/dev/tcp/127.0.0.1/$H_PORT"
	printf "$2" >&"$fd" 2>/dev/null
	timeout 5 cat <&"$fd" >"$T_TMP/raw"
	rc=$?
	exec {fd}>&-
	if [ "$rc" -eq 0 ]; then RAW_CLOSED=yes; else RAW_CLOSED=no; fi
}

# refused NAME REQUEST: 400, a JSON error, and the connection closed.
refused() {
	raw "$1" "$2"
	t_grep "$1: 400" '^HTTP/1\.1 400' "$T_TMP/raw"
	t_grep "$1: JSON error bad_request" '"code":"bad_request"' "$T_TMP/raw"
	t_eq "$1: connection closed" "$RAW_CLOSED" yes
}

login='{"username":"nobody","password":"x"}'
refused "two different Content-Length" \
	"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nContent-Length: ${#login}\r\n\r\n$login"
refused "two equal Content-Length" \
	"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${#login}\r\nContent-Length: ${#login}\r\n\r\n$login"
refused "Content-Length with Transfer-Encoding" \
	"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
refused "Transfer-Encoding other than chunked" \
	"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"
refused "two Transfer-Encoding headers" \
	"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
refused "HTTP/1.1 without Host" "GET /healthz HTTP/1.1\r\n\r\n"
refused "HTTP/1.1 with two Host headers" "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"

# What is well-formed still works, on a kept-alive connection too.
raw "HTTP/1.0 without Host" "GET /healthz HTTP/1.0\r\n\r\n"
t_grep "HTTP/1.0 without Host is served" '^HTTP/1\.[01] 200' "$T_TMP/raw"
raw "two requests on one connection" \
	"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
t_eq "keep-alive: both requests answered 200" "$(grep -c '^HTTP/1\.1 200' "$T_TMP/raw")" 2
h_req "chunked body alone is accepted" POST /api/v1/auth/login 401 \
	-H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
	--data-binary '{"username":"nobody","password":"wrong-password"}'
h_req "Content-Length alone is accepted" POST /api/v1/auth/login 401 \
	-H 'Content-Type: application/json' --data-binary '{"username":"nobody","password":"wrong-password"}'
h_stop
t_done
