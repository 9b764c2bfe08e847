# Routing by place (issue 10): boundaries loaded from GeoJSON, the region a
# point is in, a citizen's message with a point referred by the system to
# its district/region (the Grand Bazaar lands in Region 12), a point outside
# every boundary left for the operator, the boundaries for maps (ETag),
# open messages nearby and likely duplicates.
. "$(dirname "$0")/lib.sh"
h_seed
# the rest of Tehran's regions, so the shipped boundaries all find their unit
{
	echo "code,name,kind,parent_code"
	for i in 01 02 04 05 06 07 08 09 10 11 13 14 15 16 17 18 19 20 21 22; do
		echo "region-$i,منطقه $i,region,tehran"
	done
	echo "region-12-green,ادارهٔ فضای سبز منطقه ۱۲,department,region-12"
	echo "deputy-transport,معاونت حمل‌ونقل و ترافیک,department,tehran"
} >"$T_TMP/more.csv"
"$HAMGAN" unit import "$T_TMP/more.csv" --db "$H_DB" >/dev/null || t_fail "more units"
GEO=$HAMGAN_ROOT/data/tehran-regions.geojson

# no boundary data yet: a citizen's message with a point waits for an operator
h_start --set track_rate=1000
vcode=$(h_code 09125550009)
h_req "no boundaries: a citizen sends with a point" POST /api/v1/messages 201 -H 'Content-Type: application/json' \
	--data-binary '{"kind":"request","category":"roads","subject":"بی‌مرز","body":"متن","mobile":"09125550009","verification_code":"'"$vcode"'","lat":35.6745,"lon":51.4221}'
h_jq "it stays in the operator's queue" .state registered
CNB=$(jq -r .code "$T_TMP/body")
h_req "no boundaries: no region for a point" GET "/api/v1/places/region?lat=35.6745&lon=51.4221" 200
h_jq "region null" .region null
h_req "no boundaries: an empty collection" GET /api/v1/boundaries 200
h_jq "no features" '.features | length' 0
h_stop

t_run "no boundaries yet: a bad property name is refused" 1 "" \
	"$HAMGAN" unit boundaries import --db "$H_DB" --property region "$GEO"
t_grep "the error names the feature and the property" "feature 1: no 'region' property" "$T_TMP/stderr"
t_run "import Tehran's 22 regions" 0 "imported 22 boundaries" \
	"$HAMGAN" unit boundaries import --db "$H_DB" "$GEO"
# district-12-1: a square around the Grand Bazaar, with a hole in its corner
cat >"$T_TMP/district.geojson" <<'G'
{"type":"FeatureCollection","attribution":"test","features":[
 {"type":"Feature","properties":{"code":"district-12-1"},"geometry":{"type":"Polygon",
  "coordinates":[[[51.418,35.671],[51.426,35.671],[51.426,35.678],[51.418,35.678],[51.418,35.671]],
                 [[51.4185,35.6715],[51.4195,35.6715],[51.4195,35.6725],[51.4185,35.6725],[51.4185,35.6715]]]}}]}
G
cat >"$T_TMP/bad.geojson" <<'G'
{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"unit":"region-03"},"geometry":{"type":"Polygon","coordinates":[[[51.4,35.7],[51.5,35.7],[51.5,35.8],[51.4,35.8],[51.4,35.7]]]}},
 {"type":"Feature","properties":{"unit":"region-99"},"geometry":{"type":"Polygon","coordinates":[[[51,35],[52,35],[52,36],[51,35]]]}}]}
G
cat >"$T_TMP/open.geojson" <<'G'
{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"unit":"region-03"},"geometry":{"type":"Polygon","coordinates":[[[51.4,35.7],[51.5,35.7],[51.5,35.8],[51.4,35.8]]]}}]}
G
t_run "an unknown unit refuses the whole file" 1 "" \
	"$HAMGAN" unit boundaries import --db "$H_DB" "$T_TMP/bad.geojson"
t_grep "it names feature 2" "feature 2: no active unit 'region-99'" "$T_TMP/stderr"
t_run "an open ring is refused" 1 "" \
	"$HAMGAN" unit boundaries import --db "$H_DB" "$T_TMP/open.geojson"
