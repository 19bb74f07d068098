-- Governance of the cooperation agreement (Specification D, GOVERNANCE.md): bodies, parties, seats
-- and the people holding them, meetings with agenda items and attendance, follow-up actions,
-- minutes with their approvals, and the change log that changes the specifications and the rules.

CREATE TABLE parties (
    id   INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,   -- 'VGR', 'VGK'
    name TEXT NOT NULL
) STRICT;

CREATE TABLE bodies (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('political', 'council', 'preparation', 'forum',
                                                     'coordination')),
    parent_id         INTEGER REFERENCES bodies(id),   -- who it reports to / proposes to
    min_meetings      INTEGER,                          -- per calendar year
    max_meetings      INTEGER,
    quorum_num        INTEGER NOT NULL DEFAULT 1,       -- quorate when counted × den ≥ appointed × num
    quorum_den        INTEGER NOT NULL DEFAULT 2 CHECK (quorum_den >= quorum_num AND quorum_num >= 1),
    mandate_limit_ore INTEGER,                          -- a preparation group's limit (50 000 kr)
    chair_alternates  INTEGER NOT NULL DEFAULT 0 CHECK (chair_alternates IN (0, 1)),
    notice_days       INTEGER,                          -- notice with agenda at least this many days ahead
    approval          TEXT NOT NULL DEFAULT 'chair'
                      CHECK (approval IN ('chair', 'chair_and_other_party', 'secretary')),
    active_from       TEXT NOT NULL,
    active_until      TEXT                              -- the LMN council ended 2019-03-12
) STRICT;

