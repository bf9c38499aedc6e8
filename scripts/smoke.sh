#!/usr/bin/env bash
# The playbook's smoke check (step 4) against a running deployment, with curl and the CLI only (node, which the CLI
# runs on anyway, reads the JSON answers). It writes real rows: a client, a team, a worker, a booking and a paid
# invoice in the owner's org, and a second org "Smoke Test Co <run>" with its own; nothing is deleted afterwards.
#
#   OWNER_EMAIL=owner@yourcompany.com OWNER_PASSWORD=... scripts/smoke.sh
#
# Settings (environment): ADMIN_API_URL (default http://127.0.0.1:3001), WORKER_PORTAL_URL (…:3002),
# PUBLIC_INVOICES_URL (…:3003), OWNER_EMAIL and OWNER_PASSWORD (required: an owner made with `pnpm cli user:create`
# and `member:add`), DATABASE_URL (optional: then `pnpm db:status` must say the database is at head), SMOKE_CLI
# (default `pnpm --silent cli`). Exit 0 and "smoke: OK" at the end, or "smoke: FAIL: ..." and exit 1.
set -euo pipefail

ADMIN_API_URL=${ADMIN_API_URL:-http://127.0.0.1:3001}
WORKER_PORTAL_URL=${WORKER_PORTAL_URL:-http://127.0.0.1:3002}
PUBLIC_INVOICES_URL=${PUBLIC_INVOICES_URL:-http://127.0.0.1:3003}
: "${OWNER_EMAIL:?set OWNER_EMAIL (an owner of your org)}"
: "${OWNER_PASSWORD:?set OWNER_PASSWORD}"
read -r -a CLI <<<"${SMOKE_CLI:-pnpm --silent cli}"
RUN="$(date +%s)-$RANDOM"
PASSWORD="smoke-$RUN-password"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

say() { echo "smoke: $*"; }
fail() {
  echo "smoke: FAIL: $*" >&2
  exit 1
}

# http METHOD URL [TOKEN] [JSON]: sets STATUS, BODY and LOCATION.
http() {
  local args=(-sS -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' -X "$1" -H 'accept: application/json')
  if [ -n "${3:-}" ]; then args+=(-H "authorization: Bearer $3"); fi
  if [ -n "${4:-}" ]; then args+=(-H 'content-type: application/json' --data "$4"); fi
  STATUS=$(curl "${args[@]}" "$2") || fail "$1 $2: no answer"
  BODY=$(cat "$tmp/body")
  LOCATION=$(sed -n 's/^[Ll]ocation: *//p' "$tmp/headers" | tr -d '\r')
}

# expect STATUS METHOD URL [TOKEN] [JSON]
expect() {
  local want=$1
  shift
  http "$@"
  [ "$STATUS" = "$want" ] || fail "$1 $2: expected $want, got $STATUS: ${BODY:0:400}"
}

# get FIELD.PATH: a field of the last JSON answer.
get() {
  printf '%s' "$BODY" | node -e '
    let s = "";
    process.stdin.on("data", (d) => (s += d)).on("end", () => {
      let v = JSON.parse(s);
      for (const k of process.argv[1].split(".")) v = v == null ? undefined : v[k];
      process.stdout.write(v == null ? "" : String(v));
    });' "$1"
}

# absent TEXT ID...: none of the ids appears in TEXT.
absent() {
  local text=$1
  shift
  for id in "$@"; do
    case "$text" in *"$id"*) return 1 ;; esac
  done
}

tomorrow=$(node -e 'const d = new Date(Date.now() + 864e5); d.setUTCHours(9, 0, 0, 0); process.stdout.write(d.toISOString())')

if [ -n "${DATABASE_URL:-}" ]; then
  "${CLI[@]}" db:status | grep -q 'Pending: none' || fail "db:status: the database is not at head"
  say "database at head"
fi
for url in "$ADMIN_API_URL" "$WORKER_PORTAL_URL" "$PUBLIC_INVOICES_URL"; do expect 200 GET "$url/readyz"; done
say "the three apps are ready"

# walk_org TOKEN LABEL: team, worker, client, booking assigned to the team, invoice issued with a link. Sets W_* variables.
walk_org() {
  local token=$1 label=$2
  expect 200 GET "$ADMIN_API_URL/org" "$token"
  W_ORG=$(get org_id) W_SLUG=$(get slug) W_NAME=$(get name)
  expect 201 POST "$ADMIN_API_URL/teams" "$token" "{\"name\": \"$label crew $RUN\"}"
  W_TEAM=$(get id)
  W_WORKER_EMAIL="smoke-worker-$RUN@$W_SLUG.example.invalid"
  expect 201 POST "$ADMIN_API_URL/workers" "$token" \
    "{\"name\": \"$label worker\", \"email\": \"$W_WORKER_EMAIL\", \"team_id\": \"$W_TEAM\", \"password\": \"$PASSWORD\"}"
  W_WORKER=$(get id)
  expect 201 POST "$ADMIN_API_URL/clients" "$token" "{\"name\": \"$label smoke client $RUN\", \"address\": \"1 Smoke Street\"}"
  W_CLIENT=$(get id)
  expect 201 POST "$ADMIN_API_URL/bookings" "$token" \
    "{\"client_id\": \"$W_CLIENT\", \"starts_at\": \"$tomorrow\", \"duration_minutes\": 60, \"price_cents\": 5000, \"currency\": \"EUR\"}"
  W_BOOKING=$(get id)
  expect 200 POST "$ADMIN_API_URL/bookings/$W_BOOKING/assign" "$token" "{\"team_id\": \"$W_TEAM\"}"
  expect 201 POST "$ADMIN_API_URL/invoices" "$token" "{\"booking_id\": \"$W_BOOKING\"}"
  W_INVOICE=$(get id)
  expect 200 POST "$ADMIN_API_URL/invoices/$W_INVOICE/issue" "$token"
  expect 201 POST "$ADMIN_API_URL/invoices/$W_INVOICE/public-links" "$token" '{}'
  W_LINK=$(get token)
  expect 200 POST "$WORKER_PORTAL_URL/auth/login" "" "{\"org\": \"$W_SLUG\", \"email\": \"$W_WORKER_EMAIL\", \"password\": \"$PASSWORD\"}"
  W_WORKER_TOKEN=$(get access_token)
}

expect 200 POST "$ADMIN_API_URL/auth/login" "" "{\"email\": \"$OWNER_EMAIL\", \"password\": \"$OWNER_PASSWORD\"}"
T1=$(get access_token)
[ -n "$T1" ] || fail "the owner's sign-in gave no token (several orgs? sign in with org_id): ${BODY:0:300}"
walk_org "$T1" "First"
O1=$W_ORG N1=$W_NAME C1=$W_CLIENT TM1=$W_TEAM WK1=$W_WORKER B1=$W_BOOKING I1=$W_INVOICE L1=$W_LINK WT1=$W_WORKER_TOKEN
say "org $N1: client, team, worker, booking assigned, invoice issued with a link"

expect 200 GET "$PUBLIC_INVOICES_URL/i/$L1"
expect 303 POST "$PUBLIC_INVOICES_URL/i/$L1/pay"
case "$LOCATION" in
  */checkout/local/*)
    code=$(curl -sS -o /dev/null -w '%{http_code}' -X POST --data 'card_number=4242424242424242' "$LOCATION")
    [ "$code" = 303 ] || fail "local checkout: expected 303, got $code"
    expect 200 GET "$ADMIN_API_URL/invoices/$I1" "$T1"
    [ "$(get status)" = paid ] || fail "invoice $I1 is $(get status) after the payment, not paid"
    expect 200 GET "$ADMIN_API_URL/invoices/$I1/payments" "$T1"
    say "paid through the local provider; the webhook landed; admin-api shows the invoice paid"
    ;;
  *) say "payments go to Stripe: pay $PUBLIC_INVOICES_URL/i/$L1 with a test card by hand, then check the invoice" ;;
esac

expect 201 POST "$ADMIN_API_URL/orgs" "" \
  "{\"organization\": {\"name\": \"Smoke Test Co $RUN\", \"slug\": \"smoke-$RUN\"}, \"owner\": {\"email\": \"smoke-owner-$RUN@example.invalid\", \"password\": \"$PASSWORD\"}}"
T2=$(get access_token)
walk_org "$T2" "Second"
O2=$W_ORG N2=$W_NAME C2=$W_CLIENT TM2=$W_TEAM WK2=$W_WORKER B2=$W_BOOKING I2=$W_INVOICE L2=$W_LINK WT2=$W_WORKER_TOKEN
say "second org $N2 signed up with its owner, team, worker, client, booking and invoice"

# isolated ME_TOKEN ME_WORKER_TOKEN ME_LINK THEIR_NAME THEIR_IDS...
isolated() {
  local token=$1 wtoken=$2 link=$3 their_name=$4
  shift 4
  for list in clients teams workers bookings invoices addons subscriptions leads audit-logs memberships; do
    http GET "$ADMIN_API_URL/$list" "$token"
    absent "$BODY" "$@" || fail "GET /$list shows a row of $their_name"
  done
  for pair in "clients/$1" "teams/$2" "workers/$3" "bookings/$4" "invoices/$5"; do
    expect 404 GET "$ADMIN_API_URL/$pair" "$token"
  done
  expect 200 GET "$WORKER_PORTAL_URL/jobs" "$wtoken"
  absent "$BODY" "$@" || fail "worker-portal GET /jobs shows a job of $their_name"
  expect 404 GET "$WORKER_PORTAL_URL/jobs/$4" "$wtoken"
  expect 200 GET "$PUBLIC_INVOICES_URL/i/$link"
  absent "$BODY" "$their_name" "$@" || fail "the invoice link shows something of $their_name"
}
isolated "$T2" "$WT2" "$L2" "$N1" "$C1" "$TM1" "$WK1" "$B1" "$I1" "$O1"
isolated "$T1" "$WT1" "$L1" "$N2" "$C2" "$TM2" "$WK2" "$B2" "$I2" "$O2"
say "neither org sees the other's rows in admin-api, worker-portal or its invoice link"
say "OK"
