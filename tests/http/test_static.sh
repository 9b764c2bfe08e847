# Static files: types, ETag/304, gzip, and no way out of web_root.
. "$(dirname "$0")/lib.sh"
WEB=$T_TMP/web
mkdir -p "$WEB/sub" "$T_TMP/outside"
cp "$HAMGAN_ROOT/web/index.html" "$HAMGAN_ROOT/web/app.js" "$HAMGAN_ROOT/web/app.css" "$WEB/"
echo 'secret-outside' >"$T_TMP/outside/secret.txt"
echo 'hidden' >"$WEB/.env"
printf '<svg xmlns="http://www.w3.org/2000/svg"/>\n' >"$WEB/sub/logo.svg"
printf '\x89PNG\r\n' >"$WEB/a.png"
printf 'wOF2' >"$WEB/f.woff2"
echo '{"a":1}' >"$WEB/d.json"
printf '\0\0' >"$WEB/favicon.ico"
echo 'unknown type' >"$WEB/notes.md"
ln -s "$T_TMP/outside/secret.txt" "$WEB/link.txt"
ln -s "$T_TMP/outside" "$WEB/out"
h_start --web-root "$WEB"

h_req "/ serves index.html" GET / 200
h_header "html type" '^content-type: text/html; charset=utf-8$'
if grep -q 'dir="rtl"' "$T_TMP/body" && grep -q 'lang="fa"' "$T_TMP/body"; then
	t_pass "index is Persian RTL"
else
	t_fail "index is Persian RTL"
fi
h_header "CSP on static files" "^content-security-policy: default-src 'self'"
h_header "static files revalidate" '^cache-control: no-cache$'
etag=$(tr -d '\r' <"$T_TMP/headers" | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
[ -n "$etag" ] && t_pass "index has an ETag" || t_fail "index has an ETag"
h_req "If-None-Match gives 304" GET /index.html 304 -H "If-None-Match: $etag"
t_eq "304 has no body" "$(wc -c <"$T_TMP/body")" 0
h_req "other ETag gives 200" GET /index.html 200 -H 'If-None-Match: "nope"'

h_req "js" GET /app.js 200
h_header "js type" '^content-type: text/javascript; charset=utf-8$'
h_req "css" GET /app.css 200
h_header "css type" '^content-type: text/css; charset=utf-8$'
h_req "svg in a sub-folder" GET /sub/logo.svg 200
h_header "svg type" '^content-type: image/svg\+xml$'
h_req "png" GET /a.png 200
h_header "png type" '^content-type: image/png$'
h_req "woff2" GET /f.woff2 200
h_header "woff2 type" '^content-type: font/woff2$'
h_req "json" GET /d.json 200
h_header "json type" '^content-type: application/json; charset=utf-8$'
h_req "ico" GET /favicon.ico 200
h_header "ico type" '^content-type: image/x-icon$'
h_req "unknown type is not served" GET /notes.md 404

h_req "gzip when asked" GET /index.html 200 -H 'Accept-Encoding: gzip'
h_header "gzip encoding" '^content-encoding: gzip$'
h_header "vary on encoding" '^vary: Accept-Encoding$'
if gzip -dc <"$T_TMP/body" | cmp -s - "$WEB/index.html"; then
	t_pass "gzip body unpacks to the file"
else
	t_fail "gzip body unpacks to the file"
fi
gz_etag=$(tr -d '\r' <"$T_TMP/headers" | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
[ "$gz_etag" != "$etag" ] && t_pass "gzip variant has its own ETag" || t_fail "gzip variant has its own ETag"
h_req "gzip again from the cache" GET /index.html 200 -H 'Accept-Encoding: gzip, br'
gzip -dc <"$T_TMP/body" | cmp -s - "$WEB/index.html" && t_pass "cached gzip body" || t_fail "cached gzip body"
h_req "gzip;q=0 is refused gzip" GET /index.html 200 -H 'Accept-Encoding: gzip;q=0'
if tr -d '\r' <"$T_TMP/headers" | grep -qi '^content-encoding'; then
	t_fail "no gzip when q=0"
else
	t_pass "no gzip when q=0"
fi
h_req "png is not gzipped" GET /a.png 200 -H 'Accept-Encoding: gzip'
if tr -d '\r' <"$T_TMP/headers" | grep -qi '^content-encoding'; then t_fail "png sent as is"; else t_pass "png sent as is"; fi
h_req "HEAD of a file" HEAD /app.css 200 -I

# Ways out of the folder: each must be refused and never show the secret.
for p in '/../outside/secret.txt' '/%2e%2e/outside/secret.txt' '/%2E%2E/%2e%2e/etc/passwd' \
	'/sub/../../outside/secret.txt' '/..%2foutside/secret.txt' '/%2e%2e%2foutside%2fsecret.txt' \
	'/sub%5c..%5c..%5coutside%5csecret.txt' '/..\outside\secret.txt' '/link.txt' \
	'/out/secret.txt' '/.env' '/index.html%00.png' '//etc/passwd' '/sub/./logo.svg'; do
	code=$(curl -s --path-as-is -o "$T_TMP/body" -w '%{http_code}' "$H_URL$p")
	case $code in
	400|403|404) t_pass "refused $p ($code)" ;;
	*) t_fail "refused $p" "status $code" ;;
	esac
	h_body_lacks "no secret for $p" secret-outside
	h_body_lacks "no passwd for $p" 'root:'
done
code=$(printf 'GET /../outside/secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
	timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$H_PORT; cat >&3; cat <&3" | head -1 | tr -d '\r')
case $code in
*" 400 "*|*" 403 "*|*" 404 "*) t_pass "raw request line with .. refused ($code)" ;;
*) t_fail "raw request line with .. refused" "$code" ;;
esac
h_req "POST to a file is 405" POST /index.html 405

h_stop
t_done
