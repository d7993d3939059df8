#!/usr/bin/env bash
# `make lighthouse` (README, "Lighthouse"): a throwaway SQLite database with the demo
# content, the site served as in production (DEBUG off, gunicorn, WhiteNoise's hashed and
# compressed static files), then run.mjs audits the pages with Debian's Chromium.
# Exit status: run.mjs's (1: a target missed, 2: the run failed).
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN="${BIN:-.venv/bin}"
WORK="$PWD/var/lighthouse"
OUT="${LIGHTHOUSE_OUT:-$PWD/test-artifacts/lighthouse}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROME_PATH" ]; then
    echo "Lighthouse needs Chromium at $CHROME_PATH (Debian: apt-get install chromium)." >&2
    exit 2
fi

started=$(date +%s)
rm -rf "$WORK"
rm -f "$OUT"/*.json "$OUT/summary.txt"
mkdir -p "$WORK" "$OUT"
PORT="${LIGHTHOUSE_PORT:-$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"

# Production settings, with throwaway values; Django serves the media as the reverse proxy
# would (nosniff), so that the demo photos load.
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="lighthouse-only-$("$BIN/python" -c 'import secrets; print(secrets.token_hex(24))')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="sqlite:///$WORK/db.sqlite3"
export DJANGO_STATIC_ROOT="$WORK/static"
export DJANGO_MEDIA_ROOT="$WORK/media"
export DJANGO_SERVE_MEDIA=1
export FCS_SITE_URL="http://127.0.0.1:$PORT"
unset CACHE_URL REDIS_URL

echo "== lighthouse: demo database and static files in var/lighthouse/"
setup() {
    "$@" >>"$WORK/setup.log" 2>&1 || { tail -n 40 "$WORK/setup.log" >&2; exit 2; }
}
setup "$BIN/python" manage.py migrate --noinput
setup "$BIN/python" manage.py load_demo
setup "$BIN/python" manage.py collectstatic --noinput

echo "== lighthouse: gunicorn on 127.0.0.1:$PORT"
"$BIN/gunicorn" fcs_site.wsgi:application --workers 2 --bind "127.0.0.1:$PORT" \
    --access-logfile "$WORK/access.log" >"$WORK/gunicorn.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/ru/" 2>/dev/null; then break; fi
    if ! kill -0 "$server" 2>/dev/null; then
        cat "$WORK/gunicorn.log" >&2
        exit 2
    fi
    sleep 0.2
done

# Search results are kept out of search engines on purpose (robots.txt and
# `<meta name="robots" content="noindex, follow">`: an endless space of near-duplicate pages,
# and a query echoed into an indexed page is an SEO-spam vector), so Lighthouse's
# "is-crawlable" audit fails there by design and is waived for that page only.
DEFAULT_WAIVERS="--waive search:is-crawlable"

echo "== lighthouse: auditing (reports in ${OUT#"$PWD"/}/)"
status=0
node tools/lighthouse/run.mjs --base "http://127.0.0.1:$PORT" --out "$OUT" $DEFAULT_WAIVERS ${LIGHTHOUSE_ARGS:-} \
    2>&1 | tee "$OUT/summary.txt" || status=$?
[ "$status" = 0 ] || echo "(server log: var/lighthouse/gunicorn.log)"
echo "make lighthouse took $(($(date +%s) - started)) s"
exit "$status"
