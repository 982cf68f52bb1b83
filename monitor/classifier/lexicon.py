"""Lexicons and rules the clause classifier reads: the one place a reviewer extends.

Every entry is a regular-expression fragment matched against *normalized* clause text: markdown
stripped, lower case, curly quotes straightened, whitespace collapsed (see `signals.normalize`).
Keys of the term tables are the canonical names quoted in alerts; two spellings of one thing
("birthday", "date of birth") share a key so that rewording one into the other is not a change.

To add a term: put it under the right key (or a new key) and add a case to
tests/cases/classify_cases.toml. Prefer specific terms: a generic word ("partners", "data") that
appears in most clauses turns every rewording into an alert.
"""

from __future__ import annotations

# --- categories --------------------------------------------------------------------------------
# Words in a clause's own text that say which category it touches.
CATEGORY_TERMS: dict[str, str] = {
    "sharing": r"\bshar(?:e|es|ed|ing)\b|\bdisclos\w*|third[- ]part(?:y|ies)|\bpartners?\b|service providers?"
    r"|affiliates?|\bvendors?\b|made available to|make \w+ available to|\breceives?\b",
    "sale": r"\bsell\b|\bsells\b|\bselling\b|\bsold\b|\bsale of\b|(?<=\")sales?(?=\")|\bsales?\b(?= or | of)",
    "tracking_ads": r"\bcookies?\b|\bpixels?\b|\bsdks?\b|web beacons?|\btracking\b|\btrack\b|advertis\w*|\bads?\b"
    r"|retarget\w*|targeting|similar technologies|do not track|cross-(?:site|device|context)",
    "collection": r"\bcollect\w*|\bgather\w*|\bobtain\w*|we receive|information (?:you|we) (?:provide|receive)"
    r"|\bcapture\w*|\binfer(?:s|red|ences?)?\b|information we (?:get|have)",
    "use": r"\bwe (?:may |also |will |can )?(?:use|process)\b|\bpurposes?\b|legal basis|legitimate interests?"
    r"|\b(?:is|are|be) used (?:to|for)\b|improv\w* (?:our |the )?(?:products?|services?)|troubleshoot\w*"
    r"|\btrain\w*|personali[sz]\w*|machine learning|\bai\b|artificial intelligence|\bprofil(?:e|ing)\b",
    "retention": r"\bretain\w*|\bretention\b|\bkeep\b|\bkept\b|\bstorage period|how long|\bdelet\w*|\beras\w*"
    r"|\bpurg\w*|\bstore (?:your|the|this|it)\b|\bdays?\b(?= after| from)",
    "transfer": r"\btransfer\w*|cross-border|international\w*|data privacy framework|privacy shield"
    r"|standard contractual|adequacy|outside (?:of )?(?:the|your) (?:country|eea|european|united)",
    "children": r"\bchild\w*|\bminors?\b|\bteens?\b|teenagers?|under (?:the age of )?1\d\b|parental|\bguardians?\b"
    r"|\bparents?\b|age verification|age of majority|age estimation|age (?:range|information)|proof of age",
    "rights": r"right to|your rights|opt[- ]?out|opt[- ]?in\b|unsubscri(?:b|pt)\w*|withdraw\w*|\bobject\b|\baccess\b"
    r"|\bcorrect\b|rectif\w*|portab\w*|\bappeal\b|global privacy control|preference signal|\bsettings\b"
    r"|\bchoices?\b|data subject|consumer request|\bpreferences\b|delete your account",
    "change_notice": r"(?:changes?|updates?|modif\w*|revis\w*) (?:to )?(?:this|our|the) (?:privacy )?"
    r"(?:policy|notice|statement)|notify you|material changes?",
    "security": r"\bsecur\w*|encrypt\w*|safeguard\w*|\bbreach\w*|unauthori[sz]ed access",
    "scope_contact": r"contact us|data protection officer|\bdpo\b|@[a-z0-9-]+\.|\[at\]|this (?:privacy )?"
    r"(?:policy|notice) (?:applies|covers)|\bcontroller\b|mailing address",
}

