"""The shipped default triage rules, English and Spanish.

Rules are plain dicts (the same shape a practice stores as JSON). Phrases
and patterns are written against normalised text: lower case, no accents,
no apostrophes ("cant", "dont"), canonical spellings from
normalise.CANONICAL_SPELLINGS ("perscription" is already "prescription").

Priorities (higher wins; see docs/triage.md):
  100  emergency safety net (also sets topic clinical_question)
   50  same-day (urgent) problems
   30  explicit requests ("refill", "reschedule", "lab results", "password")
   25  clinical questions ("is it normal", "can i take", "side effect")
   20  usual topic words ("appointment", "prescription", "insurance")
   15  weaker topic words and office information
   8   symptoms (topic clinical_question when nothing more specific matched)
   5   greetings and thanks

Missing an emergency is far worse than a false alarm, so emergency rules are
broad and a patient's paraphrase should match at least one of them.
"""

from functools import lru_cache

from .rules import RuleSet

# Words that must not appear inside the gap of a proximity pattern: in
# "rash on his arm no fever" the fever is denied, so rash+fever must not match.
_NEGATION = r"no|not|never|nunca|sin|without|dont|doesnt|didnt|isnt|wasnt|denies|ni"
# Also stop at "and"/"or" and clause breaks ("_") where two symptoms in one
# message would otherwise pair up: "sore throat and swollen glands".
SAME_PHRASE = r"and|or|y|o|_"


def gap(words: int, stop: str = "") -> str:
    """Up to `words` words in between, none of them a negation (or a `stop` word)."""
    excluded = f"{_NEGATION}|{stop}" if stop else _NEGATION
    return rf"(?: (?!(?:{excluded}) )\w+){{0,{words}}}"


def near(first: str, second: str, words: int, stop: str = "") -> tuple[str, str]:
    """Patterns for `first` and `second` within `words` words, in either order."""
    between = gap(words, stop)
    return (f"(?:{first}){between} (?:{second})", f"(?:{second}){between} (?:{first})")


def emergency(rule_id, language, description, phrases=(), patterns=()) -> dict:
    return {
        "id": rule_id, "language": language, "description": description,
        "phrases": list(phrases), "patterns": list(patterns),
        "sets_urgency": "emergency", "sets_topic": "clinical_question", "priority": 100,
    }


def urgent(rule_id, language, description, phrases=(), patterns=(), *,
           when_topic=None, sets_topic=None) -> dict:
    rule = {
        "id": rule_id, "language": language, "description": description,
        "phrases": list(phrases), "patterns": list(patterns),
        "sets_urgency": "urgent", "priority": 50,
    }
    if when_topic:
        rule["when_topic"] = when_topic
    if sets_topic:
        rule["sets_topic"] = sets_topic
    return rule


def topic(rule_id, sets_topic, priority, phrases=(), patterns=(), language=None) -> dict:
    # Topic words are not negatable: "I haven't received my results" is
    # still about results.
    return {
        "id": rule_id, "language": language, "sets_topic": sets_topic, "priority": priority,
        "phrases": list(phrases), "patterns": list(patterns), "negatable": False,
    }


# --- emergency safety net ----------------------------------------------------

_CHEST = r"chest|breastbone|sternum|heart"
_CHEST_FEELING = (r"pain\w*|hurt\w*|ach\w*|tight\w*|pressure|press\w*|squeez\w*|crush\w*|"
                  r"heav\w*|burn\w*|stab\w*|sharp|killing|elephant|discomfort")
_PECHO = r"pecho|corazon"
_PECHO_FEELING = (r"duel\w*|dol\w*|apret\w*|apriet\w*|presion|opresion|pesad\w*|ardor|arde|"
                  r"punzada\w*|aplast\w*|molestia\w*")

_BREATHING_TROUBLE = (r"cant|can not|couldnt|unable|hard|harder|trouble|difficult\w*|"
                      r"struggl\w*|barely|hardly|labou?red|short|shortness|gasp\w*|fight\w*")
_BREATH = r"breath\w*|air|oxygen"
_RESPIRAR_TROUBLE = (r"no puedo|no puede|no podia|cuesta|costando|dificult\w*|trabajo|"
                     r"problemas?|falta|faltando|faltaba|batall\w*|ahog\w*|alcanza")
_RESPIRAR = r"respirar|respiro|respira|respiracion|aire"

_FACE_PART = r"face|mouth|lip|lips|smile|eye|eyelid"
_DROOP = r"droop\w*|sag\w*|crooked|lopsided|uneven|numb\w*|fallen"
_LIMB = r"arm|arms|leg|legs|hand|hands|face|side|foot"
_WEAK = r"numb\w*|weak\w*|tingl\w*|paraly\w*|limp|dead|heavy"
_CARA = r"cara|boca|labio|labios|ojo|parpado"
_CAIDA = r"caid[oa]|chuec[oa]|chueque\w*|torcid[oa]|dormid[oa]|adormecid[oa]|entumid[oa]"
_MIEMBRO = r"brazo|brazos|pierna|piernas|mano|manos|lado|cara|pie"
_DEBIL = (r"durmio|dormid[oa]|adormecid[oa]|entumid[oa]|entumi\w*|paralizad[oa]|debil|"
          r"no (?:lo|la|los|las) (?:puedo|puede) mover|no (?:siento|siente)")

_FALL_EN = (r"fell|fall|fallen|falling|hit (?:my|his|her|their) head|head injury|"
            r"bumped (?:my|his|her|their) head|hit (?:his|her|my) head")