CREATE TABLE people (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE seats (
    id       INTEGER PRIMARY KEY,
    body_id  INTEGER NOT NULL REFERENCES bodies(id),
    party_id INTEGER REFERENCES parties(id),
    role     TEXT NOT NULL CHECK (role IN ('chair', 'vice_chair', 'member', 'adjunct', 'secretary',
                                           'supplier', 'invited')),
    title    TEXT NOT NULL DEFAULT '',   -- what the seat represents: "Sjukhus", "Göteborgsregionen"
    position INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX seats_body ON seats (body_id);

-- Who holds a seat when; a seat without a term covering a date is vacant on that date.
CREATE TABLE terms (
    id        INTEGER PRIMARY KEY,
    seat_id   INTEGER NOT NULL REFERENCES seats(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    from_date TEXT NOT NULL,
    to_date   TEXT,
    CHECK (to_date IS NULL OR to_date >= from_date)
) STRICT;
CREATE INDEX terms_seat ON terms (seat_id, from_date);

CREATE TABLE meetings (
    id         INTEGER PRIMARY KEY,
    body_id    INTEGER NOT NULL REFERENCES bodies(id),
    starts_at  TEXT NOT NULL,
    ends_at    TEXT,
    form       TEXT NOT NULL CHECK (form IN ('in_person', 'digital')),
    place      TEXT NOT NULL DEFAULT '',
    notice_sent_on TEXT                    -- when the notice with agenda went out
) STRICT;
CREATE INDEX meetings_body ON meetings (body_id, starts_at);

CREATE TABLE agenda_items (
    id           INTEGER PRIMARY KEY,
    meeting_id   INTEGER NOT NULL REFERENCES meetings(id),
    number       TEXT NOT NULL,            -- "3a"
    position     INTEGER NOT NULL,         -- order on the agenda
    type         TEXT NOT NULL CHECK (type IN ('decision', 'information', 'without_presentation',
                                               'procedural')),
    title        TEXT NOT NULL,
    presenter    TEXT NOT NULL DEFAULT '',
    body_text    TEXT NOT NULL DEFAULT '',
    position_text TEXT NOT NULL DEFAULT '', -- ställningstagande
    follow_up    TEXT NOT NULL DEFAULT '',  -- fortsatt hantering
    cost_ore     INTEGER,                   -- what the matter costs, for the mandate check
    outcome      TEXT CHECK (outcome IN ('decided', 'remitted', 'struck', 'deferred', 'noted',
                                         'proposed')),
    UNIQUE (meeting_id, number)
) STRICT;

-- Who took part in which item, and how: present at the meeting, or in writing before it.
CREATE TABLE participation (
    item_id   INTEGER NOT NULL REFERENCES agenda_items(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    how       TEXT NOT NULL CHECK (how IN ('present', 'written')),
    PRIMARY KEY (item_id, person_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE actions (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES agenda_items(id),
    owner       TEXT NOT NULL,
    description TEXT NOT NULL,
    due_on      TEXT,
    done_on     TEXT
) STRICT;

-- Minutes: generated text, versioned; approved versions are immutable.
CREATE TABLE minutes (
    id          INTEGER PRIMARY KEY,
    meeting_id  INTEGER NOT NULL REFERENCES meetings(id),
    version     INTEGER NOT NULL,
    html        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    approved_at TEXT,
    UNIQUE (meeting_id, version)
) STRICT;
CREATE TABLE minutes_approvals (
    minutes_id  INTEGER NOT NULL REFERENCES minutes(id),
    person_id   INTEGER NOT NULL REFERENCES people(id),
    approved_at TEXT NOT NULL,
    PRIMARY KEY (minutes_id, person_id)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER minutes_immutable BEFORE UPDATE OF html ON minutes
WHEN OLD.approved_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'approved minutes are immutable; write a new version'); END;
CREATE TRIGGER minutes_no_delete BEFORE DELETE ON minutes
WHEN OLD.approved_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'approved minutes are immutable'); END;

-- The change log (ärendelogg). rules holds the structured rule-parameter versions the change
-- introduces, in the rule-file syntax of data/rules/README.md (a section line and one version);
-- the rule engine reads them with the rule files, from their effective date.
CREATE TABLE change_log (
    id            INTEGER PRIMARY KEY,
    decided_on    TEXT NOT NULL,
    body          TEXT NOT NULL,
    heading       TEXT NOT NULL,
    spec_section  TEXT NOT NULL DEFAULT '',  -- e.g. 'B3:3'
    original_text TEXT NOT NULL DEFAULT '',
    new_text      TEXT NOT NULL DEFAULT '',
    effective_on  TEXT NOT NULL,
    rules         TEXT,                      -- NULL: changes no rule the system applies
    item_id       INTEGER REFERENCES agenda_items(id),
    from_files    INTEGER NOT NULL DEFAULT 0 CHECK (from_files IN (0, 1)),
    created_at    TEXT NOT NULL
) STRICT;
CREATE INDEX change_log_section ON change_log (spec_section, effective_on);
CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;
CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;

-- The change log's entries in our sources (seeds/change-log.txt, DOMAIN.md §9). The rule
-- parameters they changed are in data/rules/*.rules (from_files = 1).
INSERT INTO change_log (decided_on, body, heading, spec_section, original_text, new_text, effective_on, from_files, created_at) VALUES ('2019-03-12', 'Beredningsgrupp LMN', 'Samarbete och styrning Specifikation D', 'D', 'Ledningsrådet för läkemedelsnära produkter (LMN)

Ledningsrådet LMN är ett forum för utveckling av förskrivnings- och försörjningsprocesserna och frågor av övergripande karaktär avseende läkemedelsnära produkter. Arbetet ska syfta till en likvärdig grundsyn på hanteringen av läkemedelsnära produkter i Västra Götaland. Med läkemedelsnära produkter avses produkter vid blås- och tarmdysfunktion, diabetesprodukter, stomiprodukter och nutritionsprodukter.

Ledningsrådet LMN består av representanter från Västra Götalandsregionen och Västra Götalands kommuner.

Uppdrag

Ledningsrådet LMN utgör forum för principiella frågor och frågor av övergripande karaktär avseende läkemedelsnära produkter. Arbetet ska syfta till en likvärdig grundsyn på hanteringen av läkemedelsnära produkter i Västra Götaland.

Ytterligare produktområden kan tillkomma efter beslut av hälso- och sjukvårdsdirektören.

Arbetsuppgifter

Ledningsrådet LMN ska

Ansvara för regelverk för förskrivning och hantering av läkemedelsnära produkter

Verka för evidensbaserad förskrivning och jämlik vård i Västra Götaland genom handböcker

Vara uppdragsgivare för Läkemedelsnära produkter (LMN)

Identifiera behov och initiera utbildningsplanering gällande läkemedelsnära produkter

Initiera och följa upp upphandlingar inom området

Initiera utveckling av IT-stöd inom området

Initiera, prioritera och svara för utvecklingsinsatser inom området Bereda frågor för politiska beslut Omvärldsbevaka, följa och bidra till utveckling inom området Utgöra forum för informationsutbyte mellan verksamheterna i kommunerna och Västra Götalandsregionen

Samverka med berörda parter inom sitt ansvarsområde.

Arbetsorganisation Ledningsrådet LMN består av tjänstemän från VGR och VGK

Arbetsformer Ledningsrådet för Läkemedelsnära produkter sammanträder tio gånger per år. Ordförande kan kalla till ytterligare möten vid behov. Alla beslut ska ske i enighet. Om enighet inte kan uppnås i en fråga ska ärendet återremitteras för förnyad beredning eller avföras. Beslut kan fattas när minst hälften av de utsedda representanterna från VGR respektive VGK närvarar eller på annat sätt inför mötet deltagit i avgörandet. Mötesanteckningar ska föras och rekommendationer samt beslut ska dokumenteras.

Beredningsgrupper LMN ansvarar för att hantera och bereda frågor kopplade till samarbetsavtalet.', 'Allmänt

Specifikation D anger hur samarbete och styrning hanteras.

Det politiska samrådsorganet mellan VästKom och Västra Götalandsregionen (SRO)

Det övergripande politiska ansvaret för Hjälpmedelsfrågorna åvilar SRO, som leder och utvecklar samverkan inom bland annat medicintekniska produktområdet i Västra Götaland, på uppdrag av Västra Götalandsregionen och Västra Götalands kommuner.

SRO är ett organ för övergripande politisk samverkan för gemensamma välfärdsfrågor varav medicintekniska produkter är ett område. SRO fastställer uppdragshandling till den politiska beredningen för hjälpmedelsfrågor.

För kommunerna i Västra Götaland ingår ordförande från de fyra kommunalförbunden. Västra Götalandsregionen representeras av ordförande och vice ordförande i Regionstyrelsen samt Hälso- och sjukvårdsstyrelsen

Politisk beredningsgrupp

För samråd och samverkan om försörjningen av medicintekniska produkter finns en politisk beredningsgrupp. Beredningsgruppen, som utgör ett avtalsbundet samråd, arbetar på uppdrag av Västra Götalandsregionen och de 49 kommunerna och rapporterar till det politiska samrådsorganet, SRO.

Ledningsrådet Medicintekniska produkter (MTP). Ledningsrådet MTP är en rådgivande expertfunktion i medicintekniska frågor. Ledningsrådets arbete ska bidra till att det är enkelt och tryggt att vara patient, enkelt att stödja patienten, på ett patientsäkert sätt samt säkerställa en jämlik och hälsoekonomisk användning av medicintekniska produkter i vardagsmiljö för invånarna i Västra Götaland.

Uppdrag Ledningsrådet MTP har på uppdrag av kommunerna i Västra Götaland och Västra Götalandsregionen att säkerställa en organisation och ett arbetssätt som erbjuder expertkompetens, regelverk, sortiment samt försörjning av medicintekniska produkter i vardagsmiljö för invånarna i Västra Götaland

Sammansättning av ledamöter Ledningsrådet för medicintekniska produkter ska bestå av deltagare som representerar både VGR och VGK. Totalt ska det vara 12 deltagare varav 1 ordförande, 1 vice ordförande samt 10 ledamöter.

Ansvar för ordförandeskap samt vice ordförande alternerar vartannat år mellan VGR och VGK.

Beredningsgrupper Område LMN tillsammans med representanter från kommunerna i Västra Götaland och Västra Götalandsregionens förvaltningar ansvarar för att hantera och bereda frågor kopplade till samarbetsavtalet. Beredningsgruppens uppdrag är att bereda frågor inom respektive ansvarsområde och ta fram förslag, rekommendationer och beslutsunderlag till Ledningsrådet. För ytterligare information se länk: Samarbete och styrning', '2019-03-12', 1, '2026-11-23T00:00:00+01:00');
INSERT INTO change_log (decided_on, body, heading, spec_section, original_text, new_text, effective_on, from_files, created_at) VALUES ('2020-01-30', 'Ledningsråd MTP', '3:3 Akut/ Expressleverans Specifikation B', 'B3:3', '3:3 Akutleverans/Expressleverans Akut leverans kan enbart effektueras av lagerlagt upphandlat sortiment. Leveransen innebär att patienter får sina produkter dagen efter att beställning skett och ska även innefatta patienter boende på orter med lantbrevbärlinje. Beställningen ska vara distributören tillhanda före kl. 14:00 vardagar. En akut leverans kan begäras av förskrivare eller patient. Expressleverans kan bara nyttjas för nutritionsområdet. Kan enbart effektueras av lagerlagt upphandlat sortiment. Leveransen innebär att patienter får sina produkter samma dag som beställningstillfället. Beställningen ska vara distributören tillhanda innan kl. 14:00 vardagar. Kan enbart begäras av förskrivare.', '3:3 Akutleverans Akut leverans kan enbart effektueras av begränsat lagerlagt upphandlat sortiment. Leveransen innebär att patienter får sina produkter dagen efter att beställning skett och ska även innefatta patienter boende på orter med lantbrevbärlinje. Beställningen ska vara distributören tillhanda före kl. 14:00 vardagar. En akut leverans kan enbart begäras av förskrivare.', '2020-01-30', 1, '2026-11-23T00:00:00+01:00');
INSERT INTO change_log (decided_on, body, heading, spec_section, original_text, new_text, effective_on, from_files, created_at) VALUES ('2023-06-21', 'Ledningsråd för hjälpmedel', 'Specifikation B Leveransregler', 'B3', '3 Leveransregler. 3:1 Leverans till ordinärt boende Ska ske kl. 08:00 – 19:00 vardagar Samtliga beställningar ska levereras inom 4 arbetsdagar, beställningsdagen är dag 0. Beställningen ska levereras i sin helhet vid samma tillfälle. Delleveranser ska enbart ske vid restsituationer från produktleverantör. Leveransalternativ se 3:7. 3:6 Leveransförseningar Om leveranstiden överskrider 5 dagar ska patienten kontaktas.', '3 Leveransregler. 3:1 Leverans till ordinärt boende Ska ske kl. 08:00 – 19:00 vardagar Samtliga beställningar ska levereras inom 4 arbetsdagar, beställningsdagen är dag 0 (För vissa specialprodukter som ej lagerhålls kan längre leveranstid förekomma). Beställningen ska levereras i sin helhet vid samma tillfälle. Delleveranser ska enbart ske vid restsituationer från produktleverantör. Leveransalternativ se 3:7. 3:6 Leveransförseningar Om leveranstiden överskrider 5 dagar ska patienten kontaktas. (Undantaget specialprodukter som ej lagerhålls enligt 3:1)', '2023-06-21', 1, '2026-11-23T00:00:00+01:00');
INSERT INTO change_log (decided_on, body, heading, spec_section, original_text, new_text, effective_on, from_files, created_at) VALUES ('2023-11-16', 'Ledningsråd för hjälpmedel', 'Specifikation B Kvalitet och uppföljning', 'B6.1', '6. Kvalitet och uppföljning 6.1 Kvalitetsuppföljning Tillgänglighet Andel telefonsamtal till kundtjänst som besvaras inom 3 minuter ska vara 85%', '6. Kvalitet och uppföljning 6.1 Kvalitetsuppföljning Tillgänglighet Andel telefonsamtal till kundtjänst som besvaras inom 5 minuter ska vara 80%', '2023-11-16', 1, '2026-11-23T00:00:00+01:00');
INSERT INTO change_log (decided_on, body, heading, spec_section, original_text, new_text, effective_on, from_files, created_at) VALUES ('2026-01-30', 'Samverkansfunktion (redaktionell ändring)', 'Specifikation A,', 'A', '', 'Finansiering av kundtjänst för och distribution av nutritionsprodukter och förbrukningsartiklar vid blås- och tarmdysfunktion Två tabeller med priser och avgifter har lagts till.', '2026-01-30', 1, '2026-11-23T00:00:00+01:00');