t_grep "it says why" "does not end where it starts" "$T_TMP/stderr"
t_run "district boundary by another property" 0 "imported 1 boundaries" \
	"$HAMGAN" unit boundaries import --db "$H_DB" --property code "$T_TMP/district.geojson"

# categories with routing rules (docs/routing.md)
cat >"$T_TMP/routes.csv" <<'CSV'
code,name,parent_code,deadline_hours,kinds,confidential,service_code,route
green,فضای سبز,,72,all,0,,{region}-green
hwy-light,روشنایی بزرگراه,,48,all,0,,deputy-transport
CSV
printf 'code,name,parent_code,deadline_hours,kinds,confidential,service_code,route\nx,ایکس,,72,all,0,,deputy-nowhere\n' >"$T_TMP/badroute.csv"
t_run "a rule naming no unit is refused" 1 "" "$HAMGAN" category import "$T_TMP/badroute.csv" --db "$H_DB"
t_grep "saying so" "line 2: the routing rule names no unit 'deputy-nowhere'" "$T_TMP/stderr"
t_run "categories with routing rules" 0 "imported 2 categories" \
	"$HAMGAN" category import "$T_TMP/routes.csv" --db "$H_DB"
t_eq "the rules are stored" "$(h_sql "SELECT route FROM categories WHERE route <> '' ORDER BY code" | tr '\n' ' ')" "{region}-green deputy-transport "

h_start --set track_rate=1000
OP=$(h_token op); ST=$(h_token st12); ST03=$(h_token st03)

h_req "region of the Grand Bazaar" GET "/api/v1/places/region?lat=35.6745&lon=51.4221" 200
h_jq "Region 12" .region.code region-12
h_jq "district 12-1" .district.code district-12-1
R12=$(jq -r .region.id "$T_TMP/body"); D121=$(jq -r .district.id "$T_TMP/body")
h_req "a point in the district's hole" GET "/api/v1/places/region?lat=35.672&lon=51.419" 200
h_jq "the hole is Region 12 ..." .region.code region-12
h_jq "... but not the district" .district null
h_req "a point outside Tehran" GET "/api/v1/places/region?lat=35.0&lon=51.0" 200
h_jq "no region" .region null
h_req "Azadi Tower is Region 9" GET "/api/v1/places/region?lat=35.6997&lon=51.3380" 200
h_jq "region-09" .region.code region-09
h_req "a latitude out of range is 422" GET "/api/v1/places/region?lat=95&lon=51" 422
h_req "a latitude that is not a number is 422" GET "/api/v1/places/region?lat=1e400&lon=51" 422
h_req "lon is required" GET "/api/v1/places/region?lat=35.6" 422

# A citizen on the web proves the mobile with a texted code (h_code).  One
# number here sends more messages than it may ask codes for in 15 minutes
# (CAP_VERIFY_PER_NUMBER): its earlier codes are moved back past the window,
# as if the citizen wrote again later.
vcode_later() { # vcode_later MOBILE
	h_sql "UPDATE verify_codes SET created_at = created_at - 900 WHERE mobile = '$1'"
	h_code "$1"
}
# A citizen's web message at the bazaar: referred by the system at once.
web() { # web SUBJECT LAT LON [extra json]
	local vc
	vc=$(vcode_later 09125550000)
	h_req "citizen sends '$1'" POST /api/v1/messages 201 -H 'Content-Type: application/json' \
		--data-binary "{\"kind\":\"request\",\"category\":\"roads\",\"subject\":\"$1\",\"body\":\"متن $1\",\"mobile\":\"09125550000\",\"verification_code\":\"$vc\",\"lat\":$2,\"lon\":$3${4:-}}"
}
web "چاله در بازار" 35.6745 51.4221
h_jq "the citizen sees it referred" .state referred
C1=$(jq -r .code "$T_TMP/body")
h_api "operator reads it" GET /api/v1/messages/$C1 200 "$OP"
h_jq "it is with district 12-1" .unit_id "$D121"
h_jq "its region is Region 12" .region_id "$R12"
h_jq "the hop is the system's" '.referrals[0].actor' system:place
h_jq "the hop says why" '.referrals[0].reason' "place: district-12-1"
h_jq "it has a deadline" '.due_at != null' true
h_api "Region 12's staff see it" GET /api/v1/messages/$C1 200 "$ST"
web "چاله بیرون شهر" 35.0 51.0
h_jq "outside every boundary it waits for an operator" .state registered
C0=$(jq -r .code "$T_TMP/body")
h_api "operator reads it" GET /api/v1/messages/$C0 200 "$OP"
h_jq "no region" .region_id null
h_api "a phone message with a point is not routed" POST /api/v1/messages 201 "$OP" \
	'{"kind":"request","category":"roads","subject":"تلفنی","body":"متن","mobile":"09125550001","lat":35.6745,"lon":51.4221}'
