#!/usr/bin/env bash
# 2013 the desk's forms for what only the API did (issue 15), over real HTTP with curl: a
# calendar's name, time zone and weekly hours edited in place (one row a weekday, several
# intervals), its holidays added, changed and removed, the SLA clock of a request using it moved
# at once; agreements created and their terms changed on the desk, checked as the API checks them
# (the same messages, the field named, what was typed kept); 403 without the CSRF token and for
# an agent where admins only; each change read back through the API.
. "$(dirname "$0")/lib.sh"

start_server && fixtures && passwords "1, 2, 3"; ok $? "a server with fixtures and passwords"
for who in "admin $ADMIN_EMAIL" "agent agent@vendor.test" "ca ca@acme.test"; do
    sign_in $who; is "$STATUS" 303 "${who%% *} signs in"
done

# ---- a calendar's weekly hours -------------------------------------------------------------------
api POST /api/v1/tickets '{"subject":"clock","severity":"C","organization_id":1}' "$AGENT"
is "$STATUS" 201 "a request on the fixtures' calendar"; TICKET=$(json .id)
DUE=$(get "/api/v1/tickets/$TICKET" .sla.response_due_at)
page admin GET /desk/admin/calendars/1; TOKEN=$(csrf)
has 'action="/desk/admin/calendars/1"'; ok $? "the calendar's page has an edit form"
has 'name="mon_from_0" value="08:00"'; ok $? "a row a weekday with its hours"
has 'name="fri_to_0" value="14:30"'; ok $? "Friday's own"
has 'name="sat_open" value="1">'; ok $? "Saturday closed"
has 'name="timezone" value="Europe/Copenhagen"'; ok $? "the time zone"
hours=(-d mon_open=1 -d mon_slots=3 -d mon_from_0=09:00 -d mon_to_0=12:00 -d mon_from_1=13:00
    -d mon_to_1=17:00 -d tue_slots=3 -d tue_from_0=08:00 -d tue_to_0=16:00
    -d sun_open=1 -d sun_slots=3 -d sun_from_0=00:00 -d sun_to_0=24:00)
page admin POST /desk/admin/calendars/1 --data-urlencode name=Support "${hours[@]}" \
    --data-urlencode timezone=UTC
is "$STATUS" 403 "without the CSRF token: 403"
page agent GET /desk/; ATOKEN=$(csrf)
page agent POST /desk/admin/calendars/1 --data-urlencode "csrf=$ATOKEN" "${hours[@]}" \
    --data-urlencode name=Support --data-urlencode timezone=UTC
is "$STATUS" 403 "an agent: 403"
is "$(get /api/v1/calendars/1 .timezone)" Europe/Copenhagen "and nothing changed"
page admin POST /desk/admin/calendars/1 --data-urlencode "csrf=$TOKEN" "${hours[@]}" \
    -d wed_open=1 -d wed_slots=3 -d wed_from_0=14:00 -d wed_to_0=08:00 \
    --data-urlencode 'name=Support <hours>' --data-urlencode timezone=UTC
is "$STATUS" 422 "an interval that ends before it starts: 422"
has 'hours.wed[0]: end 08:00 is not after start 14:00'; ok $? "the calendar's message, naming the day"
has 'name="wed_from_0" value="14:00"'; ok $? "what was typed is kept"
has 'name="name" value="Support &lt;hours&gt;"'; ok $? "the typed name too, escaped"
has 'name="sun_open" value="1" checked'; ok $? "and the open days"
page admin POST /desk/admin/calendars/1 --data-urlencode "csrf=$TOKEN" "${hours[@]}" -d thu_open=1 \
    --data-urlencode name=Support --data-urlencode timezone=UTC
is "$STATUS" 422 "an open day without hours: 422"
has 'hours.thu: Thursday is open'; ok $? "naming the day"
page admin POST /desk/admin/calendars/1 --data-urlencode "csrf=$TOKEN" "${hours[@]}" \
    --data-urlencode name=Support --data-urlencode 'timezone=Mars/Olympus'
is "$STATUS" 422 "an unknown time zone: 422"
has 'Mars/Olympus'; ok $? "the message names it"
page admin POST /desk/admin/calendars/1 --data-urlencode "csrf=$TOKEN" "${hours[@]}" \
    --data-urlencode name= --data-urlencode timezone=UTC
