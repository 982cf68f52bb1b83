"""French → the canonical English of the lexicons (see monitor/classifier/languages/__init__.py).

Patterns are regular expressions over lower-case text, matched on whole words. "ne … pas" is read as
one negation: "ne"/"n'" becomes "not" in front of the verb, "pas" is dropped.
"""

# French negates before the verb ("nous ne vendons pas"): nothing to move.
LATE_NEGATIONS = ""
NEGATIONS = r"ne|n'|jamais|aucun\w*|plus"

PHRASES: dict[str, str] = {
    # --- function words ---------------------------------------------------------------------
    "nous": "we", "notre|nos": "our", "vous": "you", "votre|vos": "your", "ils|elles": "they",
    "le|la|les|l'": "the", "un|une": "a", "des|du|de|d'": "of", "et": "and", "ou": "or",
    "pour|afin de": "for", "à|au|aux": "to", "avec": "with", "auprès de|auprès des": "with", "chez": "with",
    "dans|en": "in", "sur": "on", "par": "by", "après": "after", "seulement|uniquement|exclusivement": "only",
    "aussi|également": "also", "tous|toutes|tout|toute": "all", "ce|cet|cette|ces": "this",
    "si|lorsque|quand|lorsqu'": "if", "mais|toutefois|cependant": "but", "sauf": "except",
    "à moins que": "unless", "que|qu'": "that", "dans un délai de": "within", "jusqu'à": "up to",
    "par exemple|tels? que|telles? que|comme": "such as", "y compris|notamment": "including",
    "est|sont": "is", "peut|peuvent|pouvons|pourrons|pourrions": "may", "avez|avons|a|ont": "have",
    "à tout moment": "at any time",
    "ne|n'": "not", "pas": "", "jamais": "never", "aucun\\w*": "no", "ne plus|n'\\w+ plus": "no longer",
    "sans": "without", "autres?": "other",
    # --- selling, sharing ---------------------------------------------------------------------
    "vend(?:re|ons|ent|u|us|ue|ues|ra|rons)": "sell", "vente|revente": "sale", "lou(?:er|ons)": "rent",
    "courtiers? en données|revendeurs? de données": "data brokers",
    "contre (?:rémunération|paiement|de l'argent|une contrepartie)|à titre onéreux": "in exchange for payment",
    # céder des données: hand them over to another company
    "c[éè]d(?:er|ons|ent|e|é|ée|és|ées|era|eront)|cession": "disclose",
    "partag(?:er|eons|e|é|ée|és|ées|eront)|partage": "share",
    "transm(?:ettre|ettons|ettent|et|ettrons|is|ise|ises)|transmission": "share",
    "fourn(?:ir|issons|issent|it|ies|is)": "provide",
    "communiqu(?:er|ons|é|ée|ées|és)|divulgu(?:er|ons|é|ées)": "disclose", "communication|divulgation": "disclosure",
    "transf[eé]r(?:er|ons|é|ée|ées|és)|transfert|transferts": "transfer",
    "accès à": "access to", "mettre à (?:la )?disposition de|mises? à (?:la )?disposition de": "make available to",
    "recev(?:oir|ons)|reçoivent|reçoit": "receive",
    "tiers|tierces parties|parties tierces": "third parties", "sous-traitants?": "processors",
    "prestataires?(?: de services)?|fournisseurs? de services": "service providers",
    "partenaires? publicitaires?|régies? publicitaires?|réseaux? publicitaires?": "advertising partners",
    "annonceurs?": "advertisers", "partenaires? d'analyse|fournisseurs? d'analyse": "analytics providers",
    "sociétés? affiliées?|filiales?|sociétés? du groupe|entités? du groupe": "affiliates",
    "forces de l'ordre|police": "law enforcement", "autorités? publiques?|autorités?": "public authorities",
    "décisions? de justice|ordonnances? judiciaires?": "court orders", "chercheurs?": "researchers",
    "prestataires? de paiement|processeurs? de paiement": "payment providers", "assureurs?": "insurers",
    "employeurs?": "employers", "fournisseurs? de modèles d'ia|fournisseurs? d'ia": "ai providers",
    "partenaires?": "partners", "sociétés|entreprises": "companies", "fusion|acquisition|rachat": "acquisition",
    # --- collecting, using, keeping -------------------------------------------------------------
    "collect(?:er|ons|e|é|ée|ées|és)|recueill\\w*|rassembl\\w*": "collect",
    "stock(?:er|ons|é|ée|ées|és)|enregistr(?:er|ons|é|ée|ées|és)": "store",
    "conserv(?:er|ons|e|ent|é|ée|ées|és)|gard(?:er|ons)": "retain", "conservation|durée de conservation": "retention",
    "supprim(?:er|ons|é|ée|ées|és)|effac(?:er|ons|é|ée|ées)|suppression": "delete", "anonymis\\w*": "anonymize",
    "utilis(?:er|ons|é|ée|ées|és)|exploit(?:er|ons)|trait(?:er|ons|é|ée|ées|és)": "use",
    "traitement|traitements": "processing", "finalités?|fins": "purposes", "base légale|bases légales": "legal basis",
    "intérêts? légitimes?": "legitimate interests",
    "données (?:à caractère )?personnelles|données personnelles": "personal data", "données|informations": "data",
    "adresses? e-?mail|adresses? (?:de )?courriel|adresses? électroniques?": "email address",
    "e-?mail|courriel": "email", "numéros? de téléphone": "phone number", "noms?|nom et prénom": "name",
    "localisation précise|géolocalisation|position gps": "precise location", "localisation|position": "location",
    "date de naissance": "date of birth", "âge": "age", "genre|sexe": "gender", "adresses? ip": "ip address",
    "identifiants? (?:de l'|d')appareils?|identifiants? publicitaires?|informations sur (?:l'|votre )appareil":
        "device identifiers",
    "contacts|carnet d'adresses": "contacts", "coordonnées": "contact information",
    "informations de paiement|données de paiement|cartes? bancaires?|cartes? de crédit": "payment information",
    "santé|données de santé|médical\\w*": "health", "données biométriques|reconnaissance faciale": "biometric data",
    "contenu (?:de vos |des )?messages|messages privés": "message content", "photos|images|vidéos": "photos",
    "enregistrements vocaux|audio": "audio", "historique de navigation": "browsing history",
    "historique de recherche|recherches": "search history", "historique d'achats?|achats": "purchase history",
    "données de journalisation|journaux|fichiers journaux": "log data", "catégories particulières": "special categories",
    "données sensibles": "sensitive data", "pièces? d'identité|passeports?": "id documents",
    # --- advertising, tracking, purposes ----------------------------------------------------------
    "publicités? (?:personnalisées?|ciblées?)|publicité comportementale": "personalized ads",
    "publicités?|publicitaires?|fins publicitaires": "advertising", "suiv(?:re|ons)|pister|traçage": "track",
    "technologies similaires": "similar technologies", "cookies?|traceurs?": "cookies", "pixels?": "pixels",
    "modèles? d'ia|modèles? d'intelligence artificielle|intelligence artificielle|ia": "ai models",
    "entraîn(?:er|ons|ement)": "train", "apprentissage automatique": "machine learning", "recherche": "research",
    "profilage": "profiling", "vérification de l'âge|vérification d'âge": "age verification",
    # --- retention periods, ages ---------------------------------------------------------------------
    "heures?": "hours", "jours?": "days", "semaines?": "weeks", "mois": "months", "ans|années?": "years",
    "indéfiniment|sans limitation de durée|de manière permanente": "indefinitely",
    "deux": "two", "trois": "three", "quatre": "four", "cinq": "five", "six": "six", "sept": "seven",
    "huit": "eight", "neuf": "nine", "dix": "ten", "douze": "twelve", "treize": "thirteen", "seize": "sixteen",
    "dix-huit": "eighteen", "trente": "thirty", "quatre-vingt-dix": "ninety",
    "moins de": "under", "au moins": "at least", "(?:à partir de|dès)(?= \\d{1,2} ans)": "aged at least", "plus de": "over", "âgés? de": "aged",
    "enfants?": "children", "mineurs?": "minors", "adolescents?": "teens",
    "parents?|tuteurs? légaux|représentants? légaux": "parents",
    # --- transfers ------------------------------------------------------------------------------------
    "pays tiers": "third countries", "(?:en )?dehors (?:de l'|du|des|de)|hors (?:de l'|du|de)": "outside the",
    "eee|espace économique européen": "eea", "ue|union européenne": "european union",
    "états-unis|etats-unis": "united states", "royaume-uni": "united kingdom", "suisse": "switzerland",
    "inde": "india", "irlande": "ireland", "brésil": "brazil", "singapour": "singapore", "russie": "russia",
    "australie": "australia", "chine": "china", "japon": "japan",
    "clauses contractuelles types|clauses types": "standard contractual clauses",
    "décisions? d'adéquation": "adequacy decision", "règles d'entreprise contraignantes": "binding corporate rules",
    # --- rights, choices --------------------------------------------------------------------------------
    "droit d'accès": "right of access", "droit à l'effacement|droit à l'oubli": "right to erasure",
    "droit de rectification|rectification": "correction", "effacement": "erasure",
    "accéder à|accéder": "access", "rectifi(?:er|ons|é|ée|ées|és)": "correct",
    "mouvements? de (?:la )?souris": "mouse movements", "frappes?(?: au clavier| de touches)?": "keystrokes",
    "enregistr(?:er|ons|ent|é|ée|és|ées)": "record", "portabilité": "data portability",
    "droit d'opposition": "right to object", "vous opposer à|s'opposer à|opposer": "object to",
    "limitation du traitement": "restrict processing",
    "retirer votre consentement|retrait du consentement|retirer": "withdraw consent",
    "réclamation|plainte": "complaint", "autorité de contrôle|cnil": "supervisory authority",
    "vous désinscrire|désinscription|désabonner": "unsubscribe", "paramètres": "settings",
    "paramètres de confidentialité": "privacy settings", "droits?": "rights", "droit à|droit de": "right to",
    "vous avez le droit": "you have the right", "consentement|accord": "consent", "consenti": "consented",
    # --- changes to the policy, contact ---------------------------------------------------------------
    "politique de confidentialité|politique de protection des données|charte de confidentialité": "privacy policy",
    "modifications?|modifi(?:er|ons)|mises? à jour|mettre à jour": "changes to",
    "modifications? importantes|modifications? substantielles": "material changes",
    "par e-?mail|par courriel|par courrier électronique": "by email",
    "informer|informerons|aviser|aviserons|notifier|notifierons|prévenir|préviendrons": "notify you",
    "préavis|à l'avance|préalablement": "advance notice", "sans autre préavis|sans préavis": "without further notice",
    "dans l'application|sur notre site": "in the app", "publi(?:er|ons|ée)": "post",
    "nous contacter|contactez-nous|contact": "contact us", "délégué à la protection des données|dpo":
        "data protection officer", "responsable du traitement": "controller",
    "sécurité": "security", "chiffr\\w*": "encryption",
}