_CONFUSED_EN = (r"confused|confusion|disoriented|not making sense|isnt making sense|"
                r"making no sense|doesnt make sense|doesnt know where|dont know where|"
                r"doesnt recognize|not acting right|acting strange|acting weird|drowsy|"
                r"cant remember|slurring")
_FALL_ES = (r"se cayo|me cai|se callo|se cae|caida|golpe en la cabeza|golpeo la cabeza|"
            r"pego en la cabeza|se pego en la cabeza")
_CONFUSED_ES = (r"confundid[oa]|desorientad[oa]|no sabe donde|no reconoce|no me reconoce|"
                r"habla raro|no tiene sentido|dice cosas sin sentido|somnolient[oa]")

_PILLS = (r"pills|meds|medication|medications|medicine|tablets|xanax|tylenol|advil|"
          r"ibuprofen|acetaminophen|aspirin|oxy\w*|percocet|sleeping pills|insulin")
_LOTS_OF = (r"all|too many|too much|a bunch|a lot|a handful|the whole|a whole|an entire|"
            r"the entire|extra|1[5-9]|[2-9][0-9]|[1-9][0-9][0-9]")

_AGE_EN = (
    r"newborn|new born|"
    r"(?:[1-9]|1[0-2]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
    r" (?:day|days|week|weeks) old|"
    r"(?:1|2|one|two) (?:month|months) old|"
    r"(?:baby|infant|son|daughter) is (?:[1-9]|1[0-2]|one|two|three|four|five|six) "
    r"(?:days|weeks)|(?:baby|infant|son|daughter) is (?:1|2|one|two) months?"
)
_AGE_ES = (
    r"recien nacid[oa]|"
    r"(?:[1-9]|[1-2][0-9]|un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez) "
    r"(?:dia|dias|semana|semanas) de (?:nacid[oa]|edad)|"
    r"(?:bebe|bebita|bebito|nina|nino|hij[oa]) de "
    r"(?:[1-9]|1[0-2]|un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez) "
    r"(?:dia|dias|semana|semanas)|"
    r"(?:bebe|bebita|bebito|nina|nino|hij[oa]) de (?:1|2|un|dos) mes(?:es)?|"
    r"(?:bebe|bebita|bebito|nina|nino) tiene "
    r"(?:[1-9]|1[0-2]|un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez) "
    r"(?:dia|dias|semana|semanas)|"
    r"(?:bebe|bebita|bebito|nina|nino) tiene (?:1|2|un|dos) mes(?:es)?|"
    r"de (?:1|2|un|dos) mes(?:es)? de nacid[oa]"
)