is "$STATUS" 422 "an empty name: 422"
has 'name'; ok $? "naming the field"
is "$(get /api/v1/calendars/1 .timezone)" Europe/Copenhagen "refusals change nothing"
page admin POST /desk/admin/calendars/1 --data-urlencode "csrf=$TOKEN" "${hours[@]}" \
    --data-urlencode 'name=Support hours (UTC)' --data-urlencode timezone=UTC
is "$STATUS $(header Location)" "303 /desk/admin/calendars/1" "the calendar is saved"
is "$(get /api/v1/calendars/1 '"\(.name)|\(.timezone)|\(.hours|tojson)"')" \
    'Support hours (UTC)|UTC|{"mon":["09:00-12:00","13:00-17:00"],"sun":["00:00-24:00"]}' \
    "the API reads the new name, zone and hours (a day not open is closed, whatever its hours)"
is "$(get /api/v1/calendars/1 '.holidays|length')" 28 "its holidays kept"
NEWDUE=$(get "/api/v1/tickets/$TICKET" .sla.response_due_at)
[ "$NEWDUE" != "$DUE" ] && [ "$NEWDUE" != null ]; ok $? "the request's response due time moved at once ($DUE -> $NEWDUE)"
page admin GET /desk/admin/calendars/1
has 'name="mon_from_1" value="13:00"'; ok $? "the page shows the second interval"
has 'name="sun_to_0" value="24:00"'; ok $? "and 24:00"

# ---- holidays --------------------------------------------------------------------------------------
has 'name="new_day" value="2027-12-31"'; ok $? "each holiday has its own form"
page admin POST /desk/admin/calendars/1/holiday --data-urlencode "csrf=$TOKEN" -d new_day=2028-01-03
is "$STATUS" 303 "a holiday is added"
is "$(get /api/v1/calendars/1 '.holidays|index("2028-01-03") != null')" true "the API has it"
page admin POST /desk/admin/calendars/1/holiday --data-urlencode "csrf=$TOKEN" -d day=2028-01-03 \
    -d new_day=2028-01-04
is "$STATUS" 303 "a holiday is changed"
is "$(get /api/v1/calendars/1 '"\(.holidays|index("2028-01-03"))|\(.holidays|index("2028-01-04") != null)"')" \
    "null|true" "the API reads the new date only"
page admin POST /desk/admin/calendars/1/holiday --data-urlencode "csrf=$TOKEN" -d day=2028-01-04 \
    -d remove=1
is "$STATUS" 303 "a holiday is removed"
is "$(get /api/v1/calendars/1 '.holidays|length')" 28 "it is gone"
page admin POST /desk/admin/calendars/1/holiday --data-urlencode "csrf=$TOKEN" -d new_day=3.1.2028
is "$STATUS" 422 "a date that is not one: 422"
has 'holidays: a date is YYYY-MM-DD'; ok $? "naming the field"
page admin POST /desk/admin/calendars/1/holiday -d new_day=2028-01-03
is "$STATUS" 403 "without the CSRF token: 403"
page agent POST /desk/admin/calendars/1/holiday --data-urlencode "csrf=$ATOKEN" -d new_day=2028-01-03
is "$STATUS" 403 "an agent: 403"
page admin POST /desk/admin/calendars/99/holiday --data-urlencode "csrf=$TOKEN" -d new_day=2028-01-03
is "$STATUS" 404 "a missing calendar: 404"
is "$(get /api/v1/calendars/1 '.holidays|length')" 28 "refusals change nothing"

# ---- agreements created and changed on the desk ------------------------------------------------
page agent GET /desk/agreements; TOKEN=$(csrf)
has 'href="/desk/agreements/new"'; ok $? "the agreements link the new agreement form"
page agent GET /desk/agreements/new
is "$STATUS" 200 "the form of a new agreement"
has '<option value="enhanced">enhanced</option>'; ok $? "with every kind"
has 'name="services" value="annual_health_checks"'; ok $? "and the supplemental services"
NAGR=$(api_count /api/v1/agreements)
page agent POST /desk/agreements -d organization_id=2 -d kind=enhanced -d starts_on=2027-01-01 \
    -d currency=EUR -d hours=40
is "$STATUS" 403 "without the CSRF token: 403"
page ca GET /portal/; CTOKEN=$(csrf)
page agent POST /desk/agreements --data-urlencode "csrf=$TOKEN" -d organization_id=2 -d kind=enhanced \
    -d starts_on=2027-01-01 -d currency=EURO -d hours=40 --data-urlencode 'annual_fee=1.500,25'
