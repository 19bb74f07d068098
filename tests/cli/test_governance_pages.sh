#!/usr/bin/env bash
# The secretary's and members' daily work in the governance pages (issue 20), over HTTP against the
# real `lmn serve` on a fresh demo database: members read an item before the meeting and endorse,
# abstain or object in writing (an objection blocks a unanimous decision); the secretary records
# the attendance of many people in one submit, sees who is present and corrects an entry (asking
# first); outcomes offered per item type; an approval of minutes recorded on behalf of the person
# who gave it, and how.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/api_lib.sh"

for u in sekreterare ledamot; do login "$u"; done
st_code() { python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); b=json.loads(b); print(s, b.get("code","-"), b.get("field") or "-")'; }
page() { curl -sS -b "$TMP/$1.jar" -o "$TMP/page.html" -w '%{http_code}' "$B$2"; }
csrf() { sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' "$TMP/page.html" | head -1; }
text() { sed 's/<[^>]*>//g' "$TMP/page.html"; }

# A second server on the same database whose clock says the council's meeting of 2026-12-10 has
# begun: attendance and outcomes are recorded there.
serve_at 2026-12-10T10:00 sekreterare
page3() { curl -sS -b "$TMP/s3.jar" -o "$TMP/page.html" -w '%{http_code}' "$B3$1"; }
# post3 PATH FIELD=VALUE…: a form of the page on the server of 2026-12-10; prints "STATUS LOCATION"
post3() {
	local path=$1 args=()
	shift
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	curl -sS -b "$TMP/s3.jar" -o "$TMP/page.html" -w '%{http_code} %{redirect_url}' \
		--data-urlencode "_csrf=$(cat "$TMP/s3.csrf")" "${args[@]}" "$B3$path" | sed "s|$B3||"
}
# post USER PATH FIELD=VALUE…: the same on the main server (2026-11-23 10:00)
post() {
	local user=$1 path=$2 args=()
	shift 2
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	curl -sS -b "$TMP/$user.jar" -o "$TMP/page.html" -w '%{http_code} %{redirect_url}' \
		--data-urlencode "_csrf=$(cat "$TMP/$user.csrf")" "${args[@]}" "$B$path" | sed "s|$B||"
}

# Meeting 7: the council on 2026-12-10 09:00; items 24 (1, formalia), 25 (2, a decision), 26 (3,
# information). Kristin Lundgren (the member user, person 10) is the 2026 vice chair.
# --- Members read what they are asked to endorse, and answer before the meeting ---
check "the member opens the coming meeting" "200" "$(page ledamot /styrning/moten/7)"
check_grep "… and reads the item's proposal" "<div class=\"item-text\">" "$TMP/page.html"
check_grep "… in its words" "Förslag: ledtiden för leverans till ordinärt boende ändras från 4 till 3 arbetsdagar\." "$TMP/page.html"
check "… with three answers on the decision item" "3" "$(grep -c 'name="stance" value="\(endorse\|abstain\|object\)"' "$TMP/page.html")"
check_grep "… Jag avstår" ">Jag avstår</button>" "$TMP/page.html"
check_grep "… Jag invänder" ">Jag invänder</button>" "$TMP/page.html"
check "… and none on the formalia item" "0" "$(grep -c 'id="skriftligt-24"' "$TMP/page.html")"
check "the member objects in writing" "303 /styrning/moten/7?skriftligt=1#punkt-25" \
	"$(post ledamot /styrning/punkter/25/skriftligt stance=object)"
page ledamot '/styrning/moten/7?skriftligt=1' >/dev/null
check_grep "… is told it was registered" "Ditt svar är registrerat\." "$TMP/page.html"
check_grep "… sees the answer given" "Du har svarat: <strong>Jag invänder</strong> (23 november 2026 kl. 10.00)" "$TMP/page.html"
check_grep "… and the objection is listed with the item" "Deltog skriftligt: Kristin Lundgren (<strong>invänder</strong>, lämnat 23 november 2026 kl. 10.00)" "$TMP/page.html"
check "… as the API records it" "object" "$(body sekreterare GET /api/meetings/7 | json 'd["items"][1]["written_stance"]["10"]')"
check "an unknown stance is refused" "400 invalid_input stance" \
	"$(req ledamot POST /api/agenda-items/25/written '{"stance":"maybe"}' | st_code)"
check "the 2024 meeting offers no answer: it has been held" "0" "$(page ledamot /styrning/moten/1 >/dev/null; grep -c 'name="stance"' "$TMP/page.html")"
# The secretary records an e-mail in which a VGK member abstains: it does not count toward quorum.
vgk() { body sekreterare GET /api/meetings/7 | json 'str(d["items"][1]["quorum"]["parties"]["VGK"]["counted"])'; }
before=$(vgk)
check "the secretary records an abstention by e-mail on the page" "303 /styrning/moten/7" \
	"$(post sekreterare /styrning/punkter/25/skriftligt skriftligt-person-25=8 skriftligt-stallning-25=abstain skriftligt-lamnat-25=2026-11-20T12:00)"
page sekreterare /styrning/moten/7 >/dev/null
check_grep "… listed apart from those who took part" "Avstod skriftligt: Helena Nordén (lämnat 20 november 2026 kl. 12.00)" "$TMP/page.html"
check "… and not counted toward quorum" "$before" "$(vgk)"
check_grep "before the meeting the secretary is told when attendance is recorded" "Närvaron registreras när mötet har börjat\." "$TMP/page.html"
check "… and no outcome form is offered yet" "0" "$(grep -c 'name="utfall-25"' "$TMP/page.html")"

# --- Attendance for many at once, once the meeting has begun ---
check "the secretary's page of the meeting that has begun" "200" "$(page3 /styrning/moten/7)"
check_grep "… offers a checkbox per person with a seat" "<input type=\"checkbox\" id=\"narvarande-7\" name=\"narvarande-7\" value=\"1\">" "$TMP/page.html"
check_grep "… each with from which item" "<select id=\"fran-7\" name=\"fran-7\">" "$TMP/page.html"
check_grep "… says nobody is recorded yet" "Ingen är registrerad som närvarande än\." "$TMP/page.html"
check "six people present in one submit, one of them from item 2" "303 /styrning/moten/7?narvaro=6#narvaro-rubrik" \
	"$(post3 /styrning/moten/7/narvaro narvarande-1=1 narvarande-2=1 narvarande-3=1 narvarande-5=1 narvarande-6=1 narvarande-7=1 fran-7=2)"
page3 '/styrning/moten/7?narvaro=6' >/dev/null
cp "$TMP/page.html" "$TMP/attendance.html"
check_grep "… confirmed" "Närvaron är sparad för 6 personer\." "$TMP/page.html"
check_grep "… listed by name, party and role" "<th scope=\"row\" data-label=\"Namn\">Cecilia Hallberg</th><td data-label=\"Part\">VGR</td><td data-label=\"Roll\">ledamot</td><td data-label=\"Närvarande\">hela mötet</td>" "$TMP/page.html"
check_grep "… with partial attendance as från punkt 2" "<th scope=\"row\" data-label=\"Namn\">Karin Axelsson</th><td data-label=\"Part\">VGK</td><td data-label=\"Roll\">ledamot</td><td data-label=\"Närvarande\">från punkt 2</td>" "$TMP/page.html"
quorum() { req3 GET /api/meetings/7 | cut -d' ' -f2- | json "[str(i['quorum']['quorate'])+' VGR '+str(i['quorum']['parties']['VGR']['counted'])+' VGK '+str(i['quorum']['parties']['VGK']['counted']) for i in d['items'] if i['number']=='$1'][0]"; }
check "… which the quorum counts per item" "False VGR 3 VGK 2 | True VGR 3 VGK 3" "$(quorum 1) | $(quorum 2)"
check "the API takes many people at once" "200 2" \
	"$(req3 PUT /api/meetings/7/attendance '{"people":[{"person_id":8,"items":"all"},{"person_id":9,"until":"2"}]}' | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, len(json.loads(b)["people"]))')"
check "… and refuses a batch naming the entry at fault" "400 invalid_input people[1].from" \
	"$(req3 PUT /api/meetings/7/attendance '{"people":[{"person_id":4,"items":"all"},{"person_id":10,"from":"9"}]}' | st_code)"
check "… writing nothing of it" "0" "$(req3 GET /api/meetings/7 | cut -d' ' -f2- | json 'sum(1 for i in d["items"] for p in i["present"] if p==4)')"
code=$(post3 /styrning/moten/7/narvaro narvarande-1=1 fran-1=3 till-1=1 | cut -d' ' -f1)
check "items in the wrong order are refused on the page" "400" "$code"
check_grep "… next to the person's field, in Swedish" "<p class=\"field-error\" id=\"till-1-fel\"><span class=\"sr\">Fel: </span>Till och med punkt 1 ligger före från punkt 3" "$TMP/page.html"
check "removing an entry asks first" "200" "$(post3 /styrning/moten/7/narvaro ta-bort=7 | cut -d' ' -f1)"
check_grep "… naming the person and what is recorded" "Karin Axelsson är registrerad som närvarande: från punkt 2\." "$TMP/page.html"
check_grep "… with a confirming button" "Ja, ta bort närvaron" "$TMP/page.html"
check "… and nothing is removed until confirmed" "1" "$(grep -c 'data-label="Namn">Karin Axelsson' "$TMP/attendance.html")"
check "confirmed, the entry is removed" "303 /styrning/moten/7?borttagen=7#narvaro-rubrik" \
	"$(post3 /styrning/moten/7/narvaro ta-bort=7 bekraftad=1)"
page3 '/styrning/moten/7?borttagen=7' >/dev/null
check_grep "… and the page says so" "Närvaron för Karin Axelsson är borttagen\." "$TMP/page.html"
check "… no longer listing her" "0" "$(grep -c 'data-label="Namn">Karin Axelsson' "$TMP/page.html")"
check_grep "a meeting under way offers only the outcomes of an information item" \
	"<select id=\"utfall-26\" name=\"utfall-26\">
<option value=\"noted\">noterat</option>
</select>" "$TMP/page.html"
check "… the decision item four, and no proposal to the council (a council makes none)" "decided remitted struck deferred" \
	"$(req3 GET /api/meetings/7 | cut -d' ' -f2- | json '" ".join(d["items"][1]["outcomes"])')"
check "… the formalia item two" "decided noted" "$(req3 GET /api/meetings/7 | cut -d' ' -f2- | json '" ".join(d["items"][0]["outcomes"])')"
check "… and the page shows nothing but those (noterat: the information and the formalia item)" "2 0" \
	"$(grep -c '<option value="noted">noterat</option>' "$TMP/page.html") $(grep -c '<option value="proposed">' "$TMP/page.html")"

# --- A written objection blocks the unanimous decision ---
req3 PUT /api/meetings/7/attendance '{"person_id":7,"items":"all"}' >/dev/null
out=$(req3 POST /api/agenda-items/25/outcome '{"outcome":"decided"}')
check "with quorum, the item cannot be decided over a written objection" "422 objection outcome" "$(echo "$out" | st_code)"
check "… naming who objected and what may be done" "yes" \
	"$(echo "${out#* }" | json '"yes" if "Kristin Lundgren har invänt skriftligt" in d["detail"] and "enighet" in d["detail"] and "återremitteras" in d["detail"] else d["detail"]')"
check "… it may be remitted" "200" "$(req3 POST /api/agenda-items/25/outcome '{"outcome":"remitted"}' | cut -d' ' -f1)"
check "the council's rule: an objection blocks (the default)" "True" "$(body sekreterare GET /api/bodies/3 | json 'd["objection_blocks"]')"
tb=$(body sekreterare POST /api/bodies '{"code":"TOB","name":"Testgrupp","kind":"preparation","active_from":"2026-01-01","objection_blocks":false}' | json 'd["id"]')
check "a body may choose that only objections at the meeting count" "False" "$(body sekreterare GET "/api/bodies/$tb" | json 'd["objection_blocks"]')"

# --- Approval of minutes recorded on behalf of who approved, and how ---
# The political group (meeting 8, 2026-03-20) approves by its chair (Eva Kommunsson, VGK) and a
# member of the other party.
check "the secretary makes the minutes of the political group's meeting" "303" \
	"$(post sekreterare /styrning/moten/8/anteckningar | cut -d' ' -f1)"
mid=$(body sekreterare GET /api/meetings/8/minutes | json 'd["minutes"][0]["id"]')
page sekreterare /styrning/moten/8/anteckningar >/dev/null
check_grep "the minutes page names who must approve" "Ska godkännas av: ordföranden, en ledamot från den andra parten" "$TMP/page.html"
check_grep "… and offers the persons whose approval counts" "<option value=\"23\">Eva Kommunsson (ordförande, VGK)</option>" "$TMP/page.html"
check_grep "… members of the other party among them" "<option value=\"28\">Vera Regionsdotter (ledamot från den andra parten, VGR)</option>" "$TMP/page.html"
check "… but not a member of the chair's party" "0" "$(grep -c '<option value="24">' "$TMP/page.html")"
check_grep "… with how it was given" "<option value=\"at_meeting\">muntligt på mötet</option>" "$TMP/page.html"
check "the secretary records the chair's oral approval" "303 /styrning/moten/8/anteckningar?godkand=$mid" \
	"$(post sekreterare "/styrning/anteckningar/$mid/godkann" "godkant-av-$mid=23" "godkant-hur-$mid=at_meeting")"
page sekreterare "/styrning/moten/8/anteckningar?godkand=$mid" >/dev/null
check_grep "… confirmed" "Godkännandet är registrerat\." "$TMP/page.html"
check_grep "… shown with the role, the time in words and how" "Godkänd av Eva Kommunsson (ordförande) 23 november 2026 kl. 10.00, muntligt på mötet (registrerat av sekreteraren)" "$TMP/page.html"
check_grep "… and the chair is no longer asked for" "Ska godkännas av: en ledamot från den andra parten</p>" "$TMP/page.html"
check "… nor offered" "0" "$(grep -c '<option value="23">' "$TMP/page.html")"
check "… and no ISO timestamp on the page" "0" "$(text | grep -c '[0-9]T[0-9][0-9]:[0-9][0-9]')"
code=$(post sekreterare "/styrning/anteckningar/$mid/godkann" "godkant-av-$mid=24" "godkant-hur-$mid=email" | cut -d' ' -f1)
check "an approval that would not count is refused on the page" "422" "$code"
check_grep "… saying why, in Swedish" "Godkännandet av Gustav Grönberg räknas inte: mötesanteckningarna för Politisk beredningsgrupp godkänns av ordföranden (Eva Kommunsson) och en ledamot från den part som inte har ordförandeskapet\." "$TMP/page.html"
check "… and records nothing" "23" "$(body sekreterare GET "/api/minutes/$mid" | json '" ".join(str(a["person_id"]) for a in d["approvals"])')"
check "the other party's member completes the approval" "303" \
	"$(post sekreterare "/styrning/anteckningar/$mid/godkann" "godkant-av-$mid=28" "godkant-hur-$mid=signed" | cut -d' ' -f1)"
page sekreterare /styrning/moten/8/anteckningar >/dev/null
check_grep "… approved" "Godkänd 23 november 2026 kl. 10.00; kan inte ändras" "$TMP/page.html"
check "… and nothing more to approve" "0" "$(grep -c 'Ska godkännas av\|Registrera godkännandet' "$TMP/page.html")"

# --- Seats and terms on the body's page ---
check "the council's page lists its seats" "200" "$(page sekreterare /styrning/organ/3)"
check_grep "… under a heading of their own" "<h2 id=\"platser\">Platser och mandatperioder</h2>" "$TMP/page.html"
check_grep "… with holder and term in words" "<td data-label=\"Innehavare\">Cecilia Hallberg</td><td data-label=\"Mandatperiod\">från 1 januari 2023</td>" "$TMP/page.html"
check_grep "… a vacant seat offered to be filled" "<label for=\"person-4\">Ny innehavare (ledamot, Privat primärvård)</label>" "$TMP/page.html"
check "the secretary fills the vacant seat from 1 December" "303 /styrning/organ/3?mandat=tillsatt#platser" \
	"$(post sekreterare /styrning/platser/4/mandat organ=3 person-4=16 fran-4=2026-12-01)"
check "… as the API has it" "Erika Cederholm 2026-12-01" \
	"$(body sekreterare GET '/api/bodies/3?on=2026-12-01' | json '[s["holder"]["name"]+" "+s["holder"]["from"] for s in d["seats"] if s["id"]==4][0]')"
page sekreterare '/styrning/organ/3?mandat=tillsatt' >/dev/null
check_grep "… and the page says so" "Platsen är tillsatt\." "$TMP/page.html"
code=$(post sekreterare /styrning/platser/4/mandat organ=3 person-4=1 fran-4=2026-12-15 | cut -d' ' -f1)
check "a second holder for the same time is refused on the page" "409" "$code"
check_grep "… next to the date, in Swedish" "<p class=\"field-error\" id=\"fran-4-fel\"><span class=\"sr\">Fel: </span>Platsen har redan en innehavare" "$TMP/page.html"
t=$(body sekreterare GET '/api/bodies/3?on=2026-12-01' | json '[s["holder"]["term_id"] for s in d["seats"] if s["id"]==4][0]')
code=$(post sekreterare "/styrning/mandat/$t/avsluta" organ=3 "sista-$t=2026-12-31" | cut -d' ' -f1)
check "ending a term asks first" "200" "$code"
check_grep "… naming the day" "Avsluta mandatperioden den 31 december 2026?" "$TMP/page.html"
check "… nothing ended until confirmed" "-" "$(body sekreterare GET '/api/bodies/3?on=2026-12-01' | json '[s["holder"].get("to", "-") for s in d["seats"] if s["id"]==4][0]')"
check "confirmed, the term ends" "303 /styrning/organ/3?mandat=avslutat#platser" \
	"$(post sekreterare "/styrning/mandat/$t/avsluta" organ=3 "sista-$t=2026-12-31" bekraftad=1)"
check "… on that day" "2026-12-31 vakant" \
	"$(body sekreterare GET '/api/bodies/3?on=2026-12-01' | json '[s["holder"]["to"] for s in d["seats"] if s["id"]==4][0]') $(body sekreterare GET '/api/bodies/3?on=2027-01-01' | json '["vakant" if s["vacant"] else "x" for s in d["seats"] if s["id"]==4][0]')"
check "the member reads the seats but is offered no change" "200 0" \
	"$(page ledamot /styrning/organ/3) $(grep -c 'Tillsätt platsen\|Avsluta mandatperioden' "$TMP/page.html")"

# --- Follow-up actions: overdue ones marked, closing asks first and says so, closed ones listed ---
check "the governance page" "200" "$(page sekreterare /styrning)"
check_grep "an open action due in 2024 is marked overdue" "<td data-label=\"Senast\">[0-9]* [a-z]* 2024 <strong class=\"warn\">försenad</strong></td>" "$TMP/page.html"
check "… as the API says" "True" "$(body sekreterare GET '/api/actions?open=1' | json 'str(any(a["overdue"] for a in d["actions"] if a.get("due_on","9")[:4]=="2024"))')"
act=$(body sekreterare GET '/api/actions?open=1' | json 'd["actions"][0]["id"]')
desc=$(body sekreterare GET '/api/actions?open=1' | json 'd["actions"][0]["description"]')
check "marking an action done asks first" "200" "$(post sekreterare "/styrning/atgarder/$act/klar" | cut -d' ' -f1)"
check_grep "… naming it" "Markera åtgärden som klar?" "$TMP/page.html"
check "… and closes nothing until confirmed" "True" "$(body sekreterare GET '/api/actions?open=1' | json "str(any(a['id']==$act for a in d['actions']))")"
check "confirmed, it is closed" "303 /styrning?klar=$act#atgarder" "$(post sekreterare "/styrning/atgarder/$act/klar" bekraftad=1)"
page sekreterare "/styrning?klar=$act" >/dev/null
check_grep "… and the page says so" "Åtgärden är markerad som klar:</strong> $desc" "$TMP/page.html"
check_grep "… listing it under the closed actions" "<h2>Klara åtgärder</h2>" "$TMP/page.html"
check_grep "… done today" "<td data-label=\"Klar\">23 november 2026</td><td data-label=\"Ansvarig\">[^<]*</td><td data-label=\"Åtgärd\">$desc</td>" "$TMP/page.html"

# --- A forum meeting with too short notice is created with a warning ---
out=$(req sekreterare POST /api/bodies/8/meetings '{"starts_at":"2026-12-14T13:00","form":"digital","notice_sent_on":"2026-12-09"}')
check "a forum meeting with notice 5 days ahead is created, with a warning" "201 notice_too_late" \
	"$(echo "$out" | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, ",".join(json.loads(b).get("warnings",[])))')"
fm=$(echo "${out#* }" | json 'd["id"]')
check "… which its page shows" "200" "$(page sekreterare "/styrning/moten/$fm")"
check_grep "… in Swedish" "Kallelsen gick ut 5 dagar före mötet; kallelsen med dagordning ska gå ut minst 14 dagar före\." "$TMP/page.html"
check "a forum meeting with notice in time has no warning" "201 -" \
	"$(req sekreterare POST /api/bodies/8/meetings '{"starts_at":"2026-12-15T13:00","form":"digital","notice_sent_on":"2026-11-30"}' | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, ",".join(json.loads(b).get("warnings",[])) or "-")')"

# --- Refusals of the secretary's forms in Swedish, naming no API field ---
code=$(post sekreterare /styrning/moten/7/punkter nummer="3 a" typ=decision rubrik=X | cut -d' ' -f1)
check "an item number with a space is refused on the page" "400" "$code"
check_grep "… in Swedish" "Numret ska vara ett tal med högst en bokstav efter, till exempel 3 eller 3a\." "$TMP/page.html"
check "… naming no API field" "0" "$(text | grep -c 'number ska\|given_at\|outcome ska\|items ska')"
check "an unknown outcome is refused in Swedish" "Utfallet ska vara beslutat, återremitterat, avfört, bordlagt, noterat eller förslag till rådet." \
	"$(req3 POST /api/agenda-items/26/outcome '{"outcome":"klar"}' | cut -d' ' -f2- | json 'd["detail"]')"

# --- A change-log decision is entered once it has been taken ---
check "a decision date in the future is refused" "422 decided_in_future decided_on" \
	"$(req sekreterare POST /api/change-log '{"decided_on":"2026-12-10","body":"Ledningsrådet för hjälpmedel","heading":"Specifikation B 3:1"}' | st_code)"
code=$(post sekreterare /styrning/andringslogg beslutad=2026-12-10 organ="Ledningsrådet för hjälpmedel" rubrik="Specifikation B 3:1" | cut -d' ' -f1)
check "… also on the page" "422" "$code"
check_grep "… next to the date, in Swedish" "<p class=\"field-error\" id=\"beslutad-fel\"><span class=\"sr\">Fel: </span>Beslutsdatum 2026-12-10 ligger i framtiden; ett beslut förs in i ändringsloggen när det har fattats (i dag är det 2026-11-23)\." "$TMP/page.html"
check "the form offers the rule changed by its Swedish name, not its key" "yes 0" \
	"$(grep -q '<option value="lead_time_working_days">Leveranstid, arbetsdagar efter mottagningsdagen</option>' "$TMP/page.html" && echo yes) $(text | grep -c 'lead_time_working_days')"
check "the texts are written in boxes of several lines" "2" \
	"$(grep -c '<textarea id="\(ursprunglig\|ny\)" name="\(ursprunglig\|ny\)" rows="5"' "$TMP/page.html")"
code=$(post sekreterare /styrning/andringslogg beslutad=2024-10-24 organ="Ledningsrådet för hjälpmedel" rubrik="Specifikation B 3:1" parameter=lead_time_working_days varde=3)
check "a rule change that cites no decision is refused next to the rule, in Swedish" "422 yes 0" \
	"$(echo $code) $(grep -q 'id="parameter-fel"><span class="sr">Fel: </span>En ändring av en regel ska hänvisa till beslutspunkten' "$TMP/page.html" && echo yes) $(text | grep -c 'item_id')"
check "a decided item of the council links to the change-log form" "200 1" \
	"$(page sekreterare /styrning/moten/1) $(grep -c 'href="/styrning/andringslogg?mote=1&amp;arende=4#for-in"' "$TMP/page.html")"
check "… which the item's meeting, body and title fill" "200 yes yes yes" \
	"$(page sekreterare '/styrning/andringslogg?mote=1&arende=4') $(grep -q 'id="beslutad" name="beslutad" type="date" value="2024-10-24"' "$TMP/page.html" && echo yes) $(grep -q 'id="organ" name="organ" type="text" value="Ledningsrådet för hjälpmedel"' "$TMP/page.html" && echo yes) $(grep -q 'name="arende" value="4"' "$TMP/page.html" && echo yes)"
code=$(post sekreterare /styrning/andringslogg mote=1 arende=4 beslutad=2024-10-24 galler=2027-03-01 organ="Ledningsrådet för hjälpmedel" rubrik="Specifikation B 3:1" beslutsavsnitt=B3:1 parameter=lead_time_working_days varde=3 "ny=Samtliga beställningar ska levereras inom 3 arbetsdagar.
Beställningsdagen är dag 0.")
check "a decision changing the lead time, chosen by name, is entered from its item" "303 /styrning/andringslogg" "$code"
check "… and is the rule from its day on" "3" \
	"$(req sekreterare GET '/api/rules?on=2027-03-02' | cut -d' ' -f2- | json '[p["value"] for s in d["sections"] for p in s["parameters"] if p["key"]=="lead_time_working_days"][0]')"
done_testing