# Words in a section heading path. A heading is a strong hint: a clause under "Data retention"
# is about retention even when it only says "for 90 days".
SECTION_TERMS: dict[str, str] = {
    "sharing": r"shar|disclos|third[- ]part|partners|recipients|who (?:we|do we)",
    "sale": r"\bsell|\bsale\b",
    "tracking_ads": r"cookie|advertis|\bads\b|tracking|targeting",
    "collection": r"collect|information (?:we|you)|data we|what (?:information|data)|sources",
    "use": r"\buse\b|\buses\b|purpose|legal bas|how we use|legitimate interest|process",
    "retention": r"retention|retain|\bkeep\b|how long|delet|storage",
    "transfer": r"transfer|international|data privacy framework|privacy shield|outside",
    "children": r"child|minor|teen|\bage\b|parent",
    "rights": r"right|choice|control|opt[- ]?out|access|your data|preferences|delet\w* (?:your|an) account",
    "change_notice": r"changes? to|updates? to|revision",
    "security": r"secur|protect",
    "scope_contact": r"contact|about us|who we are|scope|controller",
}

# --- practice verbs (polarity) ----------------------------------------------------------------
# Verbs whose negation is a promise: "we do not sell", "we will never share". A negation word in
# the few words before the verb (same sentence part) turns the occurrence into a promise.
PRACTICE_VERBS: dict[str, str] = {
    "sale": r"sell|sells|selling|sold|rent|rents|renting|(?:is|are|as) an? (?:registered )?data brokers?",
    "sharing": r"share|shares|sharing|disclose|discloses|disclosing|work with|transfer|provide \w+ to",
    "tracking_ads": r"track|tracks|tracking|show you (?:personali[sz]ed |targeted )?ads|personali[sz]e (?:the )?ads"
    r"|use (?:\w+ ){0,3}?for (?:targeted |personali[sz]ed )?(?:ads|advertising)",
    "collection": r"collect|collects|collecting|gather|gathers|store|stores|scan|scans|read|reads|record|records",
    "use": r"use (?:your|this|such|the|that|these|any) (?:\w+ )?(?:data|information|content|messages)"
    r"|train (?:\w+ ){0,3}?(?:models?|ai)",
    "retention": r"keep|keeps|retain|retains",
}
NEGATION = r"not|never|no longer|don't|doesn't|won't|cannot|can't|nor|neither"
# words that end the reach of a negation inside one sentence
NEGATION_BREAK = r"but|however|except|although|though|unless|whereas|if|when|where|while"

# "only with your consent": a condition that limits a practice; dropping it expands the practice.
CONSENT_LIMITS = (
    r"(?:only|solely) (?:\w+ ){0,5}?(?:with|if|when|where|after|once) (?:\w+ ){0,3}?"
    r"(?:consent|permission|opt(?:ed)?[- ]?in|agree|authori[sz]\w*|direct|instruct\w*)"
    r"|without (?:\w+ ){0,2}?(?:consent|permission|authori[sz]ation)"
    r"|unless,? you (?:\w+ ){0,3}?(?:consent|opt[- ]?in|agree|choose|direct|tell us)\w*"
    r"|with your (?:prior |express |explicit |affirmative )?(?:consent|permission)"
    r"|if you (?:have )?(?:consented|opted in|agreed|give (?:us )?(?:your )?consent)"
    r"|(?:except|other than|save) (?:\w+ ){0,3}?(?:with|where|when|if|as|after) (?:\w+ ){0,4}?(?:consent\w*|permission"
    r"|authori[sz]\w*|opted in|agreed)"
)

# "when required by law", "in response to a valid court order": a disclosure the law compels. Turned
# into one "we believe in good faith is appropriate" (DISCRETION), it is at the company's discretion.
LEGAL_COMPULSION = (
    r"(?:required|compelled|obliged|obligated) (?:to do so )?(?:by|under) (?:\w+ ){0,2}?"
    r"(?:law|laws|court order|legal process|regulations?)"
    r"|(?:legally|lawfully) (?:required|compelled|obliged|obligated)|court orders?|subpoenas?|warrants?"
    r"|to comply with (?:a |an |the |any )?(?:applicable )?(?:law|laws|legal obligations?|legal process)"
)
DISCRETION = (
    r"(?:believe|determine|consider|decide|think) (?:\w+ ){0,5}?(?:appropriate|necessary|reasonabl\w*|warranted|advisable)"
    r"|good faith|(?:at|in) our (?:sole |absolute )?discretion"
)

