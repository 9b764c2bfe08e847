# Settings: defaults < config file < environment < flags; bad settings fail.
. "$(dirname "$0")/lib.sh"
unset HAMGAN_DB HAMGAN_LISTEN HAMGAN_WEB_ROOT HAMGAN_SMS_SECRET HAMGAN_THREADS HAMGAN_MAX_BODY \
	HAMGAN_MAX_CONNECTIONS HAMGAN_MAX_PER_IP HAMGAN_IDLE_TIMEOUT HAMGAN_SECURE_COOKIES \
	HAMGAN_LOGIN_RATE HAMGAN_TRACK_RATE

pc() { "$HAMGAN" serve --print-config "$@" 2>"$T_TMP/err"; }
key() { sed -n "s/^$1=//p"; }

t_eq "default listen" "$(pc | key listen)" "127.0.0.1:8080"
t_eq "default db" "$(pc | key db)" "hamgan.db"
t_eq "default max_body" "$(pc | key max_body)" 65536

cat >"$T_TMP/h.ini" <<'INI'
; hamgan test config
[server]
listen = 127.0.0.1:9001
db = /srv/file.db
threads = 3
max_body = 8192
secure_cookies = true
sms_secret = s3cret-s3cret-s3cret-s3cret-s3cret-s3cret
INI
t_eq "file sets listen" "$(pc --config "$T_TMP/h.ini" | key listen)" "127.0.0.1:9001"
t_eq "file sets threads" "$(pc --config "$T_TMP/h.ini" | key threads)" 3
t_eq "file sets secure_cookies from true" "$(pc --config "$T_TMP/h.ini" | key secure_cookies)" 1
t_eq "secret is masked" "$(pc --config "$T_TMP/h.ini" | key sms_secret)" "(set)"
t_eq "env beats file" "$(HAMGAN_DB=/srv/env.db pc --config "$T_TMP/h.ini" | key db)" "/srv/env.db"
t_eq "env beats file (number)" "$(HAMGAN_MAX_BODY=2048 pc --config "$T_TMP/h.ini" | key max_body)" 2048
t_eq "flag beats env" "$(HAMGAN_DB=/srv/env.db pc --config "$T_TMP/h.ini" --db /srv/flag.db | key db)" "/srv/flag.db"
t_eq "--set beats env" "$(HAMGAN_THREADS=4 pc --set threads=5 | key threads)" 5
t_eq "--listen=VALUE form" "$(pc --listen=127.0.0.1:7 | key listen)" "127.0.0.1:7"

t_exit "unknown setting in file fails" 1 "$HAMGAN" serve --print-config --config <(printf '[server]\nbogus = 1\n')
t_grep "error names the line" 'line 2' "$T_TMP/stderr"
t_exit "unknown section fails" 1 "$HAMGAN" serve --print-config --config <(printf '[other]\nx = 1\n')
t_exit "bad number in file fails" 1 "$HAMGAN" serve --print-config --config <(printf '[server]\nthreads = lots\n')
t_exit "out of range number fails" 1 "$HAMGAN" serve --print-config --config <(printf '[server]\nmax_body = 999999999\n')
t_exit "missing config file fails" 1 "$HAMGAN" serve --print-config --config "$T_TMP/none.ini"
t_exit "bad env value fails" 1 env HAMGAN_THREADS=-1 "$HAMGAN" serve --print-config
t_grep "env error names the variable" 'HAMGAN_THREADS' "$T_TMP/stderr"
t_exit "unknown flag is a usage error" 2 "$HAMGAN" serve --bogus
t_exit "bad --set is a usage error" 2 "$HAMGAN" serve --set nokey
t_exit "serve -h" 0 "$HAMGAN" serve -h
t_exit "bad listen address fails" 1 "$HAMGAN" serve --listen nowhere --db "$H_DB"
t_exit "bad port fails" 1 "$HAMGAN" serve --listen 127.0.0.1:99999 --db "$H_DB"

# The real server takes its address from the environment too.
HAMGAN_LISTEN=127.0.0.1:1 h_start --listen 127.0.0.1:0
h_req "flag beat HAMGAN_LISTEN (server is up on a free port)" GET /healthz 200
h_stop
t_done
