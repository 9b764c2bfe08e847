# Field errors: every field a body gets wrong is listed at once in
# error.fields, each with a Persian sentence naming the field and the rule;
# a core error names its one field the same way; nothing is written.
. "$(dirname "$0")/lib.sh"
h_seed
h_start
ADM=$(h_token adm); OP=$(h_token op)

h_api "three wrong fields: 422" POST /api/v1/users 422 "$ADM" \
	'{"username":"x1","role":7,"password":"'"$(printf 'p%.0s' $(seq 1 1100))"'","colour":"blue"}'
h_jq "first field stays in error.field" .error.field role
h_jq "every field listed" '[.error.fields[].field] | sort | join(",")' "colour,name,password,role"
h_jq "the missing name named in Persian" '.error.fields[] | select(.field == "name") | .message' "نام را پر کنید"
h_jq "the long password says its limit" '.error.fields[] | select(.field == "password") | .message' "گذرواژه حداکثر ۵۱۲ نویسه"
h_jq "the unknown member is named" '.error.fields[] | select(.field == "colour") | .message' "خانهٔ «colour» در این فرم نیست"
h_api "nothing was written" GET /api/v1/users 200 "$ADM"
h_jq "still seven users" '.items | length' 7

h_api "a short password: the core's rule in Persian" POST /api/v1/users 422 "$ADM" \
	'{"username":"x2","name":"نام","role":"operator","password":"short"}'
h_jq "password rule with its number" '.error.fields[0].message' "گذرواژه دست‌کم ۸ نویسه"
h_jq "one field" '.error.fields | length' 1
h_api "a taken username: 409 with the field's sentence" POST /api/v1/users 409 "$ADM" \
	'{"username":"op","name":"نام","role":"operator","password":"a-long-password"}'
h_jq "username taken" '.error.fields[0] | .field + ": " + .message' "username: این نام کاربری پیش‌تر گرفته شده است"

h_api "a message with two missing fields, a bad mobile and a bad national id" POST /api/v1/messages 422 "$OP" \
	'{"kind":"complaint","mobile":"0912","national_id":"۱۲۳۴۵۶۷۸۹۰","priority":"high"}'
h_jq "all four named at once" '[.error.fields[].field] | sort | join(",")' "body,mobile,national_id,subject"
h_jq "subject named" '.error.fields[] | select(.field == "subject") | .message' "عنوان را پر کنید"
h_jq "mobile rule" '.error.fields[] | select(.field == "mobile") | .message' "شمارهٔ همراه یازده رقم است و با ۰۹ آغاز می‌شود"
h_jq "national id rule" '.error.fields[] | select(.field == "national_id") | .message' "کد ملی ده رقم است و رقم کنترل آن باید درست باشد"
h_api "an empty mobile is a missing one" POST /api/v1/messages 422 "$OP" \
	'{"kind":"complaint","subject":"چاله","body":"چاله","mobile":""}'
h_jq "mobile to fill" '.error.fields[0].message' "شمارهٔ همراه را پر کنید"
h_api "a national id in Persian digits with a good check digit passes the form" POST /api/v1/messages 201 "$OP" \
	'{"kind":"complaint","subject":"چاله","body":"چاله","mobile":"۰۹۱۲ ۱۲۳ ۴۵۶۷","national_id":"0010350829"}'
h_api "a deadline out of range names the range" POST /api/v1/categories 422 "$ADM" \
	'{"code":"x","name":"x","deadline_hours":0}'
h_jq "range in Persian digits" '.error.fields[0].message' "مهلت پاسخ (ساعت) عددی از ۱ تا ۸٬۷۸۴"
h_api "a 403 has no fields" POST /api/v1/users 403 "$OP" '{"username":"x3"}'
h_jq "no fields on 403" '.error.fields' null

h_req "categories come in Persian alphabetical order" GET /api/v1/categories 200
h_jq "رفتار before معابر (ر before م)" '[.items[].name] | join("|")' "رفتار کارکنان|معابر و آسفالت"
h_stop
t_done
