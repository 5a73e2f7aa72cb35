#!/usr/bin/env bash
# Run Debian's sqlmap against the search, filter and sort parameters of the list endpoints and
# the login form of a Valleycross server on 127.0.0.1; exit 1 if anything is injectable.
#
#   tests/security/sqlmap_check.sh http://127.0.0.1:PORT ADMIN_TOKEN OUTPUT_DIR [DBMS]
#
# Fixed level/risk, `--batch`, every run bounded by `timeout`. A run that does not finish, or
# does not say that it tested the parameters, is a failure too (no answer is not a pass).
set -uo pipefail
base="${1:?base URL}"; token="${2:?admin token}"; out="${3:?output dir}"; dbms="${4:-SQLite}"
case "$base" in
  http://127.0.0.1:*) ;;
  *) echo "sqlmap is only ever pointed at 127.0.0.1 (got $base)" >&2; exit 2 ;;
esac
command -v sqlmap >/dev/null || { echo "sqlmap is not installed (apt-get install -y sqlmap)" >&2; exit 2; }
mkdir -p "$out"
LEVEL=3 RISK=2 PER_TARGET_SECONDS="${SQLMAP_SECONDS:-150}"
common=(--batch --level="$LEVEL" --risk="$RISK" --dbms="$dbms" --technique=BEUST --time-sec=1
        --disable-coloring --flush-session --output-dir="$out/session"
        --ignore-code=401,403,404,422,429)
failed=0

probe() {  # name, then sqlmap arguments
  local name="$1"; shift
  local log="$out/$name.log" started=$SECONDS
  timeout "$PER_TARGET_SECONDS" sqlmap "${common[@]}" "$@" >"$log" 2>&1
  local code=$?
  echo "sqlmap $name: exit $code in $((SECONDS - started))s (log: $log)"
  if grep -qiE "identified the following injection point|is vulnerable|parameter '.*' is '.*' injectable" "$log"; then
    echo "  INJECTABLE:"; grep -iE "Parameter:|Type:|Title:|injectable" "$log" | sed 's/^/    /'
    failed=1
  elif [ "$code" -ne 0 ]; then
    echo "  sqlmap did not finish (exit $code); last lines:"; tail -n 15 "$log" | sed 's/^/    /'
    failed=1
  elif ! grep -q "all tested parameters do not appear to be injectable" "$log"; then
    echo "  sqlmap did not report on the parameters; last lines:"; tail -n 15 "$log" | sed 's/^/    /'
    failed=1
  fi
}

auth=(-H "Authorization: Bearer $token")
run_target() {
  case "$1" in
    # Search and paging: the admin user list.
    users-search) probe users-search -u "$base/api/v1/users?q=demo&limit=10&offset=0" "${auth[@]}" \
        -p "q,limit,offset" ;;
    # Search and group filter: the reference countries.
    countries-filter) probe countries-filter -u "$base/api/v1/reference/countries?q=nep&group=LDC" \
        -p "q,group" ;;
    # Search, filters and sort: challenges, the mechanism inventory, technologies, needs, gaps.
    challenges-search) probe challenges-search \
        -u "$base/api/v1/challenges?q=solar&state=open&sector=energy_supply&sort=newest&eligible_from=NPL" \
        -p "q,state,sector,sort,eligible_from" ;;
    mechanisms-search) probe mechanisms-search -u "$base/api/v1/mechanisms?q=climate&sort=name" \
        -p "q,sort" ;;
    technologies-search) probe technologies-search -u "$base/api/v1/technologies?q=solar&sort=name" \
        -p "q,sort" ;;
    needs-filter) probe needs-filter -u "$base/api/v1/needs?country=NPL&group=LDC&status=open" \
        -p "country,group,status" ;;
    gaps-filter) probe gaps-filter -u "$base/api/v1/gaps?country=NPL&group=LDC&status=open" \
        -p "country,group,status" ;;
    # The sign-in form, with a fresh CSRF token read from the form before every request. Only
    # `email` reaches SQL: the password only meets Argon2 and `next` is only checked to be a
    # local path (each tried request costs an Argon2 hash, so they are left out for time).
    # The server under test must not throttle sign-ins, or sqlmap would only ever see 429s.
    login-form) probe login-form -u "$base/login" \
        --data="email=solver%40valleycross.example&password=probe-password&next=%2F&csrf_token=x" \
        --csrf-token=csrf_token --csrf-url="$base/login" --csrf-method=GET -p "email" ;;
    *) echo "unknown target $1" >&2; failed=1 ;;
  esac
}

ALL="users-search countries-filter challenges-search mechanisms-search technologies-search"
ALL="$ALL needs-filter gaps-filter login-form"
for target in ${SQLMAP_TARGETS:-$ALL}; do
  run_target "$target"
done
exit "$failed"