h_jq "state registered" .state registered
h_jq "but its region is filled" .region_id "$R12"
CP=$(jq -r .code "$T_TMP/body")

# category rules: the rule decides first, then the place
rule() { # rule CATEGORY LAT LON
	local vc
	vc=$(vcode_later 09125550002)
	h_req "citizen sends under '$1'" POST /api/v1/messages 201 -H 'Content-Type: application/json' \
		--data-binary "{\"kind\":\"request\",\"category\":\"$1\",\"subject\":\"$1\",\"body\":\"متن\",\"mobile\":\"09125550002\",\"verification_code\":\"$vc\"${2:+,\"lat\":$2,\"lon\":$3}}"
	h_api "operator reads it" GET /api/v1/messages/$(jq -r .code "$T_TMP/body") 200 "$OP"
}
uid() { h_sql "SELECT id FROM units WHERE code = '$1'"; }
rule green 35.6745 51.4221
h_jq "green space at the bazaar goes to Region 12's green space office" .unit_id "$(uid region-12-green)"
h_jq "the hop names the rule" '.referrals[0].reason' "category rule {region}-green"
rule green 35.6997 51.3380
h_jq "in Region 9, which has no such office, the place decides" .unit_id "$(uid region-09)"
rule hwy-light 35.6745 51.4221
h_jq "highway lighting goes to the deputy's office wherever it is" .unit_id "$(uid deputy-transport)"
rule hwy-light
h_jq "even without a point" .unit_id "$(uid deputy-transport)"
rule roads
h_jq "no rule and no point: the operator's queue" .state registered

# audited as the system
"$HAMGAN" audit list --db "$H_DB" >"$T_TMP/audit" 2>&1 || "$HAMGAN" audit verify --db "$H_DB" >/dev/null
t_exit "the audit chain holds" 0 "$HAMGAN" audit verify --db "$H_DB"