is "$STATUS" 422 "a currency that is not one: 422"
has "currency must have at most 3 characters"; ok $? "the API's message, naming the field"
has 'name="hours" value="40"'; ok $? "what was typed is kept"
page agent POST /desk/agreements --data-urlencode "csrf=$TOKEN" -d organization_id=2 -d kind=enhanced \
    -d currency=EUR -d hours=40
is "$STATUS" 422 "no start date: 422"
has 'starts_on'; ok $? "naming starts_on"
page agent POST /desk/agreements --data-urlencode "csrf=$TOKEN" -d organization_id=2 -d kind=enhanced \
    -d starts_on=2027-01-01 -d currency=EUR -d hours=40 -d annual_fee=12.345
is "$STATUS" 422 "an amount with too many decimals: 422"
has 'annual_fee must be an amount of EUR'; ok $? "naming annual_fee"
page agent POST /desk/agreements --data-urlencode "csrf=$TOKEN" -d organization_id=2 -d kind=enhanced \
    -d starts_on=2027-01-01 -d currency=EUR -d hours=-4
is "$STATUS" 422 "negative hours: 422"
has 'hours'; ok $? "naming hours"
is "$(api_count /api/v1/agreements)" "$NAGR" "refusals make nothing"
page agent POST /desk/agreements --data-urlencode "csrf=$TOKEN" -d organization_id=1 -d kind=enhanced \
    -d starts_on=2027-01-01 -d ends_on=2029-12-31 -d currency=EUR --data-urlencode 'hours=40,5' \
    --data-urlencode 'annual_fee=1.500,25' -d rate=120 -d hosting=customer_hosted -d sla_policy_id=1 \
    -d extras=live_chat -d services=annual_health_checks -d services=operator_training
NEW=$(header Location); NEW=${NEW##*/}
is "$STATUS" 303 "an agreement is created"
is "$(get "/api/v1/agreements/$NEW" '"\(.organization_id)|\(.kind)|\(.status)|\(.starts_on)|\(.ends_on)|\(.hours)|\(.annual_fee)|\(.rate)|\(.hosting)|\(.sla_policy_id)|\(.extras|join(","))|\(.services|join(","))"')" \
    "1|enhanced|requested|2027-01-01|2029-12-31|40.5|150025|12000|customer_hosted|1|live_chat|operator_training,annual_health_checks" \
    "the API reads every term (amounts in cents)"
page agent GET "/desk/agreements/$NEW"; TOKEN=$(csrf)
has "action=\"/desk/agreements/$NEW\""; ok $? "its page has the terms form"
has 'name="annual_fee" value="1500.25"'; ok $? "holding its terms"
has 'name="extras" value="live_chat" checked'; ok $? "and its extras"
page agent POST "/desk/agreements/$NEW" --data-urlencode "csrf=$TOKEN" -d terms_form=1 \
    -d ends_on=2028-12-31 -d hours=60 -d annual_fee=2000 -d services=end_to_end_upgrades
is "$STATUS" 303 "its terms are changed"
is "$(get "/api/v1/agreements/$NEW" '"\(.starts_on)|\(.ends_on)|\(.hours)|\(.annual_fee)|\(.rate)|\(.extras|join(","))|\(.services|join(","))"')" \
    "2027-01-01|2028-12-31|60|200000|12000||end_to_end_upgrades" \
    "the API reads the change; empty fields unchanged, unticked boxes cleared"
page agent POST "/desk/agreements/$NEW" --data-urlencode "csrf=$TOKEN" -d terms_form=1 \
    -d ends_on=2026-01-01 -d hours=77
is "$STATUS" 422 "an end before the start: 422"
has 'name="hours" value="77"'; ok $? "what was typed is kept"
is "$(get "/api/v1/agreements/$NEW" .hours)" 60 "and nothing changed"
page agent POST "/desk/agreements/$NEW" -d hours=1
is "$STATUS" 403 "without the CSRF token: 403"
page ca POST "/desk/agreements/$NEW" --data-urlencode "csrf=$CTOKEN" -d hours=1
is "$STATUS" 403 "a customer: 403"
page agent POST /desk/agreements/999 --data-urlencode "csrf=$TOKEN" -d hours=1
is "$STATUS" 404 "a missing agreement: 404"

stop_server
done_testing