# --- who data goes to --------------------------------------------------------------------------
# Specific recipients: a new one in a sharing clause is material.
RECIPIENTS: dict[str, str] = {
    "data brokers": r"data[- ]brokers?|information brokers?|data resellers?",
    "advertisers": r"\badvertisers?\b",
    "advertising partners": r"(?:advertising|\bad|marketing) (?:tech(?:nology)? )?(?:partners?|networks?|providers?"
    r"|companies|vendors?|platforms?|exchanges?)|ad[- ]?tech\b|ad serving",
    "measurement partners": r"(?:analytics|measurement) (?:partners?|providers?|services?|companies|vendors?)",
    "affiliates": r"affiliates?\b|affiliated (?:companies|entities)|family of companies|group companies"
    r"|corporate (?:group|family)|subsidiar(?:y|ies)|sister compan",
    # the company that owns the vendor is one recipient, not any affiliate: a spin-off drops it
    "parent company": r"parent (?:company|companies|corporation|entity)|holding company",
    "law enforcement": r"law enforcement|police",
    "government": r"government(?:al)? (?:agencies|authorities|entities|bodies|requests?)|public authorit"
    r"|regulators?\b|\bsubpoenas?\b|court orders?",
    "researchers": r"\bresearchers?\b|academic|research (?:partners?|institutions?|organi[sz]ations?)",
    "AI model providers": r"(?:llm|\bai|model|language model) (?:providers?|partners?|companies|developers|vendors?)"
    r"|ai chatbots?",
    "verification providers": r"(?:age|identity|\bid) verification (?:providers?|partners?|vendors?|services?"
    r"|compan\w+)|verification (?:partners?|providers?|vendors?)|age estimation (?:providers?|vendors?)",
    "payment providers": r"payment (?:processors?|providers?|partners?|service providers?)",
    "insurers": r"\binsurers?\b|insurance companies",
    "employers": r"\bemployers?\b",
    "search engines": r"search engines?",
    "buyers in a corporate deal": r"merger|acquisition|acquirer|bankruptcy|successor entity|sale of (?:all|assets"
    r"|the company|our business)",
    "registrars": r"registrars?\b|registr(?:y|ies)\b",
}
# Generic recipients: only material when a sharing clause had no recipient at all before.
GENERIC_RECIPIENTS = (
    r"third[- ]part(?:y|ies)|\bpartners?\b|service providers?|\bvendors?\b|\bprocessors?\b|contractors?"
    r"|other (?:companies|businesses|organi[sz]ations)|\bothers\b"
)
# Verbs that say data goes to someone; recipient terms count only in such clauses.
SHARING_CONTEXT = (
    r"\bshar(?:e|es|ed|ing)\b|\bdisclos\w*|provid\w* (?:\w+ ){0,6}?to\b|available to|\btransferr?\w* (?:\w+ ){0,4}?to\b"
    r"|\bsell\w*|\bsold\b|access to (?:your|this|the|such)|\breceives?\b|\brefer\w* (?:\w+ ){0,3}?to\b"
    r"|\bsend\w* (?:\w+ ){0,4}?to\b|\bgiv\w* (?:\w+ ){0,3}?(?:to|access)|\bwork with\b|\blicens\w*|accessed by"
)

