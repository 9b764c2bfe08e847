# Attachments: photos and PDFs on a message, known by their bytes, stored
# without EXIF/GPS/XMP, with a preview, capped in size and count, and shown
# only to those who may read the message (404 to anyone else).
. "$(dirname "$0")/lib.sh"
FIX="$HAMGAN_ROOT/tests/http/fixtures"
h_seed
h_start
OP=$(h_token op); ST12=$(h_token st12); ST03=$(h_token st03); INSP=$(h_token insp)

# photos as a phone writes them: camera model, GPS position, XMP, comments
python3 "$FIX/exif.py" jpeg "$FIX/photo.jpg" "$T_TMP/gps.jpg" &&
python3 "$FIX/exif.py" png "$T_TMP/gps.png" &&
python3 "$FIX/exif.py" webp "$FIX/photo.webp" "$T_TMP/gps.webp" || { t_fail "make the photos"; t_done; exit 1; }
t_grep "the JPEG carries the camera and GPS before upload" 'HamganCam' "$T_TMP/gps.jpg"

# up FILE NAME TOKEN PATH WANT: upload FILE's bytes
up() {
	h_req "$1" POST "$3" "$4" -H "Authorization: Bearer $2" -H 'Content-Type: application/octet-stream' \
		--data-binary "@$5"
}

h_api "operator registers a message" POST /api/v1/messages 201 "$OP" \
	'{"kind":"complaint","subject":"چاله","body":"چاله‌ای بزرگ","mobile":"09121234567","category":"roads"}'
CODE=$(jq -r .code "$T_TMP/body")
A=/api/v1/messages/$CODE/attachments

up "operator attaches a JPEG with GPS" "$OP" "$A?name=%D8%B9%DA%A9%D8%B3.jpg" 201 "$T_TMP/gps.jpg"
h_jq "known as a JPEG by its bytes" .mime image/jpeg
h_jq "its name kept" .name "عکس.jpg"
h_jq "attached by the operator, by name" '.by_role + " " + .by_name' "operator کاربر op"
h_jq "with a preview" '.preview_url | endswith("?thumb=1")' true
JPG=$(jq -r .id "$T_TMP/body")
h_req "its bytes" GET "$A/$JPG" 200 -H "Authorization: Bearer $OP" -o "$T_TMP/got.jpg"
h_header "served as image/jpeg" '^Content-Type: image/jpeg'
h_header "inline with its name" "^Content-Disposition: inline; filename\*=UTF-8''%D8%B9%DA%A9%D8%B3.jpg"
curl -s -H "Authorization: Bearer $OP" "$H_URL$A/$JPG" -o "$T_TMP/got.jpg"
if grep -aq -e HamganCam -e 'Exif' -e 'xmpmeta' "$T_TMP/got.jpg"; then
	t_fail "no camera, EXIF/GPS or XMP left in the stored JPEG" "$(grep -ao -e HamganCam -e Exif -e xmpmeta "$T_TMP/got.jpg" | head -3)"
else
	t_pass "no camera, EXIF/GPS or XMP left in the stored JPEG"
fi
t_eq "the pixels are untouched (original minus metadata)" \
	"$(cmp -s "$T_TMP/got.jpg" "$FIX/photo.jpg" && echo same)" same
curl -s -H "Authorization: Bearer $OP" "$H_URL$A/$JPG?thumb=1" -o "$T_TMP/thumb.jpg"
t_eq "the preview is a JPEG" "$(head -c 3 "$T_TMP/thumb.jpg" | od -An -tx1 | tr -d ' ')" ffd8ff
t_eq "the preview is 320 pixels wide" "$(python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read(); i = 2
while i < len(d):
    m = d[i + 1]; n = struct.unpack(">H", d[i + 2:i + 4])[0]
    if m in (0xC0, 0xC2):
        print(struct.unpack(">HH", d[i + 5:i + 9])[1], struct.unpack(">HH", d[i + 5:i + 9])[0]); break
    i += 2 + n' "$T_TMP/thumb.jpg")" "320 240"