EMERGENCY_RULES = [
    emergency(
        "em_chest_pain_en", "en", "Chest pain, pressure or tightness; heart attack.",
        phrases=["heart attack", "elephant on my chest", "elephant sitting on my chest",
                 "pain going down my left arm", "pain down my left arm",
                 "pain in my left arm and jaw"],
        patterns=[*near(_CHEST, _CHEST_FEELING, 5, stop=SAME_PHRASE),
                  r"(?:clutching|grabbing|holding) (?:my|his|her|their) chest",
                  r"(?:sitting|sat|standing|weight) on (?:my|his|her|their) chest"],
    ),
    emergency(
        "em_chest_pain_es", "es", "Dolor, presion u opresion en el pecho; infarto.",
        phrases=["infarto", "ataque al corazon", "ataque cardiaco"],
        patterns=near(_PECHO, _PECHO_FEELING, 5, stop=SAME_PHRASE),
    ),
    emergency(
        "em_breathing_en", "en", "Trouble breathing, choking, blue lips.",
        phrases=["gasping for air", "suffocating", "smothering", "turning blue", "choking",
                 "stopped breathing", "not breathing", "breathing through a straw",
                 "ribs are sucking in", "ribs sucking in", "wheezing badly", "gurgling",
                 "having an asthma attack", "asthma attack right now", "grunting"],
        patterns=[rf"(?:{_BREATHING_TROUBLE}){gap(4)} (?:{_BREATH})",
                  r"(?:cant|unable to|not able to) (?:talk|speak) in (?:full |whole )?sentences",
                  rf"lips{gap(3)} (?:blue|purple|gray|grey)",
                  rf"(?:breathing|breath){gap(3)} (?:hard|difficult|labored|laboured|fast|weird|"
                  r"funny|strange|noisy|shallow)",
                  rf"(?:inhaler|nebulizer|albuterol|rescue){gap(3)} (?:isnt|not|doesnt|wont|"
                  r"didnt|is not) (?:working|helping|help|work)"],
    ),
    emergency(
        "em_breathing_es", "es", "Dificultad para respirar, ahogo, labios morados.",
        phrases=["me ahogo", "se ahoga", "me estoy ahogando", "se esta ahogando",
                 "no me entra el aire", "no le entra el aire", "me asfixio", "se asfixia",
                 "asfixiando", "labios morados", "se esta poniendo morado",
                 "se esta poniendo morada", "ataque de asma", "me siento ahogada",
                 "me siento ahogado", "se siente ahogada", "se siente ahogado",
                 "se le hunden las costillas"],
        patterns=[rf"(?:{_RESPIRAR_TROUBLE}){gap(3)} (?:para )?(?:{_RESPIRAR})",
                  r"no (?:puedo|puede|podia) (?:agarrar|jalar|tomar|meter|sacar) (?:el )?aire",
                  r"no (?:me|le) (?:llega|entra|alcanza) (?:el )?aire",
                  r"respira(?:ndo)? (?:con dificultad|muy rapido|con trabajo)",
                  rf"(?:inhalador|nebulizador|bomba){gap(3)} no (?:le |me )?(?:sirve|funciona|"
                  r"ayuda|hace efecto)"],
    ),
    emergency(
        "em_stroke_en", "en", "Stroke signs: face drooping, slurred speech, one-sided "
                              "weakness or numbness.",
        phrases=["having a stroke", "stroke symptoms", "think its a stroke",
                 "slurred speech", "slurring", "speech is slurred", "words are slurred",
                 "talking funny", "talking weird", "talking strange", "cant talk right",
                 "cant speak right", "cant speak clearly", "cant get words out"],
        patterns=[rf"(?:{_FACE_PART}){gap(3)} (?:{_DROOP})",
                  rf"(?:droop\w*|sagging|lopsided){gap(3)} (?:{_FACE_PART})",
                  rf"(?:{_WEAK}){gap(4)} (?:left|right|one) (?:{_LIMB})",
                  rf"(?:left|right|one) (?:{_LIMB}){gap(5)} (?:{_WEAK})",
                  rf"(?:sudden|suddenly)(?: \w+){{0,2}} (?:{_WEAK}|confused|cant talk|cant speak|"
                  r"cant see|blind)",
                  rf"(?:cant|couldnt|unable to) (?:lift|move|feel|raise|use){gap(2)} "
                  rf"(?:{_LIMB})",
                  rf"(?:cant|cannot|couldnt|trouble|hard time|unable to){gap(2)} "
                  r"(?:find|get|say|form)(?: \w+){0,2} words",
                  rf"(?:speech|words|talking){gap(3)} (?:slurred|weird|strange|funny|garbled|off|"
                  r"jumbled|mixed up|nonsense)",
                  r"(?:arm|arms|leg|legs|hand|face)(?: is| feels| went| has gone)? "
                  r"(?:limp|paralyzed)",
                  r"(?:suddenly|all of a sudden) (?:confused|cant talk|cant speak|cant see)"],
    ),
    emergency(
        "em_stroke_es", "es", "Signos de derrame: cara caida, habla arrastrada, debilidad o "
                              "entumecimiento de un lado.",
        phrases=["derrame cerebral", "embolia", "le dio un derrame", "me esta dando un derrame",
                 "le esta dando un derrame", "habla arrastrada", "arrastra las palabras",
                 "arrastrando las palabras", "habla raro", "habla rara", "habla chistoso",
                 "no puede hablar bien", "no puedo hablar bien", "no encuentra las palabras"],
        patterns=[*near(_CARA, _CAIDA, 3, stop=SAME_PHRASE),
                  r"(?:cayo|callo) (?:la cara|la boca|de un lado)",
                  rf"(?:{_DEBIL}){gap(4)} (?:un lado|lado izquierdo|lado derecho|el brazo|"
                  r"la pierna|la mano|la cara|el pie)",
                  rf"(?:un lado|lado izquierdo|lado derecho){gap(5)} (?:{_DEBIL})",
                  r"no (?:puede|puedo|podia) (?:mover|levantar|sentir)(?: \w+){0,2} "
                  rf"(?:{_MIEMBRO})",
                  r"de repente no (?:puedo|puede) (?:hablar|ver|caminar|mover)"],
    ),
    emergency(
        "em_bleeding_en", "en", "Severe bleeding that does not stop.",
        phrases=["bleeding a lot", "bleeding alot", "bleeding heavily", "bleeding heavy",
                 "heavy bleeding", "severe bleeding", "bleeding badly", "bleeding really bad",
                 "bleeding so much", "blood everywhere", "gushing", "spurting",
                 "soaked through", "soaking through", "losing a lot of blood", "so much blood",
                 "lots of blood", "bleeding through", "keeps bleeding", "keep bleeding",
                 "still bleeding", "hemorrhage", "hemorrhaging"],
        patterns=[rf"bleed\w*{gap(8)} (?:wont|will not|doesnt|does not|cant|isnt|not|hasnt) "
                  r"stop(?:ping|ped)?",
                  r"(?:wont|cant|cannot|will not|doesnt|couldnt) (?:stop|get) (?:the |it to stop )?"
                  r"bleed\w*",
                  rf"soak\w*{gap(3)} (?:bandages?|towels?|pads?|gauze)",
                  rf"(?:blood|bleeding){gap(3)} (?:pouring|gushing|spurting|squirting|everywhere|"
                  r"nonstop|non stop|constantly)"],
    ),
    emergency(
        "em_bleeding_es", "es", "Sangrado fuerte que no para.",
        phrases=["sangrando mucho", "sangra mucho", "sangrado abundante", "sangrado fuerte",
                 "sangrado muy fuerte", "mucha sangre", "hemorragia", "sangrando demasiado",
                 "sale mucha sangre", "se desangra", "se esta desangrando", "chorros de sangre"],
        patterns=[rf"sangr\w*{gap(6)} no (?:para|deja|se detiene|se quita|se para|paraba)",
                  r"sangr\w* (?:mucho|muchisimo|demasiado|bastante|sin parar|a chorros)",
                  rf"no (?:para|deja|dejo|paraba|se detiene|se para)(?: de)?{gap(2)} "
                  r"(?:sangr\w*|salir sangre)"],
    ),
    emergency(
        "em_unconscious_en", "en", "Fainting, loss of consciousness, confusion after a fall.",
        phrases=["passed out", "pass out", "passing out", "fainted", "fainting", "blacked out",
                 "lost consciousness", "loss of consciousness", "unconscious", "knocked out",
                 "wont wake up", "cant wake him", "cant wake her", "not waking up",
                 "unresponsive", "collapsed", "found on the floor", "found her on the floor",
                 "found him on the floor", "dont want to wake up"],
        patterns=[*near(_FALL_EN, _CONFUSED_EN, 10),
                  r"(?:he|she|hes|shes|baby|mom|dad|husband|wife|son|daughter|grandma|grandpa|"
                  r"mother|father)(?: \w+){0,2} (?:not responding|isnt responding|wont respond|"
                  r"not waking up)"],
    ),
    emergency(
        "em_unconscious_es", "es", "Desmayo, perdida del conocimiento, confusion despues de "
                                   "una caida.",
        phrases=["se desmayo", "me desmaye", "se desmaya", "se desmayaba", "perdio el conocimiento",
                 "perdio la conciencia", "perdi el conocimiento", "perdi la conciencia",
                 "inconsciente", "no despierta", "no reacciona", "se quedo inconsciente",
                 "se desvanecio", "no responde bien", "no me responde", "no nos responde",
                 "se desplomo", "se colapso", "se cayo desmayado", "se cayo desmayada",
                 "me voy a desmayar", "se va a desmayar"],
        patterns=[*near(_FALL_ES, _CONFUSED_ES, 10),
                  r"(?:el|ella|abuel[oa]|mama|papa|espos[oa]|hij[oa]|bebe|tia|tio)(?: \w+){0,2} "
                  r"no (?:responde|reacciona|despierta)"],
    ),
    emergency(
        "em_self_harm_en", "en", "Suicidal thoughts, self-harm, overdose.",
        phrases=["suicide", "suicidal", "kill myself", "killing myself", "end my life",
                 "ending my life", "take my own life", "take my life", "end it all",
                 "ending it all", "ending it", "end it tonight", "dont want to live",
                 "dont want to be alive", "dont want to be here anymore", "want to die",
                 "wanna die", "wants to die", "wish i was dead", "wish i were dead",
                 "better off dead", "better off without me", "no reason to live",
                 "no point in living", "point in living", "point of living", "not worth living",
                 "tired of living", "cant go on", "wish i was not here", "want to disappear",
                 "hurting myself", "harm myself", "harming myself", "self harm",
                 "cutting myself", "cutting herself", "cutting himself", "cuts herself",
                 "cuts himself", "overdose", "on purpose", "if i was gone", "if i were gone",
                 "if i wasnt here", "if i was dead", "if i were dead", "dont want to wake up",
                 "hope i dont wake up", "never wake up"],
        patterns=[rf"(?:took|take|taken|taking|swallowed|ate|drank|downed)(?: \w+){{0,1}} "
                  rf"(?:{_LOTS_OF})(?: \w+){{0,4}} (?:{_PILLS}|bottle|pack|box)",
                  r"(?:want|wanna|going|gonna|thinking|thought|thoughts|urge|urges|might|plan|"
                  r"planning)(?: \w+){0,3} (?:hurt|harm|kill|end|ending) "
                  r"(?:myself|herself|himself|it|things|my life)"],
    ),
    emergency(
        "em_self_harm_es", "es", "Pensamientos suicidas, autolesiones, sobredosis.",
        phrases=["quiero morir", "quiero morirme", "me quiero morir", "quiere morirse",
                 "se quiere morir", "no quiero vivir", "no quiero seguir viviendo",
                 "quitarme la vida", "quitarse la vida", "quitar la vida", "matarme",
                 "me voy a matar", "mejor sin mi",
                 "me quiero matar", "se quiere matar", "quiero desaparecer",
                 "sentido a la vida", "sentido a vivir", "sentido de vivir", "ganas de vivir",
                 "mejor muerto", "mejor muerta", "estarian mejor sin mi", "ganas de morir",
                 "ganas de morirme", "quisiera morirme", "prefiero morirme",
                 "suicidarme", "suicidarse", "suicidio", "suicida", "hacerme dano",
                 "hacerse dano", "sobredosis", "a proposito"],
        patterns=[r"(?:tome|tomo|tomado|trago|trague|tragado)(?: \w+){0,2} (?:todas|muchas|"
                  r"un frasco|un bote|un monton|demasiadas|1[5-9]|[2-9][0-9]|veinte|treinta)"
                  r"(?: \w+){0,2} "
                  r"(?:pastillas|pildoras|medicinas|tabletas|frasco)",
                  r"cort\w*(?: \w+){0,2} (?:los brazos|las munecas|las piernas|la muneca|"
                  r"las venas)"],
    ),
    emergency(
        "em_allergic_en", "en", "Severe allergic reaction: throat, tongue, lips or face "
                                "swelling; anaphylaxis.",
        phrases=["anaphylaxis", "anaphylactic", "used my epipen", "used the epipen",
                 "used his epipen", "used her epipen", "gave him the epipen",
                 "gave her the epipen", "used epipen"],
        patterns=[*near(r"throat|tongue|lip|lips|face|mouth",
                        r"closing|closed|swell\w*|swollen|tight\w*|puff\w*|big|bigger|huge", 4,
                        stop=SAME_PHRASE),
                  r"(?:used|use|gave|give|needed|took)(?: \w+){0,2} (?:epipen|epi pen|"
                  r"epinephrine)"],
    ),
    emergency(
        "em_allergic_es", "es", "Reaccion alergica grave: garganta que se cierra, lengua, "
                                "labios o cara hinchados.",
        phrases=["anafilaxia", "choque anafilactico", "shock anafilactico",
                 "reaccion alergica fuerte", "reaccion alergica grave", "epinefrina"],
        patterns=[*near(r"lengua|labio|labios|cara|boca|ojos", r"hinch\w*|inflamad[oa]s?",
                        4, stop=SAME_PHRASE),
                  *near(r"garganta", r"cierra|cerrando|cerro|cerrad[oa]", 3)],
    ),
    emergency(
        "em_pregnancy_bleeding_en", "en", "Bleeding in pregnancy; miscarriage.",
        phrases=["having a miscarriage", "think im miscarrying", "miscarrying",
                 "losing the baby", "losing my baby"],
        patterns=near(r"pregnan\w*|weeks along|months along",
                      r"bleed\w*|hemorrhag\w*|clots|blood clots", 10),
    ),
    emergency(
        "em_pregnancy_bleeding_es", "es", "Sangrado en el embarazo; aborto espontaneo.",
        phrases=["perdiendo el bebe", "perdiendo al bebe", "aborto espontaneo"],
        patterns=near(r"embarazad[ao]|embarazo",
                      r"sangrando|sangrado|(?<!de )sangre|hemorragia|coagulos", 10),
    ),
    emergency(
        "em_infant_fever_en", "en", "Fever in a baby under 3 months (newborn).",
        patterns=near(_AGE_EN, r"fever|feverish|temperature|feels hot|hot to the touch|"
                               r"burning up|rectal\w*|10[0-5]|3[89]", 10),
    ),
    emergency(
        "em_infant_fever_es", "es", "Fiebre en un bebe de menos de 3 meses (recien nacido).",
        patterns=near(_AGE_ES, r"fiebre|temperatura|muy caliente|esta caliente|3[89]", 10),
    ),
    emergency(
        "em_vomiting_blood_en", "en", "Vomiting or coughing up blood.",
        phrases=["coffee grounds", "bloody vomit"],
        patterns=[rf"(?:vomit\w*|throw\w* up|threw up|puk\w*|spit\w* up|cough\w* up)"
                  rf"{gap(4)} (?:blood|bloody)",
                  r"blood in (?:my|his|her|the|their) (?:throw up|vomit|puke|spit)"],
    ),
    emergency(
        "em_vomiting_blood_es", "es", "Vomito o tos con sangre.",
        patterns=[rf"(?:vomit\w*|devolvi\w*|arrojando|arrojo|tosiendo|tosio|tosi|toser|"
                  rf"escupiendo|escupio|escupi){gap(3)} sangre",
                  rf"sangre{gap(2)} (?:al toser|cuando toso|cuando tose|en el vomito)",
                  r"(?:como|parece|parecia) (?:\w+ )?cafe molido|asientos? de cafe|posos de cafe"],
    ),
    emergency(
        "em_worst_headache_en", "en", "Worst headache of one's life; sudden severe headache.",
        phrases=["thunderclap headache", "sudden severe headache", "never had a headache",
                 "never had one this bad"],
        patterns=[rf"worst{gap(2)} (?:headache|headaches|head ache|head pain)",
                  rf"(?:headache|head pain){gap(5)} (?:worst|suddenly|all of a sudden|"
                  r"out of nowhere)",
                  rf"(?:sudden|suddenly){gap(2)} (?:headache|head ache|head pain)",
                  rf"(?:headache|head pain|head hurts){gap(4)} (?:like never before|"
                  r"never (?:had|felt) (?:one|a headache|anything) like)"],
    ),
    emergency(
        "em_worst_headache_es", "es", "El peor dolor de cabeza de su vida; dolor de cabeza "
                                      "subito.",
        patterns=[rf"peor{gap(2)} dolor de cabeza",
                  rf"dolor de cabeza{gap(6)} (?:peor|de repente|repentino|subito|de golpe)",
                  rf"(?:de repente|de golpe){gap(3)} (?:un )?dolor de cabeza",
                  rf"cabeza{gap(3)} como nunca",
                  r"nunca me (?:habia|ha) dolido (?:tanto )?la cabeza",
                  r"nunca (?:habia|he) tenido un dolor de cabeza"],
    ),
]