# --- what data ---------------------------------------------------------------------------------
DATA_TYPES: dict[str, str] = {
    "precise location": r"precise (?:geo)?location|\bgps\b|geolocation|exact location",
    "location": r"\blocation\b|\bcity\b",
    "contacts": r"\bcontacts\b|contact lists?|address ?books?|phone ?books?",
    "contact details": r"contact (?:information|details|info)\b",
    "email address": r"e-?mail address(?:es)?",
    "phone number": r"(?:phone|mobile|telephone) numbers?",
    "name": r"\b(?:your|full|first|last|legal|real) names?\b|\bnames?, ",
    "date of birth": r"date of birth|birth ?dates?|birthdays?|year of birth",
    "age": r"\bage (?:range|information|group|bracket)s?|proof of age|your age\b",
    "gender": r"\bgender\b|\bsex\b",
    "government ID": r"government[- ](?:issued )?(?:id|identification)\w*|\bid documents?|identity documents?|passports?"
    r"|driver'?s licen[cs]es?|copy of (?:your |an )?id\b|\bid (?:card|type)s?",
    "biometrics": r"biometric\w*|face ?prints?|facial (?:recognition|geometry|scans?|features|age estimation|data)"
    r"|\bselfies?\b|voice ?prints?|fingerprints?|face portrait|face scan",
    "health data": r"\bhealth\b|\bmedical\b",
    "financial data": r"financial (?:information|data|details)|payment (?:information|details|card)|credit card"
    r"|card numbers?|bank (?:account|details)|\btax\b",
    "messages": r"direct messages|private messages|\bdms\b|message contents?|contents? of (?:your |the )?(?:[\w-]+ )?"
    r"(?:messages|communications|conversations|chats|calls|e-?mails)|(?:chat|call|conversation) (?:transcripts|recordings|logs)"
    # a call recorded is its contents kept: "we record the call", "calls may be recorded"
    r"|\brecord(?:s|ed|ing)? (?:the |your |our |these |such |all |any )?(?:phone |telephone |support |sales |video )?"
    r"(?:calls?|conversations?|meetings?)\b|\b(?:calls?|conversations?|meetings?) (?:\w+ ){0,4}?(?:may|will|are|is) (?:be )?recorded\b"
    r"|recordings? of (?:\w+ ){0,2}?(?:calls?|conversations?|meetings?)",
    "photos and media": r"\bphotos?\b|\bimages?\b|\bvideos?\b|voice recordings?|\bcamera\b|\bmicrophone\b",
    "device identifiers": r"device (?:identifiers?|ids?|and connection information|information)|advertising (?:identifiers?|ids?)|\bidfa\b|\baaid\b"
    r"|cookie ids?|mac address|\bimei\b|technical identifiers?",
    "IP address": r"\bip address(?:es)?",
    "browsing activity": r"browsing (?:history|activity|behaviou?r)|off-?(?:site|platform) (?:activity|behaviou?r)"
    r"|activity on other (?:websites|sites|apps)|web history|search (?:history|queries|terms)",
    "inferences": r"\binferr?(?:ed|ing|ences?)\b|\binfers?\b",
    "sensitive data": r"sensitive (?:personal )?(?:information|data)|special categor\w+|racial|ethnic origin"
    r"|religio\w+ (?:beliefs|convictions)|political (?:opinions|views)|sexual orientation|trade union",
    "employment data": r"job (?:title|profession)|\bemployer\b|company name|\bprofession\b|\bresumes?\b"
    r"|work history|\bindustry\b",
    "purchase records": r"purchase (?:history|records?|information)|transaction (?:data|history|information)"
    r"|record of (?:the )?purchases|purchases you(?:'ve| have)? made",
    "voice and audio": r"\baudio\b|voice (?:data|commands|input)",
    "public content": r"public (?:content|posts|information|profile)",
    "log data": r"\blog (?:data|files|information)|\blogs\b",
}
# Shorter names of the same data as a DATA_TYPES entry: "your email" and "your email address" name
# one thing, so a clause that swaps one for the other lists no new data. Only forms that name the
# very same data: "location" is not a short form of "precise location" (that change is material).
DATA_SHORT_FORMS: dict[str, str] = {
    "email address": r"e-?mails?\b(?! (?:you|us|them|me)\b)",  # not the verb: "we email you"
    # "phone" alone, not the device's: "mobile" or "phone model" name no number
    "phone number": r"(?:tele)?phone\b(?! (?:calls?|support|models?|type|settings|apps?|book)\b)",
    "name": r"names?\b",
    "date of birth": r"birth\b",
    "age": r"age\b",
    "IP address": r"ips?\b",
}
# Verbs that say data is gathered or held; data-type terms count only in such clauses.
COLLECTION_CONTEXT = (
    r"\bcollect\w*|\bgather\w*|\bobtain\w*|\breceiv\w*|\brecord\w*|\blog\b|\bstor(?:e|es|ed|ing)\b|\binfer\w*"
    r"|\bprovide (?:us|to us)|you provide|\bcaptur\w*|\bscan\w*|\baccess\w*|need to provide|\brequest\w*"
    r"|\bask\w* (?:\w+ )?for\b|\bincludes?\b|\bincluding\b|\bsuch as\b|\buse\b|\bprocess\w*|\bshar\w*|\bdisclos\w*"
)

