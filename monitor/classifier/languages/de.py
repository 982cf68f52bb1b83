"""German → the canonical English of the lexicons (see monitor/classifier/languages/__init__.py).

Patterns are regular expressions over lower-case text, matched on whole words. Inflected forms share
one entry (`verkauf(?:en|t|e|te|ten)`). Keep an entry's English to words the English lexicon reads.
"""

# Negation words that may come after the verb they deny ("wir verkaufen Ihre Daten nicht").
LATE_NEGATIONS = r"nicht|kein\w*|nie|niemals|nicht mehr"
NEGATIONS = LATE_NEGATIONS
# German ends a purpose clause on its verb ("um unsere Modelle zu trainieren"): moved up to "um".
VERB_FINAL = True

PHRASES: dict[str, str] = {
    # --- function words ---------------------------------------------------------------------
    "wir": "we", "uns": "ourselves",  # not "us": the lexicon reads that as the country
    "unser\\w*": "our", "sie": "you", "ihnen": "you", "ihr\\w*": "your",
    "der|die|das|den|dem|des": "the", "ein|eine|einen|einem|einer|eines": "a",
    "und": "and", "oder": "or", "sowie": "and", "für": "for", "von|vom": "of", "zu": "to", "zur|zum": "for the",
    "an": "to", "mit": "with", "bei|beim": "with", "aus": "from", "nach": "after", "ab": "from", "über": "about",
    "nur": "only", "ausschließlich": "only", "auch": "also", "alle|allen|aller": "all",
    "dies\\w*": "this", "wenn|falls|sofern|soweit": "if", "aber|jedoch|allerdings|sondern": "but",
    "außer": "except", "es sei denn": "unless", "dass": "that", "um": "in order to", "innerhalb von|binnen": "within",
    "bis zu": "up to", "wie z\\. ?b\\.|z\\. ?b\\.|beispielsweise|zum beispiel": "such as", "wie etwa": "such as",
    "einschließlich|inklusive": "including", "ist|sind": "is", "wird|werden|wurde|wurden": "will",
    "können|kann": "can", "dürfen|darf": "may", "haben|hat": "have", "jederzeit": "at any time",
    "nicht": "not", "kein\\w*": "not", "nie|niemals": "never", "nicht mehr": "no longer",
    "ohne": "without", "andere|anderen|anderer": "other",
    # --- selling, sharing ---------------------------------------------------------------------
    "verkauf(?:en|t|e|te|ten)|zu verkaufen|weiterverkauf(?:en|t)": "sell", "verkauf|weiterverkauf": "sale",
    "vermiet(?:en|et|e)": "rent", "gegen (?:bezahlung|entgelt|vergütung|eine gebühr|geld)": "in exchange for payment", "datenhändler\\w*": "data brokers",
    "teil(?:en|t|e)|geteilt|weiterzugeben|weitergeben|weitergegeben"
    "|(?:geben|gibt)(?= [^.;,:!?]{0,120}\\bweiter\\b)": "share",
    "weitergabe": "sharing",
    # separable verbs: the particle closes the clause ("wir geben sie weiter", "wir bewahren sie auf")
    "(?:weiter|auf|preis|heraus)(?=\\s*(?:[.;:!?,]|$))": "",
    "(?:geben|gibt)(?= [^.;,:!?]{0,120}\\b(?:preis|heraus)\\b)": "disclose",
    "(?:bewahren|bewahrt)(?= [^.;,:!?]{0,120}\\bauf\\b)": "retain",
    "(?:zeichnen|zeichnet)(?= [^.;:!?]{0,160}\\bauf\\b)": "record", "aufzeichn(?:en|et)|aufgezeichnet": "record",
    "mausbewegung\\w*": "mouse movements", "tastatureingabe\\w*|tastenanschläge?": "keystrokes", "klicks": "clicks",
    "unternehmensgruppe|konzern|firmengruppe": "corporate group", "innerhalb": "within",
    "marketingzweck\\w*": "marketing purposes", "werbezweck\\w*": "advertising purposes",
    "offenleg(?:en|t)|offengelegt|offenzulegen": "disclose", "offenlegung": "disclosure",
    "übermitt(?:eln|elt|elten)|übertragen|übertragung|übermittlung": "transfer",
    "zugang zu|zugriff auf": "access to", "zur verfügung stellen|zur verfügung gestellt|bereitstellen": "make available to",
    "(?:stellen|stellt)(?= [^.;,:!?]{0,120}\\bzur verfügung\\b)": "make available to",
    "zur verfügung(?=\\s*(?:[.;:!?,]|$))": "", "ausdrücklich\\w*": "expressly",
    "erhalten|erhält": "receive",
    "dritte|dritten|dritter|drittanbieter\\w*": "third parties",
    "auftragsverarbeiter\\w*": "processors", "dienstleister\\w*|dienstleistern": "service providers",
    "werbepartner\\w*|werbenetzwerk\\w*": "advertising partners", "werbetreibende\\w*": "advertisers",
    "analysepartner\\w*|analysedienst\\w*": "analytics providers",
    "verbundene\\w* unternehmen|konzerngesellschaft\\w*|tochtergesellschaft\\w*|konzernunternehmen": "affiliates",
    "strafverfolgungsbehörde\\w*|polizei": "law enforcement", "behörde\\w*": "public authorities",
    "gerichtliche\\w* anordnung\\w*": "court orders", "forscher\\w*|forschungseinrichtung\\w*": "researchers",
    "zahlungsdienstleister\\w*|zahlungsanbieter\\w*": "payment providers", "versicherer|versicherung\\w*": "insurers",
    "arbeitgeber\\w*": "employers", "ki-anbieter\\w*|anbieter\\w* von ki-modellen": "ai providers",
    "partner\\w*": "partners",
    # compounds name their kind last: "Marketingpartner", "Cloud-Anbieter", "IT-Dienstleister"
    "\\w+-?partner(?:n|s)?": "partners", "\\w+-?anbieter(?:n|s)?|\\w+-?dienstleister(?:n|s)?": "service providers", "unternehmen": "companies", "käufer\\w*|fusion|übernahme": "acquisition",
    # --- collecting, using, keeping -------------------------------------------------------------
    "erheb(?:en|t)|erhoben|erfass(?:en|t)|samm(?:eln|elt)|gesammelt": "collect",
    "speicher(?:n|t)|gespeichert": "store", "aufbewahr(?:en|t)|aufbewahrt|aufzubewahren": "retain",
    "aufbewahrung|speicherdauer|aufbewahrungsfrist\\w*": "retention",
    "lösch(?:en|t)|gelöscht|löschung": "delete", "anonymisier\\w*": "anonymize",
    "verwend(?:en|et)|nutz(?:en|t)|genutzt|verarbeit(?:en|et)": "use", "verarbeitung": "processing",
    "zweck\\w*": "purposes", "rechtsgrundlage\\w*": "legal basis", "berechtigte\\w* interesse\\w*": "legitimate interests",
    "personenbezogene\\w* daten|persönliche\\w* daten": "personal data", "daten|informationen": "data",
    # compounds name their kind last: "Nutzungsdaten", "Kontodaten" are data ("Kandidaten" are candidates)
    "(?!kandidat|soldat)\\w{3,}daten": "data",
    "e-mail-adresse\\w*|e-mail adresse\\w*|emailadresse\\w*": "email address", "e-mail": "email",
    "telefonnummer\\w*|handynummer\\w*": "phone number", "name|namen|vor- und nachname\\w*": "name",
    "genaue\\w* standort\\w*|präzise\\w* standort\\w*|gps-daten": "precise location",
    "standort\\w*": "location", "geburtsdatum|geburtstag": "date of birth", "alter": "age", "geschlecht": "gender",
    "ip-adresse\\w*": "ip address", "geräte-ids?|gerätekennung\\w*|geräteinformation\\w*|werbe-ids?": "device identifiers",
    "kontakte|adressbuch|adressbücher": "contacts", "kontaktdaten|kontaktangaben": "contact information",
    "zahlungsinformation\\w*|zahlungsdaten|kreditkart\\w*|bankverbindung\\w*": "payment information",
    "gesundheitsdaten|gesundheit\\w*": "health", "biometrische\\w* daten|gesichtserkennung": "biometric data",
    "nachrichteninhalte|inhalte? (?:ihrer |der )?nachrichten|private nachrichten": "message content",
    "fotos|bilder|videos": "photos", "sprachaufnahmen|audio\\w*": "audio",
    "browserverlauf|surfverhalten": "browsing history", "suchverlauf|suchanfragen": "search history",
    "kaufhistorie|kaufverlauf|einkäufe": "purchase history", "protokolldaten|logdaten|protokolle": "log data",
    "besondere\\w* kategorien": "special categories", "sensible\\w* daten": "sensitive data",
    "ausweisdokument\\w*|personalausweis\\w*|reisepass\\w*": "id documents",
    # --- advertising, tracking, purposes ----------------------------------------------------------
    "personalisierte\\w* werbung|interessenbezogene\\w* werbung|zielgerichtete\\w* werbung": "personalized ads",
    "werbung|werbezweck\\w*|werbe\\w*": "advertising", "verfolg(?:en|t)|nachverfolg\\w*": "track",
    "ähnliche\\w* technologien": "similar technologies", "cookie\\w*": "cookies", "pixel": "pixels",
    "ki-modell\\w*|ki modell\\w*|künstliche\\w* intelligenz|ki": "ai models", "trainier(?:en|t)|training": "train",
    "maschinelle\\w* lernen": "machine learning", "forschung\\w*": "research", "profilbildung|profiling": "profiling",
    "altersverifikation|altersüberprüfung|altersprüfung": "age verification",
    # --- retention periods, ages ---------------------------------------------------------------------
    "stunde|stunden": "hours", "tag|tage|tagen": "days", "woche|wochen": "weeks", "monat|monate|monaten": "months",
    "jahr|jahre|jahren": "years", "unbegrenzt|unbefristet|dauerhaft|auf unbestimmte zeit": "indefinitely",
    "zwei": "two", "drei": "three", "vier": "four", "fünf": "five", "sechs": "six", "sieben": "seven",
    "acht": "eight", "neun": "nine", "zehn": "ten", "zwölf": "twelve", "dreizehn": "thirteen",
    "sechzehn": "sixteen", "achtzehn": "eighteen", "dreißig": "thirty", "neunzig": "ninety",
    "unter": "under", "mindestens": "at least", "ab(?= \\d{1,2} jahr)": "aged at least", "älter als": "older than", "jünger als": "younger than",
    "jahre alt|jahren alt": "years old", "kinder\\w*|kind": "children", "minderjährige\\w*": "minors",
    "jugendliche\\w*": "teens", "eltern\\w*|erziehungsberechtigte\\w*": "parents",
    # --- transfers ------------------------------------------------------------------------------------
    "drittländer\\w*|drittland|drittstaat\\w*": "third countries", "außerhalb": "outside",
    "ewr|europäische\\w* wirtschaftsraum\\w*": "eea", "eu|europäische\\w* union": "european union",
    "vereinigte\\w* staaten|usa": "united states", "vereinigte\\w* königreich\\w*|großbritannien": "united kingdom",
    "schweiz": "switzerland", "kanada": "canada", "indien": "india", "irland": "ireland",
    "brasilien": "brazil", "singapur": "singapore", "russland": "russia", "australien": "australia",
    "standardvertragsklauseln|standarddatenschutzklauseln": "standard contractual clauses",
    "angemessenheitsbeschluss\\w*": "adequacy decision",
    "verbindliche\\w* interne\\w* datenschutzvorschriften": "binding corporate rules",
    # --- rights, choices --------------------------------------------------------------------------------
    "recht auf auskunft|auskunftsrecht": "right of access", "recht auf löschung": "right to erasure",
    "recht auf berichtigung|berichtigung": "correction", "datenübertragbarkeit": "data portability",
    "widerspruchsrecht|recht auf widerspruch": "right to object", "widersprechen": "object to",
    "einschränkung der verarbeitung": "restrict processing", "widerruf(?:en)?|widerrufe": "withdraw consent",
    "beschwerde\\w*": "complaint", "aufsichtsbehörde\\w*|datenschutzbehörde\\w*": "supervisory authority",
    "abmelden|abbestellen|abmeldung": "unsubscribe", "einstellungen": "settings",
    "datenschutzeinstellungen|privatsphäre-einstellungen": "privacy settings", "recht\\w*": "rights",
    "sie haben das recht": "you have the right", "einwilligung|zustimmung": "consent",
    "eingewilligt|zugestimmt": "consented",
    # --- changes to the policy, contact ---------------------------------------------------------------
    "datenschutzerklärung\\w*|datenschutzrichtlinie\\w*|datenschutzhinweise\\w*|datenschutzrichtlinien": "privacy policy",
    "änderung\\w*|änder(?:n|t)|aktualisier(?:en|t|ung)": "changes to",
    "wesentliche\\w* änderungen": "material changes", "per e-mail|via e-mail|durch e-mail": "by email",
    "benachrichtig\\w*|informier(?:en|t)|in kenntnis setzen": "notify you",
    "vorab|im voraus|vorherige\\w* ankündigung|vorankündigung": "advance notice",
    "ohne weitere\\w* ankündigung|ohne vorherige\\w* benachrichtigung": "without further notice",
    "in der app|im dienst|auf unserer website": "in the app", "veröffentlich(?:en|t)": "post",
    "kontakt|kontaktieren sie uns|sie erreichen uns": "contact us",
    "datenschutzbeauftragte\\w*": "data protection officer", "verantwortliche\\w*": "controller",
    "sicherheit|schutzmaßnahmen": "security", "verschlüssel\\w*": "encryption",
}
