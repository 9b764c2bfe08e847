# Admin editing: users (name, role, unit, deactivate, re-enable, password
# reset), categories (name, kinds, service code, deadline, active); every
# user changes their own password (current one required, other devices'
# sessions end, audited).
. "$(dirname "$0")/lib.sh"
h_seed
h_start
ADM=$(h_token adm); OP=$(h_token op); ST=$(h_token st12); INSP=$(h_token insp)

h_api "admin renames a user" PATCH /api/v1/users/st12 200 "$ADM" '{"name":"مریم احمدی"}'
h_jq "new name" .name "مریم احمدی"
h_api "a rename keeps the user's sessions" GET /api/v1/auth/me 200 "$ST"
h_api "admin moves the user to another unit" PATCH /api/v1/users/st12 200 "$ADM" '{"unit":"region-03"}'
h_jq "now in region 3" '.unit_id != null' true
h_api "a move ends the user's sessions (new rights)" GET /api/v1/auth/me 401 "$ST"
h_api "staff cannot lose their unit" PATCH /api/v1/users/st12 422 "$ADM" '{"unit":""}'
h_jq "the unit's rule in Persian" '.error.fields[0].message' "کارمند و مدیر واحد باید واحدی داشته باشند"
h_api "a role change to inspector, without a unit" PATCH /api/v1/users/st12 200 "$ADM" '{"role":"inspector","unit":""}'
h_jq "inspector now" '.role + " " + (.unit_id | tostring)' "inspector null"
h_api "admin deactivates a user" PATCH /api/v1/users/op 200 "$ADM" '{"active":false}'
h_jq "inactive" .active false
h_api "the operator's session ended" GET /api/v1/auth/me 401 "$OP"
h_api "admin re-enables the user" PATCH /api/v1/users/op 200 "$ADM" '{"active":true}'
h_jq "active again" .active true
OP=$(h_token op)
h_api "the operator signs in again" GET /api/v1/auth/me 200 "$OP"
h_api "admin resets a password" PATCH /api/v1/users/op 200 "$ADM" '{"password":"a-brand-new-password"}'
h_req "the new password works" POST /api/v1/auth/login 200 -H 'Content-Type: application/json' \
	-d '{"username":"op","password":"a-brand-new-password"}'
h_api "an admin cannot disable themself" PATCH /api/v1/users/adm 422 "$ADM" '{"active":false}'
h_api "an unknown role is 422" PATCH /api/v1/users/op 422 "$ADM" '{"role":"mayor"}'
h_api "only admins edit users" PATCH /api/v1/users/op 403 "$INSP" '{"name":"x"}'

h_api "admin edits a category" PATCH /api/v1/categories/roads 200 "$ADM" \
	'{"name":"آسفالت و معابر","kinds":"complaint|request","service_code":"roads-2","deadline_hours":96}'
h_jq "every field changed" '[.name, .kinds, .service_code, .deadline_hours] | map(tostring) | join(",")' \
	"آسفالت و معابر,complaint|request,roads-2,96"
h_api "a bad deadline is 422 in Persian" PATCH /api/v1/categories/roads 422 "$ADM" '{"deadline_hours":99999}'
h_jq "deadline range named" '.error.fields[0].field' deadline_hours
h_api "a category deactivated" PATCH /api/v1/categories/roads 200 "$ADM" '{"active":false}'
h_req "citizens no longer see it" GET /api/v1/categories 200
h_jq "only conduct left" '[.items[].code] | join(",")' conduct
h_api "unknown category is 404" PATCH /api/v1/categories/nothing 404 "$ADM" '{"name":"x"}'
h_api "only admins edit categories" PATCH /api/v1/categories/conduct 403 "$INSP" '{"name":"x"}'

# one's own password, from two devices
h_req "device 1 signs in (cookie)" POST /api/v1/auth/login 200 -H 'Content-Type: application/json' \
	-c "$T_TMP/jar1" -d "{\"username\":\"mg12\",\"password\":\"$H_PW\"}"
CSRF1=$(jq -r .csrf_token "$T_TMP/body")
MG2=$(h_token mg12)
h_req "a wrong current password is refused" POST /api/v1/auth/password 422 -b "$T_TMP/jar1" \
	-H "X-Hamgan-CSRF: $CSRF1" -H 'Content-Type: application/json' \
	-d '{"current_password":"nope","password":"my-new-password-1"}'
h_jq "named the current password" '.error.fields[0] | .field + ": " + .message' "current_password: گذرواژهٔ کنونی درست نیست"
h_req "a short new password is refused" POST /api/v1/auth/password 422 -b "$T_TMP/jar1" \
	-H "X-Hamgan-CSRF: $CSRF1" -H 'Content-Type: application/json' \
	-d "{\"current_password\":\"$H_PW\",\"password\":\"short\"}"
h_jq "the rule" '.error.fields[0].message' "گذرواژه دست‌کم ۸ نویسه"
h_req "both empty: both named at once" POST /api/v1/auth/password 422 -b "$T_TMP/jar1" \
	-H "X-Hamgan-CSRF: $CSRF1" -H 'Content-Type: application/json' \
	-d '{"current_password":"","password":""}'
h_jq "two fields" '[.error.fields[].field] | join(",")' "current_password,password"
h_req "the manager changes their password" POST /api/v1/auth/password 200 -b "$T_TMP/jar1" -c "$T_TMP/jar1" \
	-H "X-Hamgan-CSRF: $CSRF1" -H 'Content-Type: application/json' \
	-d "{\"current_password\":\"$H_PW\",\"password\":\"my-new-password-1\"}"
CSRF1=$(jq -r .csrf_token "$T_TMP/body")
h_jq "answered like /me" .user.username mg12
h_header "with a fresh session cookie" '^Set-Cookie: hamgan_session=[0-9a-f]{64};'
h_req "this device goes on with the new cookie" GET /api/v1/auth/me 200 -b "$T_TMP/jar1"
h_api "the other device's session ended" GET /api/v1/auth/me 401 "$MG2"
h_req "the new password signs in" POST /api/v1/auth/login 200 -H 'Content-Type: application/json' \
	-d '{"username":"mg12","password":"my-new-password-1"}'
h_api "audited" GET '/api/v1/audit?limit=500' 200 "$INSP"
h_jq "user.edit, category.edit and user.passwd.own entries" \
	'[.items[] | select(.action == "user.edit" or .action == "category.edit" or .action == "user.passwd.own") | .action] | unique | join(",")' \
	"category.edit,user.edit,user.passwd.own"
h_stop
t_done