# --- why (purposes) ----------------------------------------------------------------------------
# canonical purpose: (category, pattern)
PURPOSES: dict[str, tuple[str, str]] = {
    "targeted advertising": ("tracking_ads",
        r"(?:personali[sz]ed|targeted|interest-based|behaviou?ral|relevant|tailored|custom\w*) (?:ads|advertising"
        r"|advertisements)|(?:personali[sz]e|customi[sz]e|tailor|target) (?:\w+ ){0,3}?(?:ads|advertisements"
        r"|advertising)|ads (?:\w+ ){0,3}?based on (?:your|what|how)|ad targeting|targeting criteria"
        r"|custom audiences?|retarget\w*"
        r"|for ads\b|cross-context behaviou?ral"),
    "advertising": ("tracking_ads", r"\bads\b|\badvertis\w+|sponsored (?:content|posts)"),
    "tracking technologies": ("tracking_ads",
        r"\bcookies?\b|\bpixels?\b|similar technologies|tracking technolog\w+|\bsdks?\b|web beacons?"),
    "AI model training": ("use",
        r"(?:train|fine-tune|pre-train|develop)\w* (?:[\w-]+ ){0,6}?(?:models?|\bai\b|artificial intelligence"
        r"|algorithms?)|machine learning|generative ai|\bgen ?ai\b|large language models?|\bllms?\b"),
    "profiling": ("use", r"\bprofiling\b|automated decision|build (?:a )?profiles?"),
    "marketing": ("use", r"\bmarketing\b|\bpromotional\b"),
    "research": ("use", r"\bresearch\b|\bstudies\b"),
    "age verification": ("children",
        r"age (?:verification|estimation|assurance|attestation)|verify (?:your |their )?age|estimate (?:your )?age"
        r"|minimum age"),
    "identity verification": ("collection", r"identity verification|verify (?:your |their )?identity|id verification"),
    "combining across services": ("use",
        r"combin\w* (?:\w+ ){0,4}?(?:information|data)|across (?:\w+ )?(?:accounts|products|services|devices)"),
    "session recording": ("tracking_ads",
        r"session (?:replay|recording)s?|record\w* (?:your |the )?(?:input|keystrokes|mouse movements|clicks|screen)"
        r"|keystroke (?:logging|recording|data)|analytics scripts?"),
    "licensing content": ("sharing", r"\blicens\w+ (?:\w+ ){0,4}?(?:content|data|information)"),
}

# Where ads are shown: a clause about ads that now names a surface beyond the old one's ("on partner
# sites", "on connected TVs") extends the advertising to it.
AD_SURFACES: dict[str, str] = {
    "other sites and apps": r"(?:partner|third[- ]party|other(?: companies'?)?) (?:web ?sites|sites|apps|applications"
    r"|services|platforms)|off (?:our )?(?:platform|site|services)|across the (?:web|internet)",
    "mobile apps": r"mobile apps?|mobile applications?|in-app",
    "connected TV": r"connected tvs?|smart tvs?|\bctv\b|streaming devices?",
    "across devices": r"across (?:\w+ )?devices|cross[- ]device",
}

