# bench/seed.sh - sourced by the benchmarks: bench_seed DB PASSWORD makes
# DB (a file or a postgresql:// URI; for a URI the database must exist)
# a city of three units, one category and an operator "op" with PASSWORD.
# Needs HAMGAN and a scratch directory T.
bench_seed() {
	"$HAMGAN" init --db "$1" >/dev/null
	cat >"$T/units.csv" <<'CSV'
code,name,kind,parent_code
tehran,شهرداری تهران,organisation,
centre,مرکز ۱۸۸۸,centre,tehran
region-12,منطقه ۱۲,region,tehran
CSV
	cat >"$T/cats.csv" <<'CSV'
code,name,parent_code,deadline_hours,kinds,confidential,service_code
roads,معابر و آسفالت,,72,all,0,roads
CSV
	"$HAMGAN" unit import "$T/units.csv" --db "$1" >/dev/null
	"$HAMGAN" category import "$T/cats.csv" --db "$1" >/dev/null
	echo "$2" | "$HAMGAN" user add op --role operator --name "اپراتور" --password-stdin \
		--db "$1" >/dev/null
}