# the boundaries for maps
h_req "boundaries" GET /api/v1/boundaries 200
h_jq "23 features" '.features | length' 23
h_jq "a FeatureCollection" .type FeatureCollection
h_jq "features name their unit" '[.features[].properties.unit] | index("region-12") != null' true
h_jq "the attribution travels" '.attribution | test("OpenStreetMap")' true
h_header "GeoJSON type" '^content-type: application/geo\+json'
ETAG=$(tr -d '\r' <"$T_TMP/headers" | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
h_req "revalidated by its ETag" GET /api/v1/boundaries 304 -H "If-None-Match: $ETAG"

# nearby open messages of the same category (public)
web "چاله دوم در بازار" 35.6746 51.4222
C2=$(jq -r .code "$T_TMP/body")
web "محرمانه در بازار" 35.6745 51.4221 ',"confidential":true'
C3=$(jq -r .code "$T_TMP/body")
h_req "nearby" GET "/api/v1/messages/nearby?lat=35.67455&lon=51.42215&category=roads" 200
h_jq "four open messages within 200 m" '[.items[].code] | sort | join(",")' "$(printf '%s\n' "$C1" "$C2" "$CP" "$CNB" | sort | paste -sd,)"
h_jq "nearest first, with a distance" '.items[0].distance_m < 20' true
h_jq "radius" .radius_m 200
h_body_lacks "no mobile in nearby" 09125550000
h_body_lacks "no confidential message in nearby" "$C3"
h_req "nothing 300 m away" GET "/api/v1/messages/nearby?lat=35.6772&lon=51.4221&category=roads" 200
h_jq "empty" '.items | length' 0
h_req "nearby needs a category" GET "/api/v1/messages/nearby?lat=35.6745&lon=51.4221" 422
h_req "an unknown category is 422" GET "/api/v1/messages/nearby?lat=35.6745&lon=51.4221&category=nope" 422

# likely duplicates
h_api "operator: similar to the second" GET /api/v1/messages/$C2/similar 200 "$OP"
h_jq "the first is flagged by place and mobile" "[.items[] | select(.code == \"$C1\") | .why | join(\"+\")] | .[0]" "mobile+place"
h_jq "the one outside the city by mobile" "[.items[] | select(.code == \"$C0\") | .why[0]] | .[0]" mobile
h_jq "the confidential one too (operators see identities)" "[.items[].code] | index(\"$C3\") != null" true
h_api "staff of region 12: similar" GET /api/v1/messages/$C2/similar 200 "$ST"
h_jq "a unit never links the confidential message by mobile" "[.items[] | select(.code == \"$C3\") | .why | join(\"+\")] | .[0]" place
h_jq "nor sees the one it cannot read" "[.items[].code] | index(\"$C0\")" null
h_api "staff of region 12: similar to the confidential one" GET /api/v1/messages/$C3/similar 200 "$ST"
h_jq "no mobile link from a confidential message" '[.items[].why[]] | index("mobile")' null
# a code outside the reader's scope is answered as unknown
h_api "staff of another region cannot ask (404)" GET /api/v1/messages/$C2/similar 404 "$ST03"
h_jq "not_found" .error.code not_found
h_api "a unit marks only as a duplicate" POST /api/v1/messages/$C2/reject 403 "$ST" '{"reason":"abusive"}'
h_api "a unit names only a message it may read" POST /api/v1/messages/$C2/reject 422 "$ST" "{\"reason\":\"duplicate\",\"duplicate_of\":\"$C0\"}"
h_api "Region 12 marks the second a duplicate of the first" POST /api/v1/messages/$C2/reject 200 "$ST" "{\"reason\":\"duplicate\",\"duplicate_of\":\"$C1\"}"
h_jq "rejected as a duplicate" .reject_reason duplicate
h_req "citizens cannot ask" GET /api/v1/messages/$C2/similar 401
h_api "the operator marks the one outside the city a duplicate of the first" POST /api/v1/messages/$C0/reject 200 "$OP" \
	"{\"reason\":\"duplicate\",\"duplicate_of\":\"$C1\"}"

h_req "map settings: no tiles by default" GET /api/v1/map 200
h_jq "tiles null" .tiles null
h_req "the CSP allows no other origin for images" GET / 200
h_header "img-src self and data: only" "^content-security-policy: .*img-src 'self' data:;"
h_stop

# a tile server configured: its origin, and only it, is allowed for images
h_start --set 'map_tiles=https://tiles.example.ir:8443/osm/{z}/{x}/{y}.png' --set 'map_tiles_attribution=© OpenStreetMap'
h_req "map settings name the tiles" GET /api/v1/map 200
h_jq "tiles" .tiles 'https://tiles.example.ir:8443/osm/{z}/{x}/{y}.png'
h_jq "their attribution" .tiles_attribution '© OpenStreetMap'
h_req "the page" GET / 200
h_header "the CSP allows the tile origin for images" "^content-security-policy: .*img-src 'self' data: https://tiles\.example\.ir:8443;"
h_header "scripts still only from hamgan" "^content-security-policy: .*script-src 'self';"
h_stop
for bad in 'ftp://tiles.example.ir/{z}/{x}/{y}.png' 'https://tiles.example.ir/tiles.png' \
	"https://x.ir/{z}/{x}/{y}.png; script-src *" 'https://user@evil.ir/{z}/{x}/{y}'; do
	t_exit "a bad map_tiles stops the server: $bad" 1 timeout 10 "$HAMGAN" serve --listen 127.0.0.1:0 \
		--db "$H_DB" --set "map_tiles=$bad"
done
t_grep "saying what is wanted" "map_tiles must be an http.s. URL" "$T_TMP/stderr"
t_done