# --- transfers ---------------------------------------------------------------------------------
MECHANISMS: dict[str, str] = {
    "Privacy Shield": r"privacy shield",
    "Data Privacy Framework": r"data privacy framework|\bdpf\b",
    "standard contractual clauses": r"standard contractual clauses|\bsccs?\b|model (?:contract )?clauses"
    r"|standard data protection clauses",
    "adequacy decision": r"adequacy (?:decisions?|findings?|regulations?)|adequate level of protection",
    "binding corporate rules": r"binding corporate rules|\bbcrs?\b",
}
# Which frameworks a clause names ("EU-U.S.", "Swiss-U.S."): adding one extends the mechanism.
MECHANISM_SCOPES = r"\b(eu|swiss|uk)[- ]u\.?s\.?(?= |$)"
COUNTRIES: dict[str, str] = {
    "United States": r"united states|u\.s\.a?(?= |$)|\busa?\b(?!e)",
    "United Kingdom": r"united kingdom|\buk\b",
    "EEA": r"\beea\b|european economic area",
    "European Union": r"european union|\beu\b(?!-)",
    "Switzerland": r"switzerland",
    "Canada": r"canada", "China": r"china", "India": r"india", "Singapore": r"singapore",
    "Ireland": r"ireland", "Brazil": r"brazil", "Japan": r"japan", "South Korea": r"korea",
    "Israel": r"israel", "Russia": r"russia", "Australia": r"australia", "Mexico": r"mexico",
    "Philippines": r"philippines", "Vietnam": r"vietnam", "Hong Kong": r"hong kong", "Taiwan": r"taiwan",
    "Indonesia": r"indonesia", "Turkey": r"turkey", "United Arab Emirates": r"united arab emirates",
    "Saudi Arabia": r"saudi arabia",
}
# a clause about where data goes: only then is a newly named country a new destination
TRANSFER_CONTEXT = (
    r"\btransferr?\w*|cross-border|(?:stored?|processed|hosted|accessed) (?:\w+ ){0,4}?(?:in|outside)\b"
)

# Verbs that make a clause state a practice ("we share", "is collected", "they receive"). An added
# or removed clause without one (a label, a list of topics, a pointer) carries no practice.
STATEMENT_VERBS = (
    r"\b(?:collect|use|process|share|disclose|sell|rent|receive|store|keep|retain|transfer|analy[sz]e|infer"
    r"|train|show|serve|track|combine|access|provide|obtain|log|record|scan|verify|estimate|gather|send|make"
    r"|allow|enable|rely|delete|erase|contain|include|work|notify|inform|ask|may|will|can)"
    r"(?:s|d|ed|es|ing)?\b|\b(?:is|are|was|were|be|been) (?:\w+ )?\w+ed\b"
)
# A right stated as such ("you can", "right to"); a sentence that only mentions "appeal" grants nothing.
RIGHT_GRANT = (
    r"\byou (?:\w+ )?(?:can|may|will be able|are able|could|are entitled)\b|\byou have (?:the|a) (?:right|choice"
    r"|option|ability)|\bright to\b|\byour rights?\b"
    r"|\bopt[- ]?out\b|\bunsubscrib|\bwithdraw|\bvisit\b|\bgo to\b|\bhead (?:over )?to\b|\busing (?:the|your)\b"
)

# --- rights and choices ------------------------------------------------------------------------
RIGHTS: dict[str, str] = {
    "opt-out": r"opt(?:[- ])?out(?! (?:platform|tool|page|mechanism|portal|link)s?\b)|unsubscrib\w*|turn (?:\w+ )?off"
    r"|\bdisable\b|stop (?:receiving|getting)",
    # a tool that carries the choice to many companies at once: dropping it removes a way to opt out
    "opt-out tool": r"(?:opt(?:[- ])?out|unsubscri(?:be|ption)|choices?) (?:platform|tool|page|mechanism|portal|link)s?\b",
    # "withdraw your consent", "withdraw or decline consent", "revoke any consent you have given"
    "consent withdrawal": r"(?:withdraw|revoke)(?: or \w+)? (?:\w+ ){0,2}?consent"
    r"|(?:consent|permission)\b[^.;]{0,120}?\b(?:withdraw|revoke) (?:it|them|this|that)\b(?! consent)",  # "... consent, you may withdraw it"
    "access": r"right (?:to|of) access|(?:request|obtain|get|download) (?:\w+ ){0,3}?(?:copy|report|access)"
    r"|access (?:to )?(?:\w+ )?(?:personal )?(?:information|data) (?:\w+ )?(?:we|about you)|personal data report",
    "deletion": r"right to (?:\w+ )?(?:delete|deletion|erasure|be forgotten)|(?:request|ask) (?:\w+ ){0,3}?(?:delet"
    r"|eras)\w*|delete your (?:account|data|information|personal|profile|content|posts|messages|history)"
    r"|you (?:can|may|are able to)(?: also| easily| always| at any time)? delete",
    "correction": r"\bcorrect(?:ion)?\b|rectif\w*",
    "portability": r"portab\w+|\bexport\b",
    "objection": r"right to object|\bobject to\b",
    "restriction of processing": r"restrict (?:\w+ )?processing|right to restrict|limit the use",
    "appeal": r"\bappeal\b",
    "complaint to a regulator": r"(?:lodge|file|make) a complaint|supervisory authority|unresolved complaints?"
    r"|independent (?:recourse|dispute resolution)|recourse mechanism",
    # "do not track" the browser setting, not "we do not track your location" (nor "don't track", written out)
    "preference signals": r"global privacy control|\bgpc\b|preference signals?|\bdnt\b|[\"']do not track[\"']"
    r"|do not track(?: \(dnt\))? (?:signals?|requests?|settings?|headers?|preferences?|features?|mechanisms?|options?)"
    r"|(?:respond|responds|honou?r|honou?rs|recogni[sz]e|recogni[sz]es) (?:to )?(?:\w+ )?do not track",
    "do-not-sell link": r"do not sell(?: or share)? my",
    "privacy settings": r"(?:privacy|account|ads?|data|cookie) (?:settings|preferences|controls)|your settings"
    r"|settings page|accounts? cent(?:er|re)|ad preferences",
    "non-discrimination": r"not (?:\w+ )?discriminat\w*",
}