# --- urgent (same day) -------------------------------------------------------

URGENT_RULES = [
    urgent(
        "ur_out_of_medication_en", "en", "Out of a daily medication now or by tomorrow.",
        when_topic="refill",
        phrases=["last pill", "last pills", "last dose", "last one", "no pills left",
                 "none left", "no more pills", "no more left", "no more insulin",
                 "completely out", "all out", "didnt take my dose today"],
        patterns=[r"ran out(?! of (?:refills?|time))",
                  r"(?:im|i am|we are|were|hes|shes|he is|she is|been|totally) out of",
                  rf"(?:run|running|be|going to run) out{gap(6)} (?:today|tonight|tomorrow)",
                  rf"(?:only|just){gap(2)} (?:1|one|a)(?: \w+){{0,6}} left"],
    ),
    urgent(
        "ur_out_of_medication_es", "es", "Sin su medicina diaria hoy o manana.",
        when_topic="refill",
        phrases=["se me acabo", "se me acabaron", "se me termino", "se me terminaron",
                 "se le acabo", "se le acabaron", "me quede sin", "se quedo sin",
                 "ya no me quedan", "ya no me queda", "no me quedan", "no me queda",
                 "ya no tengo", "ultima pastilla", "ultima dosis", "sin medicina",
                 "sin pastillas", "sin insulina"],
        patterns=[rf"(?:acaba|termina|acabaran|terminaran){gap(4)} (?:hoy|manana)"],
    ),
    urgent(
        "ur_rash_with_fever", None, "Rash (spreading) with fever.",
        sets_topic="clinical_question",
        patterns=near(r"rash|rashes|hives|spots|ronchas|sarpullido|salpullido|erupcion|granitos|"
                      r"manchas", r"fever|feverish|fiebre|temperature|temperatura", 10),
    ),
    urgent(
        "ur_critical_result", None, "The lab or a provider reported a critical value.",
        phrases=["critical result", "critical results", "critical value", "critical values",
                 "critical lab", "critical labs", "critical level", "panic value",
                 "resultado critico", "resultados criticos", "valor critico", "valores criticos",
                 "salio critico", "salieron criticos"],
        patterns=near(r"lab|labs|result|results|level|levels|potassium|sodium|value",
                      r"critical|dangerous|dangerously", 3)
        + near(r"laboratorio|resultados|potasio|sodio|nivel|niveles|valor|salio|salieron",
               r"critic[oa]s?|peligros[oa]s?", 3),
    ),
    urgent(
        "ur_visit_starting_tech", None, "A video visit is starting now or today and the "
                                        "link, camera or sound fails.",
        when_topic="tech_support",
        phrases=["right now", "starting now", "starts now", "is now", "already started",
                 "waiting for me", "is waiting", "waiting room", "started", "is starting",
                 "about to start", "ahora mismo", "ahorita", "ya empezo", "empezo", "comenzo",
                 "va a empezar",
                 "ya comenzo", "ya inicio", "me esta esperando", "esta esperando",
                 "en este momento", "ya es mi cita"],
        patterns=[r"in (?:[1-9]|[1-5][0-9]|a few|few|five|ten|fifteen|twenty|thirty) minutes",
                  r"en (?:[1-9]|[1-5][0-9]|unos|pocos|cinco|diez|quince|veinte) minutos",
                  rf"(?:visit|appointment|call|session|consulta|cita|videollamada){gap(3)} "
                  r"(?:now|today|hoy|ahorita|ahora)",
                  r"(?:today|hoy) (?:at|a las)"],
    ),
    urgent(
        "ur_high_fever", None, "High fever (39 C / 102 F or more), or fever in a baby.",
        sets_topic="clinical_question",
        phrases=["high fever", "very high fever", "fiebre alta", "fiebre muy alta",
                 "mucha fiebre", "fiebre muy fuerte", "fever wont go down",
                 "fever wont break", "la fiebre no baja", "no le baja la fiebre",
                 "no me baja la fiebre"],
        patterns=[rf"(?:fever|temperature|fiebre|temperatura){gap(3)} (?:10[2-9]|39|4[0-2])",
                  rf"(?:10[2-9]|39|4[0-2]){gap(2)} (?:fever|temperature|fiebre|temperatura)",
                  *near(r"baby|infant|toddler|bebe|bebita|bebito",
                        r"fever|feverish|fiebre|temperature|temperatura", 8)],
    ),
    urgent(
        "ur_wound_or_injury", None, "Infected or opened wound, bites, burns, fractures.",
        sets_topic="clinical_question",
        phrases=["stitches came open", "stitches opened", "stitches came out", "pus",
                 "oozing", "red streaks", "redness spreading", "spreading redness",
                 "wound is infected", "incision is infected", "dog bite", "cat bite",
                 "bit by a dog", "bit by a cat", "bitten by", "got bit", "bad burn",
                 "blistered", "think its broken", "broken bone", "cant put weight",
                 "cant walk", "se abrio la herida", "se me abrieron los puntos",
                 "se abrieron los puntos", "herida infectada", "me mordio un perro",
                 "mordida de perro", "me queme", "quemadura", "creo que esta roto",
                 "creo que esta quebrado", "fractura", "no puedo caminar"],
        patterns=[rf"(?:wound|incision|cut|stitches|herida|puntos){gap(5)} (?:infected|hot|"
                  r"pus|infectad[ao]|caliente)",
                  rf"(?:burn|burned|burnt){gap(3)} (?:hand|arm|leg|face|foot|palm)"],
    ),
    urgent(
        "ur_cannot_keep_fluids", None, "Cannot keep fluids down; dehydration.",
        sets_topic="clinical_question",
        phrases=["cant keep anything down", "cant keep food down", "cant keep water down",
                 "cant keep fluids down", "cant keep liquids down", "dehydrated",
                 "no puedo retener nada", "no retiene nada", "vomito todo",
                 "vomita todo", "vomitando todo", "deshidratado", "deshidratada"],
    ),
    urgent(
        "ur_severe_pain", None, "Severe pain.",
        sets_topic="clinical_question",
        phrases=["severe pain", "extreme pain", "unbearable pain", "excruciating",
                 "worst pain", "10 out of 10", "pain is a 10", "need stitches",
                 "might need stitches", "deep cut", "its deep", "cut is deep", "gash",
                 "necesita puntos", "necesito puntos", "cortada profunda", "se quemo", "quemado",
                 "quemada", "scalded", "scald", "dolor muy fuerte",
                 "dolor insoportable", "dolor fuertisimo", "dolor intenso",
                 "dolor muy intenso", "dolor terrible"],
    ),
    urgent(
        "ur_pregnancy_concern", None, "Spotting or reduced movement in pregnancy.",
        sets_topic="clinical_question",
        patterns=near(r"pregnan\w*|embarazad[ao]|embarazo",
                      r"spotting|manchado|manchando|manchas de sangre|"
                      r"baby (?:is )?not moving|baby hasnt moved|no se mueve|no se ha movido", 8),
    ),
    urgent(
        "ur_allergic_reaction", None, "Allergic reaction without airway signs.",
        sets_topic="clinical_question",
        phrases=["allergic reaction", "reaccion alergica", "hives all over",
                 "hives everywhere", "ronchas por todo el cuerpo", "ronchas en todo el cuerpo"],
    ),
    urgent(
        "ur_blood_sugar_or_pressure", None, "Very high or low blood sugar; very high blood "
                                            "pressure.",
        sets_topic="clinical_question",
        patterns=[rf"(?:blood sugar|sugar|glucose|azucar|glucosa){gap(4)} "
                  r"(?:[3-9][0-9][0-9]|[2-5][0-9]|over 300|high|very high|low|alta|muy alta|baja)",
                  rf"(?:blood pressure|presion){gap(3)} (?:1[89][0-9]|2[0-9][0-9])"],
    ),
    urgent(
        "ur_sudden_vision_loss", None, "Sudden vision loss or eye injury.",
        sets_topic="clinical_question",
        phrases=["lost vision", "lost my vision", "sudden vision", "cant see out of",
                 "eye injury", "something in my eye", "perdi la vista", "no veo de un ojo",
                 "no puedo ver de un ojo"],
    ),
]