up "a PNG with eXIf and text chunks" "$OP" "$A?name=plan.png" 201 "$T_TMP/gps.png"
h_jq "known as a PNG" .mime image/png
curl -s -H "Authorization: Bearer $OP" "$H_URL$(jq -r .url "$T_TMP/body")" -o "$T_TMP/got.png"
t_eq "the PNG keeps IHDR, IDAT, IEND and nothing else" "$(python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read(); i = 8; out = []
while i < len(d):
    n = struct.unpack(">I", d[i:i + 4])[0]; out.append(d[i + 4:i + 8].decode()); i += 12 + n
print(" ".join(out))' "$T_TMP/got.png")" "IHDR IDAT IEND"

up "a WebP with EXIF and XMP chunks" "$OP" "$A?name=w.webp" 201 "$T_TMP/gps.webp"
h_jq "known as a WebP" .mime image/webp
curl -s -H "Authorization: Bearer $OP" "$H_URL$(jq -r .url "$T_TMP/body")" -o "$T_TMP/got.webp"
t_eq "the WebP: no EXIF/XMP chunk, flags cleared, RIFF size right" "$(python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read(); i = 12; out = []
while i < len(d):
    n = struct.unpack("<I", d[i + 4:i + 8])[0]; out.append(d[i:i + 4].decode().strip()); i += 8 + n + (n & 1)
print(" ".join(out), d[20] & 0x0C, struct.unpack("<I", d[4:8])[0] == len(d) - 8)' "$T_TMP/got.webp")" "VP8X VP8 0 True"

printf '%%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n' >"$T_TMP/letter.pdf"
up "a PDF" "$OP" "$A?name=letter.pdf" 201 "$T_TMP/letter.pdf"
h_jq "known as a PDF, no preview" '.mime + " " + (.preview_url | tostring)' "application/pdf null"
h_req "a PDF is downloaded, not shown in the app" GET "$(jq -r .url "$T_TMP/body")" 200 -H "Authorization: Bearer $OP"
h_header "as an attachment" '^Content-Disposition: attachment;'

printf 'GIF89a\1\0\1\0' >"$T_TMP/fake.jpg"
up "a GIF named .jpg is refused by its bytes" "$OP" "$A?name=fake.jpg" 422 "$T_TMP/fake.jpg"
h_jq "the file field named in Persian" '.error.fields[0].field' file
printf '\377\330\377\340 not really a jpeg' >"$T_TMP/bad.jpg"
up "a broken JPEG is refused" "$OP" "$A?name=bad.jpg" 422 "$T_TMP/bad.jpg"
head -c $((9 * 1024 * 1024)) /dev/zero >"$T_TMP/big.bin"
up "a file over 8 MiB is 413" "$OP" "$A?name=big.jpg" 413 "$T_TMP/big.bin"
head -c $((100 * 1024)) /dev/zero | tr '\0' a >"$T_TMP/big.json"
h_req "other routes keep the 64 KiB body cap" POST /api/v1/messages 413 -H "Authorization: Bearer $OP" \
	-H 'Content-Type: application/json' --data-binary "@$T_TMP/big.json"

h_api "list of files" GET "$A" 200 "$OP"
h_jq "four files" '.items | length' 4

# units see the files once the message is theirs; others do not know it exists
h_api "region 12 cannot see them before the referral" GET "$A" 404 "$ST12"
h_api "refer to region 12" POST "/api/v1/messages/$CODE/refer" 200 "$OP" '{"unit":"region-12"}'
h_api "region 12 sees the files" GET "$A" 200 "$ST12"
h_jq "all four" '.items | length' 4
h_api "region 3 gets 404 for the list" GET "$A" 404 "$ST03"
h_api "region 3 gets 404 for a file" GET "$A/$JPG" 404 "$ST03"
up "region 3 cannot attach" "$ST03" "$A?name=x.jpg" 404 "$FIX/photo.jpg"
up "region 12 attaches a photo" "$ST12" "$A?name=after.jpg" 201 "$FIX/photo.jpg"
h_api "an inspector reads the files" GET "$A" 200 "$INSP"
up "an inspector does not attach" "$INSP" "$A?name=x.jpg" 403 "$FIX/photo.jpg"
h_api "a file of another message is 404" POST /api/v1/messages 201 "$OP" \
	'{"kind":"complaint","subject":"دیگر","body":"دیگر","mobile":"09121234568"}'