# --- announcing changes ------------------------------------------------------------------------
NOTICE_CONTEXT = (
    r"(?:chang|updat|modif|revis|amend)\w* (?:\w+ ){0,6}?(?:this|our|the) (?:privacy )?(?:policy|notice|statement)"
    r"|material changes?|changes? (?:we make|to it)"
    # "Any change will be posted to this Website": a sentence under the changes heading, naming no policy
    r"|changes? (?:\w+ ){0,2}?(?:will|shall|may|would) be (?:posted|published|announced|notified|communicated)"
    # "offer you the chance to review the updated Privacy Policy"
    r"|(?:the|an|any) (?:updated|revised|amended|modified) (?:version of (?:the |this |our )?)?(?:privacy )?(?:policy|notice|statement)"
)
NOTICE_METHODS: dict[str, str] = {
    "notice by email": r"(?:by|via|through) (?:\w+ )?e-?mail|e-?mail (?:you|notification)"
    r"|e-?mailed(?: to)? (?:you\b|the (?:\w+ ){0,3}?e-?mail address)",
    "in-product notice": r"in-app|in the app|through (?:the|our) services|prominent(?:ly)? (?:notice|post)"
    r"|notification|on our (?:website|services) (?:before|prior)",
    "advance notice": r"(?:prior|advance|advanced) notice|before (?:\w+ ){0,3}?(?:take|takes|become|becomes) "
    r"effective|before (?:they|the changes?) (?:take|takes) effect|\d+ days'? (?:prior |advance )?notice",
    "consent to changes": r"(?:ask for|obtain|seek|get) (?:\w+ )?consent",
    "direct notice": r"notify you|let you know|inform you|tell you|(?:provide|give) (?:\w+ ){0,3}?notice",
}

# changes made with no notice at all: "without notice", "without prior notice", "without telling you".
# Read before the methods, which it would otherwise feed ("prior notice" is an advance-notice method).
NOTICE_WAIVER = (
    r"\bwithout (?:any |further |prior |advance |additional |separate |(?:first )?(?:notifying|informing|telling) you )?"
    r"(?:notice|notification|warning|notifying you|informing you|telling you|letting you know)\b"
    r"|\bwith no (?:prior |advance |further )?notice\b"
    # notice denied in so many words: "we will not contact you about it", "no notice will be given"
    r"|\b(?:will|shall|do|does|would|need) not (?:\w+ ){0,2}?(?:notify|inform|contact|tell|e-?mail|alert|write to"
    r"|reach out to) you\b|\bno (?:\w+ )?(?:notice|notification) will be (?:given|sent|provided)"
)

