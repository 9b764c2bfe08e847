# hamgan unit boundaries import: usage and exit codes, caps, a database of
# the previous release upgraded in place (migration), nothing written on a
# refused file.
. "$(dirname "$0")/../lib.sh"
DB="$T_TMP/p.db"
GEO="$HAMGAN_ROOT/data/tehran-regions.geojson"
"$HAMGAN" init --db "$DB" >/dev/null
"$HAMGAN" unit import "$HAMGAN_ROOT/data/units-tehran.csv" --db "$DB" >/dev/null

t_exit "-h" 0 "$HAMGAN" unit boundaries import -h
t_grep "-h prints the usage" "^usage: hamgan unit boundaries import" "$T_TMP/stdout"
t_exit "needs a file" 2 "$HAMGAN" unit boundaries import --db "$DB"
t_exit "unknown option" 2 "$HAMGAN" unit boundaries import --db "$DB" --frob "$GEO"
t_exit "a missing file" 1 "$HAMGAN" unit boundaries import --db "$DB" "$T_TMP/none.geojson"
printf '{"type":"FeatureCollection","features":[' >"$T_TMP/deep.geojson"
for _ in $(seq 1 40); do printf '[' >>"$T_TMP/deep.geojson"; done
t_exit "too deep a file is refused" 1 "$HAMGAN" unit boundaries import --db "$DB" "$T_TMP/deep.geojson"
t_grep "saying so" "nested deeper than" "$T_TMP/stderr"
echo '{"type":"FeatureCollection","features":[]}' >"$T_TMP/empty.geojson"
t_exit "a file without features is refused" 1 "$HAMGAN" unit boundaries import --db "$DB" "$T_TMP/empty.geojson"
printf '\xff\xfe' >"$T_TMP/bin.geojson"
t_exit "bytes that are not UTF-8 are refused" 1 "$HAMGAN" unit boundaries import --db "$DB" "$T_TMP/bin.geojson"
t_eq "nothing was written" "$(sqlite3 "$DB" 'SELECT count(*) FROM unit_boundaries')" 0

# a database of the previous release (schema 3): no boundaries, no routing
# rules, no place index
t_release3_db "$T_TMP/old.db"
t_run "init upgrades a database of the previous release in place" 0 \
	"database '$T_TMP/old.db' is at schema version $(t_schema_latest)" "$HAMGAN" init --db "$T_TMP/old.db"
t_run "and its boundaries import" 0 "imported 22 boundaries" \
	"$HAMGAN" unit boundaries import --db "$T_TMP/old.db" "$GEO"
t_run "a second import replaces them" 0 "imported 22 boundaries" \
	"$HAMGAN" unit boundaries import --db "$T_TMP/old.db" "$GEO"
t_eq "one outline a unit" "$(sqlite3 "$T_TMP/old.db" 'SELECT count(*) FROM unit_boundaries')" 22
t_eq "the import is audited" "$("$HAMGAN" audit list --db "$T_TMP/old.db" | cut -f 4 | grep -c '^unit\.boundaries_import$')" 2
t_exit "the audit chain holds" 0 "$HAMGAN" audit verify --db "$T_TMP/old.db"
t_done