OTHER=$(jq -r .code "$T_TMP/body")
h_api "file id under the wrong message" GET "/api/v1/messages/$OTHER/attachments/$JPG" 404 "$OP"
h_req "no session, no files" GET "$A" 401

# the citizen adds to their own message with code and mobile
h_req "the citizen attaches with code and mobile" POST /api/v1/track/attachments 201 \
	-H "X-Hamgan-Code: $CODE" -H 'X-Hamgan-Mobile: ۰۹۱۲۱۲۳۴۵۶۷' --data-binary "@$FIX/photo.webp"
h_jq "by a citizen, never named" '.by_role + " " + (.by_name | tostring)' "citizen null"
h_req "a wrong mobile is 404" POST /api/v1/track/attachments 404 \
	-H "X-Hamgan-Code: $CODE" -H 'X-Hamgan-Mobile: 09129999999' --data-binary "@$FIX/photo.webp"
h_req "the citizen lists their message's files" GET /api/v1/track/attachments 200 \
	-H "X-Hamgan-Code: $CODE" -H 'X-Hamgan-Mobile: 09121234567'
h_jq "all six, under /track" '[(.items | length), (.items[0].url | startswith("/api/v1/track/attachments/"))] | map(tostring) | join(",")' "6,true"
h_jq "by role, never naming the people inside" '.items[0].by_role + " " + (.items[0].by_name | tostring)' "operator null"
h_req "and reads one's preview" GET "/api/v1/track/attachments/$JPG?thumb=1" 200 \
	-H "X-Hamgan-Code: $CODE" -H 'X-Hamgan-Mobile: 09121234567'
h_header "a JPEG preview" '^Content-Type: image/jpeg'
h_req "not another message's file" GET "/api/v1/track/attachments/$JPG" 404 \
	-H "X-Hamgan-Code: $OTHER" -H 'X-Hamgan-Mobile: 09121234568'
h_req "not without the mobile" GET /api/v1/track/attachments 422 -H "X-Hamgan-Code: $CODE"
for i in 7 8 9 10; do
	up "file $i" "$OP" "$A?name=$i.jpg" 201 "$FIX/photo.jpg"
done
up "the eleventh file is refused" "$OP" "$A?name=11.jpg" 413 "$FIX/photo.jpg"
h_api "still ten" GET "$A" 200 "$OP"
h_jq "ten files" '.items | length' 10
h_api "the message is answered and closed" POST "/api/v1/messages/$CODE/answer" 200 "$ST12" '{"answer":"ترمیم شد"}'
h_api "closed" POST "/api/v1/messages/$CODE/close" 200 "$OP" '{}'
h_req "the citizen cannot add to a closed message: 409" POST /api/v1/track/attachments 409 \
	-H "X-Hamgan-Code: $CODE" -H 'X-Hamgan-Mobile: 09121234567' --data-binary "@$FIX/photo.webp"
h_jq "the state's rule in Persian" '.error.fields[0].field' state
# sixteen uploads in flight at once (CAP_HTTP_UPLOADS), slowly; the
# seventeenth is turned away before its body is read, and once they end a
# new one goes through
head -c $((400 * 1024)) /dev/urandom >"$T_TMP/slow.bin"
pids=()
for i in $(seq 1 16); do
	curl -s -o /dev/null --limit-rate 20k -H "Authorization: Bearer $OP" \
		--data-binary "@$T_TMP/slow.bin" "$H_URL/api/v1/messages/$OTHER/attachments?name=s.jpg" &
	pids+=($!)
done
sleep 2
up "a seventeenth upload at once is 503" "$OP" "/api/v1/messages/$OTHER/attachments?name=x.jpg" 503 "$FIX/photo.jpg"
h_header "with Retry-After" '^Retry-After: [0-9]+'
h_req "other requests still go through" GET /healthz 200
kill "${pids[@]}" 2>/dev/null
wait "${pids[@]}" 2>/dev/null
sleep 0.5
up "the slots come back" "$OP" "/api/v1/messages/$OTHER/attachments?name=y.jpg" 201 "$FIX/photo.jpg"
h_api "every upload audited" GET '/api/v1/audit?limit=500' 200 "$INSP"
h_jq "eleven attach entries" '[.items[] | select(.action == "attach")] | length' 11
h_stop
t_done