# --- quantities --------------------------------------------------------------------------------
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "sixty": 60, "ninety": 90, "a": 1, "an": 1,
}
# "30 days", "two (2) years", "12-month"; {numbers} is filled with NUMBER_WORDS
DURATION = r"\b(\d+|{numbers})(?: \(\d+\))?[ -](hour|day|week|month|year)s?\b"
# age thresholds: "under 13", "at least 16 years old", "18+"; values outside 8..21 are ignored
AGE = (
    r"(?:under|over|below|above|younger than|older than|at least|aged|age of|ages of|minimum age (?:of |is )?)"
    r" ?(\d{1,2})\b|\b(\d{1,2})(?: years? (?:of age|old)|\+| or (?:older|over|above|younger|under))"
)
# an age in words, the digits often following in brackets: "under the age of sixteen (16)"; {numbers} is
# filled with NUMBER_WORDS
AGE_WORDS = (r"(?:under|over|below|above|younger than|older than|at least|aged|age of) (?:the age of )?({numbers})\b"
             r"|\b({numbers})(?: \(\d{{1,2}}\))? years? (?:of age|old)")  # "eighteen (18) years old"
UNIT_DAYS = {"hour": 1 / 24, "day": 1, "week": 7, "month": 30, "year": 365}
# retention periods are read only where a clause talks about keeping or deleting
RETENTION_CONTEXT = (
    r"\bretain\w*|\bretention\b|\bkeep\w*|\bkept\b|\bstor(?:e|es|ed|ing|age)\b|\bdelet\w*|\beras\w*|\bpurg\w*"
    r"|\bpreserv\w*|\bhold\b|\barchiv\w*|anonymi[sz]\w*"
)
INDEFINITE = r"indefinite(?:ly)?|permanently|forever|for as long as (?:we|it|they) (?:want|wish|choose)"
CHILD_CONTEXT = (r"\bchild\w*|\bminors?\b|\bteen\w*|\bage\b|\baged\b|years? old|parent\w*|guardian"
                 # "if you are under 16", "users under 13": a person's age, said with no word for children
                 r"|\b(?:you are|you're|users?|people|persons?|individuals|anyone|those|someone) (?:who (?:is|are) )?"
                 r"(?:under|below|younger than|over|older than|at least) \d{1,2}\b")

# --- boilerplate that is never material on its own -----------------------------------------------
# A clause that only gives contact details, dates, pointers to other pages or the document's own
# version history; judged minor when it carries no concrete practice signal.
BOILERPLATE = (
    r"contact (?:us|our)|data protection officer|\bdpo\b|@[a-z0-9-]+\.[a-z]|\[at\]|mailing address|write to us"
    r"|last (?:updated|modified|revised)|effective (?:date|as of|on|from)|previous version|prior version"
    r"|we(?:'ve| have)? (?:updated|changed|revised) (?:our|this)|\bview (?:the|our|your) (?:new|updated|previous|current)"
    r"|preview (?:the|our)|read (?:the|our) (?:new|updated)|learn more|table of contents|click here|related articles"
    r"|(?:this|our) (?:privacy )?(?:policy|notice) (?:explains|describes|applies|covers|sets out)"
)
MONTHS = r"january|february|march|april|may|june|july|august|september|october|november|december"
DATE = rf"\b(?:{MONTHS}) \d{{1,2}},? \d{{4}}|\b\d{{1,2}} (?:{MONTHS}) \d{{4}}|\b\d{{4}}-\d{{2}}-\d{{2}}"

# Capitalized words that are not names of recipients (sentence furniture, legal suffixes, places).
NOT_NAMES = frozenset(
    "a an the we our us you your i if in on at by for of to and or as this that these those it its they their "
    "privacy policy notice statement services service terms information data personal settings account accounts "
    "inc inc. ltd ltd. llc pbc corp corp. gmbh b.v. s.a. plc co. limited company "
    "eu u.s. us uk eea swiss european union united states kingdom america switzerland "
    "monday tuesday wednesday thursday friday saturday sunday "
    "january february march april may june july august september october november december "
    "section article appendix table note example e.g. i.e. etc. learn more help center center centre "
    "california colorado connecticut virginia utah texas oregon montana iowa delaware "
    "gdpr ccpa cpra lgpd pipeda dpf".split()
)