# --- topics -------------------------------------------------------------------

TOPIC_RULES = [
    topic("tp_scheduling_request", "scheduling", 30, phrases=[
        "reschedule", "cancel my appointment", "book an appointment", "make an appointment",
        "schedule an appointment", "new appointment", "move my appointment",
        "change my appointment", "next available", "earliest appointment", "running late",
        "hacer una cita", "cambiar mi cita", "cancelar mi cita", "cancelar la cita",
        "agendar", "reprogramar", "sacar cita", "pedir cita", "dar cita", "llegar tarde",
        "cambiar la cita"]),
    topic("tp_scheduling", "scheduling", 20, phrases=[
        "appointment", "appointments", "schedule", "book", "booking", "cancel", "availability",
        "available", "opening", "openings", "waitlist", "wait list", "see me", "see the doctor",
        "see doctor", "be seen", "get seen", "get her seen", "get him seen", "seen today",
        "seen this week", "get in to see", "come in", "late for", "new patient",
        "new patients", "well child", "checkup", "check up", "follow up visit", "cita",
        "citas", "disponible", "disponibles", "turno"]),
    topic("tp_scheduling_weak", "scheduling", 12, phrases=[
        "visit", "physical", "consulta", "examen fisico"]),

    topic("tp_refill_request", "refill", 30, phrases=[
        "refill", "refills", "rx", "resurtir", "surtir", "renew my prescription",
        "new prescription", "day supply", "call in", "send my prescription", "ran out",
        "run out", "running out", "running low", "se me acabo", "se me acabaron",
        "se me termino", "se me terminaron", "me quede sin", "me quedan pocas",
        "me quedan pocos", "ya no me quedan", "no me quedan", "up my dose", "increase my dose",
        "days left", "pills left", "mas pastillas", "more pills", "more of my"]),
    topic("tp_refill", "refill", 20, phrases=[
        "prescription", "prescriptions", "pharmacy", "pharmacies", "cvs", "walgreens",
        "mail order", "receta", "recetas", "farmacia", "necesito mi medicina"]),
    topic("tp_refill_weak", "refill", 15, phrases=[
        "out of my", "im out of", "i am out of", "completely out"]),
    topic("tp_medication_words", "refill", 6, phrases=[
        "medicine", "medication", "meds", "pills", "insulin", "inhaler", "medicina",
        "medicinas", "medicamento", "medicamentos", "pastillas", "insulina", "inhalador"]),

    topic("tp_test_result", "test_result", 30, phrases=[
        "results", "result", "lab results", "test results", "blood work", "lab work", "labs",
        "lab report", "resultados", "analisis", "examenes", "laboratorio", "blood test",
        "urine test", "stress test", "estudios"]),
    topic("tp_test_imaging", "test_result", 15, phrases=[
        "biopsy", "biopsia", "mri", "ct scan", "cat scan", "x ray", "radiografia",
        "ultrasound", "ultrasonido", "mammogram", "mamografia", "pap", "a1c", "ecg",
        "echocardiogram", "colonoscopy results", "numbers", "levels", "my cholesterol", "lab",
        "potassium", "potasio", "sodium", "sodio", "cholesterol", "colesterol", "hemoglobin",
        "tsh", "psa", "vitamin d", "iron levels", "test", "tests", "positive", "negative"]),

    topic("tp_records", "records", 30, phrases=[
        "medical records", "records", "copy of my chart", "records release",
        "release form", "release of information", "shot records", "immunization record",
        "vaccine record", "vaccine records", "proof of", "fmla", "paperwork",
        "note for work", "work note", "doctors note", "school note", "note for", "letter for",
        "expediente", "historial", "registros medicos", "cartilla", "carta para",
        "una carta", "formulario", "incapacidad", "constancia", "justificante"]),
    topic("tp_records_weak", "records", 20, phrases=[
        "chart", "form", "forms", "copy", "copies", "copia", "copias"]),

    topic("tp_billing", "billing", 30, phrases=[
        "bill", "bills", "billing", "billed", "charge", "charged", "charges", "copay",
        "co pay", "coinsurance", "deductible", "claim", "statement", "balance on", "balance due",
        "outstanding balance", "remaining balance", "account balance", "owe", "payment",
        "payment plan", "pay", "paid", "refund", "invoice", "how much is", "how much does",
        "how much will", "how much do",
        "self pay", "cash price", "price", "cost", "costs", "factura", "facturas", "cobro",
        "cobraron", "cobran", "cobrar", "pago", "pagar", "pague", "saldo", "reembolso",
        "deducible", "copago", "cuanto cuesta", "costo", "precio", "overcharged",
        "cuanto debo", "debo", "adeudo"]),
    topic("tp_insurance", "billing", 20, phrases=[
        "insurance", "in network", "out of network", "medicaid", "medicare", "seguro",
        "mi seguro", "el seguro", "cuenta"]),

    topic("tp_referral", "referral", 30, phrases=[
        "referral", "referrals", "refer", "referred", "refer me", "specialist", "specialists",
        "referido", "referencia", "especialista", "especialistas", "referir", "refieran",
        "refiera"]),
    topic("tp_referral_specialty", "referral", 20, phrases=[
        "cardiologist", "dermatologist", "neurologist", "orthopedic", "ortho",
        "gastroenterologist", "gi", "ent", "physical therapy", "urologist", "psychiatrist",
        "pase", "cardiologo", "dermatologo", "neurologo", "ortopedista", "ginecologo",
        "oftalmologo", "oculista", "urologo", "psiquiatra", "terapia fisica"]),

    topic("tp_tech_support", "tech_support", 30, phrases=[
        "portal", "log in", "login", "log into", "logged in", "sign in", "password",
        "username", "user name", "locked out", "verification code", "code", "two factor",
        "app", "website", "link", "camera", "microphone", "mic", "audio", "cant hear",
        "no sound", "wont load", "doesnt load", "never loads", "not loading", "keeps crashing",
        "crashing", "error message", "contrasena", "codigo", "aplicacion", "enlace", "liga",
        "camara", "microfono", "no se oye", "no me oye", "no escucho", "no me escuchan",
        "no puedo entrar", "no me deja entrar", "cant get in", "wont let me in", "cant join",
        "cant connect", "iniciar sesion", "pagina", "mychart"]),
    topic("tp_tech_failure", "tech_support", 35, patterns=[
        rf"(?:video|videollamada|link|enlace|liga|camera|camara|audio|app|aplicacion|portal|"
        rf"sound|screen|pantalla|microphone|microfono|call|llamada|sonido){gap(4)} (?:no funciona|"
        r"no sirve|doesnt work|isnt working|not working|wont work|wont load|no carga|no abre|"
        r"froze|frozen|keeps freezing|se congela|se traba|wont connect|no conecta)"]),
    topic("tp_tech_support_weak", "tech_support", 15, phrases=[
        "video", "videollamada", "zoom", "browser", "chrome", "safari", "laptop", "email",
        "correo"]),

    topic("tp_clinical_question", "clinical_question", 25, phrases=[
        "is it normal", "is that normal", "is this normal", "is it ok", "is it okay",
        "ok to take", "okay to take", "safe to take", "que le doy", "que le puedo dar",
        "should i be worried",
        "should i worry", "is it safe", "can i take", "can i give", "should i take",
        "side effect", "side effects", "makes me", "making me", "made me", "make me feel",
        "make me sick", "make me nauseous", "make me dizzy", "make me tired",
        "what should i do", "should i", "do i need", "does he need", "does she need",
        "is it serious", "what can i take", "how long should", "how long after",
        "es normal", "es grave", "puedo tomar", "le puedo dar", "puedo darle",
        "efectos secundarios", "efecto secundario", "me da dolor", "me da sueno", "me da mareo",
        "me da nauseas", "me da comezon", "me hace sentir", "me cae mal", "que me recomienda",
        "que puedo tomar", "debo preocuparme", "puedo hacer"]),
    topic("tp_talk_to_clinician", "clinical_question", 15, phrases=[
        "talk to someone", "talk to the doctor", "talk to a nurse", "speak with",
        "hablar con alguien", "hablar con la doctora", "hablar con el doctor"]),
    topic("tp_symptoms", "clinical_question", 8, phrases=[
        "pain", "hurts", "hurt", "hurting", "ache", "aches", "aching", "sore", "fever",
        "cough", "coughing", "rash", "itchy", "itching", "dizzy", "dizziness", "nausea",
        "nauseous", "vomiting", "throwing up", "diarrhea", "constipation", "headache",
        "headaches", "migraine", "swollen", "swelling", "bleeding", "bleed", "sick",
        "flu", "congestion", "stuffy nose", "runny nose", "sore throat", "chills", "fatigue",
        "anxiety", "depression", "depressed", "heartburn", "infection", "stitches", "wound",
        "bruise", "sprain", "twisted", "lump", "cramping", "cramps", "insomnia",
        "dolor", "duele", "duelen", "fiebre", "tos", "gripa", "gripe", "mareo", "mareada",
        "mareado", "nauseas", "vomito", "vomitando", "diarrea", "sarpullido", "ronchas",
        "manchas", "comezon", "picazon", "hinchado", "hinchada", "infeccion", "herida",
        "agruras", "colico", "colicos", "mocos", "nariz tapada", "garganta", "ansiedad",
        "depresion", "presion alta", "mareos", "bump", "hit my head", "allergies", "alergia", "alergias", "tired", "cansado", "cansada",
        "bloody nose", "nosebleed", "wheezing", "fell", "injury", "injured", "se cayo", "me cai", "golpe", "se pego",
        "me pegue", "se lastimo", "me lastime"]),

    topic("tp_office_information", "other", 15, phrases=[
        "your hours", "office hours", "hours on", "business hours", "open on", "are you open", "address", "directions", "parking", "park",
        "fax number", "phone number", "wifi", "holidays", "do you do", "do you offer",
        "do you guys do", "spanish speaking", "horario", "abren", "cierran", "direccion",
        "estacionamiento", "numero de telefono", "numero de fax", "hablan espanol"]),
    topic("tp_thanks", "other", 5, phrases=[
        "thank you", "thanks", "gracias", "appreciate"]),
]

DEFAULT_RULES = EMERGENCY_RULES + URGENT_RULES + TOPIC_RULES


@lru_cache(maxsize=1)
def default_rule_set() -> RuleSet:
    """The shipped defaults as a validated RuleSet (built once)."""
    return RuleSet.from_dicts(DEFAULT_RULES)
