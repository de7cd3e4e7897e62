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

# Each emergency is written as families rather than sentences: a body part or
# symptom word near a severity or distress word ("chest ... crushing",
# "pecho ... peso"), an intent word near a method ("thinking about ... kill
# myself"), an age near a fever, a vomiting verb near blood. A new paraphrase
# then only needs one word from each family. Words that make a family too
# eager are excluded inline with a lookahead ("worst(?! part)",
# "blood(?! work| pressure)").

_CHEST = r"chest|breastbone|sternum|heart(?! burn)"
_CHEST_FEELING = (r"pain\w*|hurt\w*|ach\w*|tight\w*|pressure|press\w*|squeez\w*|crush\w*|"
                  r"heav\w*|burn\w*|stab\w*|sharp|killing|elephant|discomfort|vise|"
                  r"vice|clamp\w*|grip\w*|knife|tearing|ripping|explod\w*|fire|agony")
_PECHO = r"pecho|corazon"
_PECHO_FEELING = (r"duel\w*|dol\w*|apret\w*|apriet\w*|presion|opresion|opresiv[oa]|oprim\w*|"
                  r"pesad\w*|ardor|arde|quema|quemazon|quemando|estruj\w*|punzada\w*|punza\w*|"
                  r"pincha\w*|aplast\w*|molestia\w*|clava\w*")
# Pain that travels to the arm or jaw is a chest-pain sign on its own.
_RADIATES_EN = (r"(?:going|goes|went|shooting|shoots|radiates|radiating|spreads|spreading|"
                r"spread|moving|moves|travels|traveling|travelling|runs|running) "
                r"(?:down|up|into|to|through) (?:my|his|her|the) "
                r"(?:left )?(?:arm|jaw)")
_RADIATES_ES = (r"(?:se va|se me va|se le va|baja|bajando|corre|recorre|irradia\w*|"
                r"extiende)(?: \w+){0,2} "
                r"(?:brazo izquierdo|mandibula|quijada)")

_BREATHING_TROUBLE = (r"cant|can not|couldnt|unable|hard|harder|trouble|difficult\w*|"
                      r"struggl\w*|barely|hardly|labou?red|short|shortness|gasp\w*|fight\w*")
# Whole words (not breath\w*), so that a message without any of them never
# tries the patterns that end in them (rules.required_words).
_BREATH = r"breath|breaths|breathe|breathes|breathed|breathing|breathless|air|oxygen"
_SIDE_EFFECT_EN = r" (?:is |be |as )?(?:a |an )?(?:common |known |normal )?side effects?"
_SIDE_EFFECT_ES = r" (?:es|sera|puede ser|como) (?:un )?efecto (?:secundario|adverso)"
_RESPIRAR_TROUBLE = (r"no puedo|no puede|no podia|cuesta|costando|dificult\w*|trabajo|"
                     r"problemas?|falta|faltando|faltaba|batall\w*|ahog\w*|alcanza|casi no|"
                     r"apenas|fatig\w*")
_RETRACT_ES = (r"hunden|hunde|hundia|hundiendo|marcan|marca|marcaba|marcando|sumen|sume|"
               r"sumia|sumiendo|jalan|jala|jalaba|jalando|meten|mete|metia|metiendo")
_RESPIRAR = r"respirar|respiro|respira|respiracion|aire"

_FACE_PART = r"face|mouth|lip|lips|smile|eye|eyelid|cheek"
_DROOP = (r"droop\w*|sag\w*|crooked|lopsided|uneven|numb\w*|fallen|slack|paraly\w*|"
          r"twisted")
_LIMB = r"arm|arms|leg|legs|hand|hands|face|side|foot"
_WEAK = r"numb\w*|weak\w*|tingl\w*|paraly\w*|limp|dead|heavy"
# A limb that stops doing its job (never "side": "left side of the screen").
_LIMB_PART = r"arm|arms|leg|legs|hand|hands|foot"
_FAILS = (r"dropp\w*|dragg\w*|clums\w*|useless|not working|wont work|doesnt work|"
          r"isnt working|gave out|giving out|wont move|not moving")
# One arm and leg on the same side.
_ARM_AND_LEG = (r"(?:left|right) (?:arm|hand|leg|foot) (?:and|n) (?:my |his |her |the )?"
                r"(?:arm|hand|leg|foot)")
_CARA = r"cara|boca|labio|labios|ojo|parpado|mejilla|sonrisa"
_CAIDA = (r"caid[oa]|chuec[oa]|chueque\w*|torcid[oa]|torci\w*|tuerce|dormid[oa]|"
          r"adormecid[oa]|entumid[oa]|ladead[oa]|desviad[oa]|paralizad[oa]")
_MIEMBRO = r"brazo|brazos|pierna|piernas|mano|manos|lado|cara|pie|mitad|medio cuerpo"
_DEBIL = (r"durmio|dormid[oa]|adormecid[oa]|adormeci\w*|entumid[oa]|entumi\w*|paralizad[oa]|"
          r"debil|no (?:lo|la|los|las) (?:puedo|puede) mover|no (?:siento|siente)")

_FALL_EN = (r"(?<!last )(?<!this )(?<!next )fall(?! asleep)|fell(?! asleep| behind| apart)|"
            r"fallen|falling(?! asleep| out)|tripped|slipped|"
            r"head injury|(?:bumped|banged|smacked|knocked|cracked|hit) (?:my|his|her|their) "
            r"head|hit the (?:floor|ground|pavement)|car accident|car crash")
_CONFUSED_EN = (r"confus\w*|disorient\w*|(?:not|isnt|doesnt|dont|no) (?:making|make|makes) "
                r"(?:any )?sense|making no sense|doesnt know where|dont know where|"
                r"(?:doesnt|didnt) know (?:who|where|what day|what year)|doesnt recogni[sz]e|"
                r"not acting right|acting strange|acting weird|not (?:himself|herself)|"
                r"drowsy|(?:cant|doesnt) remember|slurr\w*|cant think (?:straight|clearly)|"
                r"not thinking straight|out of it|dazed|groggy|loopy|(?:seeing|sees) double|"
                r"double vision|keeps? repeating|asking the same")
# ... or drowsy, not answering properly, not themselves
_ALTERED_EN = (r"(?:cant|wont) stay awake|pass out|passed out|knocked out|blacked out|out cold|"
               r"not acting like (?:himself|herself|themselves|him|her)|mumbl\w*|"
               r"sleepy|"
               r"(?:wont|not|isnt|doesnt|cant) (?:answer|answering|respond|responding)(?: me| us)? "
               r"(?:properly|right|normally|correctly|clearly)")
# The same signs when they come before the fall ("passed out and fell"); the
# ones that start with "not"/"wont" only count after it, so that this pattern
# is not tried at every "not".
_ALTERED_EN_FIRST = (r"pass out|passed out|knocked out|blacked out|out cold|mumbl\w*|sleepy")
_CONFUSED_EN_FIRST = (r"confus\w*|disorient\w*|making no sense|acting strange|acting weird|"
                      r"drowsy|slurr\w*|out of it|dazed|groggy|loopy|(?:seeing|sees) double|"
                      r"double vision|keeps? repeating|asking the same")
# After a blow to the head, vomiting or sleepiness is a red flag too.
_HEAD_HIT_EN = (r"hit (?:my|his|her|their) head|head injury|(?:bumped|banged|smacked|knocked|"
                r"cracked) (?:my|his|her|their) head|fell on (?:my|his|her|their) head|"
                r"landed on (?:my|his|her|their) head")
_HEAD_RED_FLAG_EN = (r"vomit\w*|throwing up|threw up|throw up|puk\w*|sleepy|"
                     r"keeps? falling asleep|blurry|double vision|seeing double|"
                     r"bleeding from (?:the|his|her|my) ear")
# Without the pronoun ("cayo", not "se cayo"): the words are distinctive, so the
# patterns are indexed by them and not tried at every "se" or "me".
_FALL_ES = (r"cayo|cai|callo|cae|caida(?! de(?:l)? (?:pelo|cabello))|golpe en la cabeza|"
            r"golpeo|pego en la cabeza|resbalo|resbale|tropezo|tropece|dio un golpe|di un golpe|"
            r"azoto|accidente|choque")
# Two groups of at most 32 words: a longer list first in a pattern would be
# indexed by partial words (rules.literal_prefixes caps the prefixes at 64).
_CONFUSED_ES = (r"confundid[oa]|desorientad[oa]|somnolient[oa]|atontad[oa]|aturdid[oa]|"
                r"incoherente|incoherentes|desvaria|desvariando|desmayo|desmayado|desmayada|"
                r"habla raro|ve doble|vision doble|mirada perdida|como ido|como ida|"
                r"como perdid[oa]")
_CONFUSED_NO_ES = (r"no sabe (?:donde|quien|que dia|en que dia|que ano|en donde)|no reconoce|"
                   r"no (?:me|nos|los|la|lo|te) reconoce|no se acuerda|no recuerda|no tiene sentido|no despierta|"
                   r"no reacciona|dice cosas sin sentido|dice cosas raras")
_HEAD_HIT_ES = (r"golpe en la cabeza|golpeo la cabeza|pego en la cabeza|dio en la cabeza|"
                r"cayo de cabeza|lastimo la cabeza|pegue en la cabeza")
_HEAD_RED_FLAG_ES = (r"vomit\w*|mucho sueno|muy dormid[oa]|ve borroso|ve doble|"
                     r"sangre por (?:el oido|la nariz)")

_PILLS = (r"pills?|meds|medication|medications|medicine|tablets|capsules|xanax|tylenol|advil|"
          r"aleve|ibuprofen|acetaminophen|aspirin|oxy\w*|percocets?|percs|norco|vicodin|"
          r"tramadol|fentanyl|heroin|ativan|klonopin|valium|ambien|benadryl|seroquel|"
          r"trazodone|gabapentin|lithium|zoloft|prozac|sertraline|lexapro|adderall|melatonin|"
          r"nyquil|sleeping pills|sleeping meds|pain pills|painkillers|pain killers|"
          r"antidepressants|insulin")
_LOTS_OF = (r"all|too many|too much|a bunch|a lot|a handful|handful|the whole|a whole|"
            r"an entire|the entire|extra|a ton|tons|1[5-9]|[2-9][0-9]|[1-9][0-9][0-9]")
_POISON_EN = (r"bleach|poison|rat poison|antifreeze|drano|lye|pesticide|weed killer|roundup|"
              r"cleaning (?:fluid|liquid|product|solution|spray|stuff)|floor cleaner|"
              r"drain cleaner|windex|lysol|pine sol|gasoline|paint thinner|lamp oil|"
              r"nail polish remover|"
              r"windshield fluid|lighter fluid|tide pods?|detergent pods?")
_PASTILLAS = (r"pastillas?|pildoras?|medicinas?|medicamentos?|tabletas|capsulas|frasco|bote|"
              r"caja|clonazepam|rivotril|tylenol|paracetamol|ibuprofeno|aspirinas?|insulina")
_VENENO = (r"veneno|raticida|matarratas|cloro|insecticida|anticongelante|lejia|"
           r"liquido (?:de|para) limpiar|limpiador|limpiapisos|fabuloso|pinol|gasolina|"
           r"thinner|acido|destapacanos|quitaesmalte")

_NUM_WORDS = r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|couple|few"
_NUM_1_12 = r"[1-9]|1[0-2]|" + _NUM_WORDS
# Keep each number alternation under 64 literal starts (rules.literal_prefixes),
# or the engine cannot index the pattern and has to scan the whole text with it.
_NUM_DAYS = r"[1-3][0-9]|[1-9]|" + _NUM_WORDS + r"|fifteen|twenty|thirty|forty"
_BABY_EN = r"baby|infant|son|daughter|newborn"
# Ages under about three months, in separate alternations to keep patterns short.
_AGES_EN = (
    r"newborn|new born|(?:1|2|one|two) (?:month|months) old|month old",
    rf"(?:{_NUM_DAYS}) (?:day|days) old|(?:{_NUM_1_12}) (?:week|weeks) old",
    r"[4-8][0-9] days old",
    rf"(?:{_BABY_EN}) is (?:only |just )?(?:(?:{_NUM_DAYS}) days|(?:{_NUM_1_12}) weeks|"
    r"(?:1|2|one|two) months?)",
    rf"born (?:(?:{_NUM_DAYS}) (?:days|weeks) ago|(?:a|one|1|two|2) months? ago|a week ago|"
    r"last week|this week|yesterday)",
)
_NUM_ES = (r"[1-9]|1[0-2]|un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|"
           r"unos|unas|pocos|pocas")
_NUM_DIAS_ES = (r"[1-3][0-9]|[1-9]|un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|"
                r"once|doce|unos|unas|pocos|pocas|quince|veinte|treinta|cuarenta")
_BEBE = r"bebe|bebita|bebito|nina|nino"
_AGES_ES = (
    r"recien nacid[oa]|nacio (?:ayer|antier|la semana pasada)",
    rf"(?:{_BEBE}|hij[oa]|nieto|nieta) de (?:(?:{_NUM_DIAS_ES}) (?:dia|dias)|"
    rf"(?:{_NUM_ES}) (?:semana|semanas)|(?:1|2|un|dos) mes(?:es)?|mes y medio)",
    rf"(?:{_BEBE}) tiene (?:(?:{_NUM_DIAS_ES}) (?:dia|dias)|(?:{_NUM_ES}) (?:semana|semanas)|"
    r"(?:1|2|un|dos) mes(?:es)?)",
    rf"nacio hace (?:(?:{_NUM_DIAS_ES}) (?:dia|dias|semana|semanas)|(?:un|1|dos|2) mes(?:es)?|"
    r"mes y medio)",
)
# "15 dias de nacido": written before the fever, and starting with a number, so
# only in that order (fever first it would be tried at every "fiebre").
_AGE_DE_NACIDO_ES = (
    rf"(?:{_NUM_DIAS_ES}) (?:dia|dias) de (?:nacid[oa]|edad)|"
    rf"(?:{_NUM_ES}) (?:semana|semanas) de (?:nacid[oa]|edad)|"
    r"(?:1|2|un|dos) mes(?:es)? de nacid[oa]|mes y medio de nacid[oa]"
)
# The same ages in one shorter alternation, for the fever-first order.
_AGE_EN_SHORT = (rf"newborn|new born|(?:[1-9]|[1-8][0-9]|{_NUM_WORDS}) (?:day|days|week|weeks) old|"
                 r"(?:1|2|one|two) months? old|just born|born (?:last week|this week|yesterday)|"
                 rf"(?:{_BABY_EN}) is (?:only |just )?(?:[1-9]|[1-8][0-9]|{_NUM_WORDS}) "
                 r"(?:days|weeks)")
_AGE_ES_SHORT = (r"recien nacid[oa]|nacio (?:ayer|antier|la semana pasada|hace)|mes y medio|"
                 rf"(?:{_BEBE}) (?:de|tiene) (?:{_NUM_DIAS_ES}) (?:dia|dias|semana|semanas)|"
                 rf"(?:hijo|hija|nieto|nieta) de (?:{_NUM_DIAS_ES}) (?:dia|dias|semana|semanas)|"
                 rf"(?:{_BEBE}|hijo|hija) (?:de|tiene) (?:1|2|un|dos) mes(?:es)?")
_FEVER_EN = (r"fever|feverish|temperature|feels hot|feels warm|hot to the touch|burning up|"
             r"rectal|rectally|10[0-5]|3[89]")
_FEVER_ES = r"fiebre|temperatura|caliente|ardiendo|hirviendo|3[89]"
# "blood" that is not a test, a pressure or a sugar.
# Fainting, or towels used up, before or after the bleeding.
_BLEEDING_AFTERMATH_EN = (r"faint|fainting|lightheaded|light headed|pass out|passing out|"
                          r"(?:[2-9]|two|three|four|five|several|multiple|many) (?:towels|bandages|"
                          r"gauze|pads|paper towels|rags|dish towels|shirts)")
_BLEEDING_SIGNS_EN = (r"pouring|gushing|spurting|squirting|everywhere|nonstop|non stop|constantly|"
                      r"like a faucet|pumping|pulsing|fast|quickly|heavily|profusely|"
                      r"(?:running|pouring|streaming|dripping|dripped|ran) down (?:my|his|her|their|"
                      r"the) (?:leg|legs|arm|arms|face|neck|hand)|an hour|1 hour|one hour|hours|"
                      r"half an hour|[2-9] hours|two hours|three hours|[2-5][05] minutes|"
                      r"thirty minutes|forty five minutes|" + _BLEEDING_AFTERMATH_EN)
_ALERGIA = (r"alergi(?:a|co|ca)|reaccion|picadura|pico|abeja|avispa|cacahuate|cacahuates|"
            r"mani|nuez|nueces|camaron|camarones|mariscos")
_BLOOD = (r"blood(?! (?:work|test|tests|sugar|sugars|pressure|type|draw|glucose|count|panel|"
          r"results|thinner|thinners|bank|donation|drive))")

EMERGENCY_RULES = [
    emergency(
        "em_chest_pain_en", "en", "Chest pain, pressure or tightness; heart attack.",
        phrases=["heart attack", "cardiac arrest", "elephant on my chest",
                 "elephant sitting on my chest", "pain going down my left arm",
                 "pain down my left arm", "pain in my left arm and jaw"],
        patterns=[*near(_CHEST, _CHEST_FEELING, 5, stop=SAME_PHRASE),
                  r"(?:clutching|grabbing|holding|rubbing|pressing on|pounding on) "
                  r"(?:my|his|her|their) chest",
                  *near(r"chest", r"sweat\w*|clammy|gray|grey|ashen|pale", 8,
                        stop=r"_|x|ray|xray"),
                  r"(?:sitting|sat|standing|weight|parked|stepping|pressing|pushing|crushing) "
                  r"on (?:my|his|her|their) chest",
                  rf"chest (?:and|n) (?:my |his |her )?(?:left )?(?:arm|arms|jaw|back|shoulder|"
                  rf"neck){gap(3)} (?:{_CHEST_FEELING})",
                  r"jaw (?:and|n) (?:my |his |her |the )?left (?:arm|shoulder)",
                  r"left (?:arm|shoulder) (?:and|n) (?:my |his |her |the )?jaw",
                  _RADIATES_EN,
                  # a simile about the chest: "like a belt around his chest"
                  r"(?:(?<=feel )|(?<=feels )|(?<=felt )|(?<=feeling )|(?<=its )|(?<=is ))like "
                  r"(?:a|an|someone|somebody|something)(?: \w+){1,4} (?:on|in|around|across) "
                  r"(?:my|his|her|their|the) chest"],
    ),
    emergency(
        "em_chest_pain_es", "es", "Dolor, presion u opresion en el pecho; infarto.",
        phrases=["infarto", "ataque al corazon", "ataque cardiaco", "paro cardiaco"],
        patterns=[*near(_PECHO, _PECHO_FEELING, 5, stop=SAME_PHRASE),
                  *near("pecho", r"peso|pesa", 4, stop=SAME_PHRASE), _RADIATES_ES,
                  *near("pecho", r"sudando|sudor frio|sudor|palid[oa]|gris|sudoroso|sudorosa",
                        8, stop="_"),
                  # a simile about the chest: "como un fierro en el pecho"
                  r"(?:(?<=siento )|(?<=sentia )|(?<=siente )|(?<=es )|(?<=era ))como "
                  r"(?:un|una|si|que)(?: \w+){1,4} (?:en|sobre) (?:el|mi|su) pecho"],
    ),
    emergency(
        "em_breathing_en", "en", "Trouble breathing, choking, blue lips.",
        phrases=["gasping for air", "suffocating", "smothering", "turning blue", "choking",
                 "stopped breathing", "not breathing", "breathing through a straw",
                 "ribs are sucking in", "ribs sucking in", "wheezing badly", "gurgling",
                 "having an asthma attack", "asthma attack right now", "grunting",
                 "breathless", "nostrils flaring", "flaring nostrils",
                 "cant stop wheezing"],
        # "is shortness of breath a side effect of ...", "does it cause shortness of
        # breath": a question about a drug, not a symptom.
        patterns=[rf"(?<!cause )(?<!causes )(?:{_BREATHING_TROUBLE}){gap(4)} (?:{_BREATH})"
                  rf"(?!{_SIDE_EFFECT_EN})",
                  r"(?:cant|unable to|not able to) (?:talk|speak) in (?:full |whole )?sentences",
                  r"not enough (?:air|oxygen|breath)",
                  rf"(?:lips|face|mouth){gap(3)} (?:blue|bluish|purple|"
                  r"gray|grey|dusky)",
                  r"(?:turning|turned|going|went) (?:blue|bluish|purple)",
                  rf"(?:breathing|breath){gap(3)} (?:hard|difficult|labored|laboured|fast|weird|"
                  r"funny|strange|noisy|shallow|rapid|quick|rattl\w*|wheezy|struggl\w*|"
                  r"a struggle|an effort|effort)",
                  rf"breathing{gap(2)} (?:terrible|terribly|awful|bad|badly|scary)",
                  rf"(?:inhaler|nebulizer|albuterol|rescue){gap(3)} (?:isnt|not|doesnt|wont|"
                  r"didnt|is not) (?:working|helping|help|work)",
                  rf"(?:out of breath|winded|puffing){gap(4)} (?:just|even|sitting|walking|"
                  r"talking|resting|at rest|lying|laying|doing nothing|all the time|getting worse)",
                  rf"(?:ribs|chest|skin|neck|belly|stomach){gap(3)} (?:(?:sucking|sucks|sucked|"
                  r"pulling|pulls|caving|caves|sinking|sinks) in)",
                  rf"wheez\w*{gap(2)} (?:bad|badly|real bad|really bad|so bad|terrible|terribly|"
                  r"severe\w*|nonstop|non stop|constantly|worse)",
                  rf"(?:lungs?){gap(3, stop=SAME_PHRASE)} (?:tight\w*|closing|clos\w* up|"
                  r"collaps\w*|on fire|filling)",
                  r"suffocat\w*|smother\w*|(?:feel|feels|felt) like (?:im|i am|hes|shes) drowning",
                  rf"(?:talk|talking|speak|speaking|say|sentence|sentences|words){gap(6)} "
                  r"(?:stop|stopping|pause|pausing)(?: and)? (?:to )?(?:breathe|catch|get (?:my|his|her) "
                  r"breath|get air)",
                  r"(?:cant|couldnt|unable to|barely|hardly) (?:finish|complete|get through) "
                  r"(?:a |my |his |her )?sentences?"],
    ),
    emergency(
        "em_breathing_es", "es", "Dificultad para respirar, ahogo, labios morados.",
        phrases=["me ahogo", "se ahoga", "me estoy ahogando", "se esta ahogando",
                 "no me entra el aire", "no le entra el aire", "me asfixio", "se asfixia",
                 "asfixiando", "labios morados", "se esta poniendo morado",
                 "se esta poniendo morada", "ataque de asma", "me siento ahogada",
                 "me siento ahogado", "se siente ahogada", "se siente ahogado",
                 "se le hunden las costillas", "se me cierra el pecho", "se le cierra el pecho",
                 "me quedo sin aire", "se queda sin aire", "me quede sin aire"],
        patterns=[rf"(?:{_RESPIRAR_TROUBLE}){gap(3)} (?:para )?(?:{_RESPIRAR})"
                  rf"(?!{_SIDE_EFFECT_ES})",
                  r"no (?:puedo|puede|podia) (?:agarrar|jalar|tomar|meter|sacar) (?:el )?aire",
                  r"no (?:agarro|agarra|jalo|jala) (?:el )?aire",
                  r"no (?:me|le) (?:llega|entra|alcanza) (?:el )?aire",
                  r"no (?:puedo|puede|podia|pudo)(?: \w+){0,2} ni respirar",
                  rf"respira(?:ndo|ba)?{gap(2)} (?:dificultad|rapid\w*|agitad\w*|trabajo|"
                  r"esfuerzo|ruido|entrecortad[oa]|raro|feo)",
                  r"sin (?:aire|respiracion)(?! acondicionado)",
                  rf"(?:inhalador|nebulizador|bomba){gap(3)} no (?:le |me )?(?:sirve|funciona|"
                  r"ayuda|hace efecto)",
                  rf"costillas{gap(3)} (?:{_RETRACT_ES})",
                  rf"(?:{_RETRACT_ES}){gap(5)} costillas",
                  rf"(?:labios|boca|cara|unas|dedos){gap(3)} (?:morad[oa]s?|azul\w*|gris\w*)",
                  r"se (?:esta poniendo|puso|pone|le pusieron|le ponen) (?:los labios )?"
                  r"(?:morad[oa]s?|azul\w*)",
                  r"asfixi\w*|ahog(?:o|a|an|ando|ada|ado|arme|arse)"],
    ),
    emergency(
        "em_stroke_en", "en", "Stroke signs: face drooping, slurred speech, one-sided "
                              "weakness or numbness.",
        phrases=["having a stroke", "stroke symptoms", "think its a stroke",
                 "slurred speech", "slurring", "speech is slurred", "words are slurred",
                 "talking funny", "talking weird", "talking strange", "cant talk right",
                 "cant speak right", "cant speak clearly", "cant get words out",
                 "talking like hes drunk", "talking like shes drunk", "sounds drunk"],
        patterns=[rf"(?:{_FACE_PART}){gap(3)} (?:{_DROOP})",
                  rf"(?:droop\w*|sagging|lopsided){gap(3)} (?:{_FACE_PART})",
                  rf"(?:{_WEAK}){gap(4)} (?:left|right|one) (?:{_LIMB})",
                  rf"(?:left|right|one) (?:{_LIMB}){gap(5)} (?:{_WEAK})",
                  rf"(?:dropp\w*|dragg\w*|clums\w*|useless){gap(4)} (?:left|right|one) "
                  rf"(?:{_LIMB_PART})",
                  rf"(?:left|right|one) (?:{_LIMB_PART}){gap(5)} (?:{_FAILS})",
                  rf"(?:sudden|suddenly)(?: \w+){{0,2}} (?:{_WEAK}|confused|cant talk|cant speak|"
                  r"cant see|blind)",
                  rf"(?:cant|couldnt|unable to) (?:lift|move|feel|raise|use){gap(2)} "
                  rf"(?:{_LIMB})",
                  rf"(?:cant|cannot|couldnt|trouble|hard time|unable to){gap(2)} "
                  r"(?:find|get|say|form)(?: \w+){0,2} words",
                  rf"(?:speech|words|sentences){gap(4)} (?:slurred|weird|strange|funny|garbled|off|"
                  r"jumbled|mixed up|all mixed|nonsense|gibberish|wrong|backwards|scrambled|"
                  r"messed up)",
                  rf"(?:talking|talks|speaking|speaks){gap(2)} (?:slurred|weird|strange|funny|"
                  r"garbled|jumbled|mixed up|nonsense|gibberish|backwards|scrambled)",
                  r"(?:talk\w*|speak\w*|says|saying|speech|words)(?: \w+){0,2} "
                  r"(?:gibberish|nonsense)",
                  r"(?:cant|couldnt|cannot|hard to) understand(?: \w+){0,3} (?:hes|shes|he is|"
                  r"she is|he|she) (?:saying|says|talking|trying to say)",
                  r"(?:arm|arms|leg|legs|hand|face)(?: is| feels| went| has gone)? "
                  r"(?:limp|paralyzed)",
                  rf"(?:half|one side)(?: of)? (?:my|his|her|the) (?:face|body|mouth)"
                  rf"{gap(3)} (?:{_DROOP}|{_WEAK})",
                  r"(?:suddenly|all of a sudden|out of nowhere) (?:confused|cant talk|cant speak|"
                  r"cant see)",
                  r"confused (?:all of a sudden|out of nowhere|suddenly)",
                  r"(?:saying|says|using|uses|said) (?:the )?wrong words",
                  r"(?:saying|says|said|using|uses|talking) (?:random|weird|strange|made up|"
                  r"mixed up) words",
                  r"(?:words|saying|says|talking|speaking|speech)(?: \w+){0,4} (?:that )?"
                  r"(?:dont|doesnt|didnt) make (?:any )?sense",
                  *near(r"numb\w*|weak\w*|droop\w*|tingl\w*",
                        r"cant talk|cant speak|cant get (?:the )?words out|slurr\w*|talking funny|"
                        r"talking weird|wrong words", 8),
                  r"(?:cant|couldnt|unable to|wont) (?:smile|close (?:his|her|my) eye|raise "
                  r"(?:his|her|my) eyebrows?)",
                  rf"smile{gap(3)} (?:crooked|uneven|lopsided|droop\w*|one sided|wrong|off)",
                  rf"(?:cant|couldnt|unable to|wont) (?:move|feel|lift|use|smile|raise|grip|hold)"
                  rf"{gap(3)} (?:on )?(?:the |my |his |her )?(?:left|right|one) side",
                  *near(r"dropp\w*|drops|dropped",
                        r"smile|speech|slurr\w*|(?:left|right|one) side|confused", 10),
                  # one arm and leg on the same side
                  rf"(?:{_ARM_AND_LEG}){gap(8)} (?:numb\w*|weak\w*|tingl\w*|heavy|dead|wont|cant|"
                  r"arent mine|not mine|useless|asleep|feel (?:weird|strange|funny|wrong))",
                  rf"(?:numb\w*|weak\w*|tingl\w*|heavy|dead|useless){gap(8)} (?:{_ARM_AND_LEG})"],
    ),
    emergency(
        "em_stroke_es", "es", "Signos de derrame: cara caida, habla arrastrada, debilidad o "
                              "entumecimiento de un lado.",
        phrases=["derrame cerebral", "embolia", "le dio un derrame", "me esta dando un derrame",
                 "le esta dando un derrame", "habla arrastrada", "arrastra las palabras",
                 "arrastrando las palabras", "habla raro", "habla rara", "habla chistoso",
                 "no puede hablar bien", "no puedo hablar bien", "no encuentra las palabras",
                 "no se le entiende",
                 "habla como borracho", "habla como borracha", "se le traba la lengua",
                 "lengua trabada", "arrastra la lengua", "dice incoherencias",
                 "habla incoherente", "dice palabras raras"],
        patterns=[*near(_CARA, _CAIDA, 3, stop=SAME_PHRASE),
                  r"(?:cayo|callo) (?:la cara|la boca|de un lado)",
                  rf"(?:{_CARA}){gap(3)} de lado",
                  rf"(?:{_DEBIL}){gap(4)} (?:un lado|lado izquierdo|lado derecho|el brazo|"
                  r"la pierna|la mano|la cara|el pie|medio cuerpo|la mitad)",
                  rf"(?:un lado|lado izquierdo|lado derecho|medio cuerpo|mitad del cuerpo|"
                  rf"mitad de la cara|media cara){gap(5)} (?:{_DEBIL}|{_CAIDA})",
                  r"no (?:puede|puedo|podia) (?:mover|levantar|sentir)(?: \w+){0,2} "
                  rf"(?:{_MIEMBRO})",
                  rf"(?:perdio la|perdi la|sin) fuerza{gap(3)} (?:{_MIEMBRO})",
                  rf"(?:no tiene|no tengo|le falta|me falta) fuerza{gap(3)} (?:{_MIEMBRO})",
                  r"(?:de repente|de golpe|de la nada)(?: \w+){0,2} (?:no (?:puedo|puede) "
                  r"(?:hablar|ver|caminar|mover|sentir)|se (?:le|me) (?:durmio|adormecio|entumio)|"
                  r"habla raro)"],
    ),
    emergency(
        "em_bleeding_en", "en", "Severe bleeding that does not stop.",
        phrases=["bleeding a lot", "bleeding heavily", "bleeding heavy",
                 "heavy bleeding", "severe bleeding", "bleeding badly", "bleeding really bad",
                 "bleeding so much", "blood everywhere", "gushing", "spurting",
                 "soaked through", "soaking through", "losing a lot of blood", "so much blood",
                 "lots of blood", "bleeding through", "keeps bleeding", "keep bleeding",
                 "still bleeding", "hemorrhage", "hemorrhaging", "bleeding out", "bled through",
                 "pool of blood", "puddle of blood", "blood all over", "covered in blood",
                 "bleeding like crazy", "wont clot", "hit an artery", "cut an artery"],
        # Patterns that start with "blood" are tried at every "blood" ("blood work",
        # "blood pressure"), so the severity signs are one alternation, not one
        # pattern each.
        patterns=[rf"(?:bleed\w*|{_BLOOD}){gap(8)} (?:wont|will not|doesnt|does not|cant|isnt|not|"
                  r"hasnt|never) (?:stop|stops|stopping|stopped|quit|quits|quitting|slow|slowing|"
                  r"clot|clotting|let up|ease up)",
                  rf"(?:bleed\w*|{_BLOOD}){gap(6)} (?:{_BLEEDING_SIGNS_EN})",
                  rf"(?:{_BLEEDING_AFTERMATH_EN}){gap(8)} (?:bleed\w*|{_BLOOD})",
                  rf"(?:pressing|holding pressure|applying pressure|put pressure|putting pressure|"
                  rf"held pressure|pressed){gap(3)} (?:[1-5][0-9]|ten|fifteen|twenty|thirty|an|half an) "
                  r"(?:minutes|hour)",
                  r"bleeding and bleeding",
                  r"(?:wont|cant|cannot|will not|doesnt|couldnt) (?:stop|get) (?:the |it to stop )?"
                  r"bleed\w*",
                  rf"soak\w*{gap(3)} (?:bandages?|towels?|pads?|gauze)",
                  r"(?:lost|losing|lose) (?:a lot of|alot of|so much|too much|tons of|lots of) blood"],
    ),
    emergency(
        "em_bleeding_es", "es", "Sangrado fuerte que no para.",
        phrases=["sangrando mucho", "sangra mucho", "sangrado abundante", "sangrado fuerte",
                 "sangrado muy fuerte", "mucha sangre", "hemorragia", "sangrando demasiado",
                 "sale mucha sangre", "se desangra", "se esta desangrando", "chorros de sangre",
                 "charco de sangre", "sangre por todos lados", "sangre por todas partes",
                 "perdio mucha sangre", "perdi mucha sangre"],
        patterns=[rf"sangr\w*{gap(6)} no (?:para|deja|se detiene|se quita|se para|paraba)",
                  r"sangr\w* (?:mucho|muchisimo|demasiado|bastante|sin parar|a chorros)",
                  rf"no (?:para|deja|dejo|paraba|se detiene|se para)(?: de)?{gap(2)} "
                  r"(?:sangr\w*|salir sangre)",
                  rf"empap\w*{gap(3)} (?:de sangre|toallas?|vendas?|gasas?|trapos?)",
                  rf"sangr(?:ando|a|o|an|ado){gap(4)} (?:una hora|media hora|horas|[2-9] horas|dos horas|"
                  r"tres horas|[2-5][05] minutos)",
                  rf"(?:hora|horas){gap(2)} sangrando",
                  rf"(?:brota\w*|chorrea\w*|escurre|escurriendo){gap(2)} sangre",
                  r"sangra y sangra|sangrando y sangrando",
                  *near(r"sangr\w*|herida|cortada",
                        r"(?:[2-9]|dos|tres|cuatro|cinco|varias|muchas) (?:toallas|gasas|vendas|"
                        r"trapos|toallitas|servilletas|curitas)", 10)],
    ),
    emergency(
        "em_unconscious_en", "en", "Fainting, loss of consciousness, confusion after a fall.",
        phrases=["passed out", "pass out", "passing out", "fainted", "fainting", "blacked out",
                 "lost consciousness", "loss of consciousness", "unconscious", "knocked out",
                 "wont wake up", "cant wake him", "cant wake her", "not waking up",
                 "unresponsive", "collapsed", "found on the floor", "found her on the floor",
                 "found him on the floor", "dont want to wake up", "out cold",
                 "knocked unconscious", "wont come to", "having a seizure", "convulsing", "eyes rolled back", "went limp"],
        patterns=[rf"(?:{_FALL_EN}){gap(10)} (?:{_CONFUSED_EN})",
                  rf"(?:{_CONFUSED_EN_FIRST}){gap(10)} (?:{_FALL_EN})",
                  rf"(?:not|isnt|doesnt|wasnt) (?:making|make|makes) (?:any )?sense{gap(10)} "
                  rf"(?:{_FALL_EN})",
                  rf"(?:{_FALL_EN}){gap(10)} (?:{_ALTERED_EN})",
                  rf"(?:{_ALTERED_EN_FIRST}){gap(10)} (?:{_FALL_EN})",
                  *near(_HEAD_HIT_EN, _HEAD_RED_FLAG_EN, 10),
                  r"(?:he|she|hes|shes|baby|mom|dad|husband|wife|son|daughter|grandma|grandpa|"
                  r"mother|father)(?: \w+){0,2} (?:not responding|isnt responding|wont respond|"
                  r"not waking up)",
                  r"(?:cant|couldnt|hard to|trouble|barely) (?:wake|waking|rouse) (?:him|her|them|"
                  r"my|mom|dad|grandma|grandpa|the baby)",
                  r"found (?:him|her|them|my (?:mom|dad|mother|father|husband|wife|grandma|grandpa|"
                  r"grandmother|grandfather|son|daughter|brother|sister|partner|roommate|neighbor)|"
                  r"mom|dad|grandma|grandpa)(?: \w+){0,2} on the(?: \w+)? (?:floor|ground)"],
    ),
    emergency(
        "em_unconscious_es", "es", "Desmayo, perdida del conocimiento, confusion despues de "
                                   "una caida.",
        phrases=["se desmayo", "me desmaye", "se desmaya", "se desmayaba", "perdio el conocimiento",
                 "perdio la conciencia", "perdi el conocimiento", "perdi la conciencia",
                 "inconsciente", "no despierta", "no reacciona", "se quedo inconsciente",
                 "se desvanecio", "no responde bien", "no me responde", "no nos responde",
                 "se desplomo", "se colapso", "se cayo desmayado", "se cayo desmayada",
                 "me voy a desmayar", "se va a desmayar", "convulsionando", "convulsiona",
                 "esta convulsionando", "le dio una convulsion", "ataque epileptico",
                 "se le voltearon los ojos", "no lo podemos despertar", "no la podemos despertar"],
        patterns=[*near(_FALL_ES, _CONFUSED_ES, 10),
                  *near(_FALL_ES, _CONFUSED_NO_ES, 10),
                  *near(_HEAD_HIT_ES, _HEAD_RED_FLAG_ES, 10),
                  r"(?:el|ella|abuel[oa]|mama|papa|espos[oa]|hij[oa]|bebe|tia|tio)(?: \w+){0,2} "
                  r"no (?:responde|reacciona|despierta)"],
    ),
    emergency(
        "em_self_harm_en", "en", "Suicidal thoughts, self-harm, overdose, poisoning.",
        phrases=["suicide", "suicidal", "kill myself", "killing myself", "end my life",
                 "ending my life", "take my own life", "take my life", "end it all",
                 "ending it all", "ending it", "end it tonight", "dont want to live",
                 "dont want to be alive", "dont want to be here anymore",
                 "dont want to be here any more", "just dont want to be here", "want to die",
                 "wanna die", "wants to die", "wish i was dead", "wish i were dead",
                 "better off dead", "better off without me", "no reason to live",
                 "no point in living", "point in living", "point of living", "not worth living",
                 "tired of living", "cant go on", "wish i was not here", "want to disappear",
                 "hurting myself", "harm myself", "harming myself", "self harm",
                 "cutting myself", "cutting herself", "cutting himself", "cuts herself",
                 "cuts himself", "overdose", "on purpose", "if i was gone", "if i were gone",
                 "if i wasnt here", "if i was dead", "if i were dead", "dont want to wake up",
                 "hope i dont wake up", "never wake up", "unalive", "dont want to exist",
                 "sleep forever", "cant do this anymore", "cant take it anymore",
                 "done with life", "done with living", "tired of life", "give up on life",
                 "giving up on life", "life isnt worth", "life is not worth", "suicide note",
                 "goodbye letter", "slit my wrists", "slit my wrist", "cut my wrists",
                 "no reason to go on", "this is goodbye", "tonight is the night",
                 "goodbye everyone", "tell my kids i love them", "not wake up anymore",
                 "if i wasnt around", "if i wasnt alive", "if i didnt exist",
                 "better off if i wasnt", "better off if i was not"],
        patterns=[rf"(?:took|take|taken|taking|swallowed|ate|drank|downed|chugged)(?: \w+){{0,1}} "
                  rf"(?:{_LOTS_OF})(?: \w+){{0,4}} (?:{_PILLS}|bottle|pack|box)",
                  # an intention ("want to hurt myself", "thinking about ending it"); the
                  # lookbehind keeps the pattern indexed by the verb, not by "to"/"about"
                  r"(?:(?<=to )|(?<=about )|(?<=of ))(?:hurt|hurting|harm|harming|cut|cutting|"
                  r"burn|burning|overdose|overdosing|od) (?:myself|herself|himself|themselves)",
                  r"(?:(?<=to )|(?<=about )|(?<=of ))(?:end|ending) (?:it|it all|things|my life|"
                  r"everything)",
                  r"(?:kill|shoot|hang|drown|poison|stab|strangle) (?:myself|himself|herself|"
                  r"themselves|themself)",
                  r"(?:i|he|she|we|hes|shes|ive) (?:odd|oded|odeed|odded) on",
                  rf"(?:drank|drink|drinking|swallowed|ate|eaten|took|chugged)"
                  rf"(?: \w+){{0,2}} (?:{_POISON_EN})",
                  r"(?:swallowed|ate|eaten)(?: \w+){0,2} (?:button battery|battery|batteries|"
                  r"magnets)",
                  rf"(?:pills|meds|tablets|bottle|bottles){gap(3)} (?:lined up|counted out|"
                  r"stockpiled|saved up|all out on)",
                  r"(?:stockpiling|hoarding|saving up|saved up) (?:my |all my |all the )?"
                  r"(?:pills|meds)",
                  rf"(?:want|wanna|wish|hope|hoping|going){gap(5)} (?:and )?(?:not|never) "
                  r"(?:to )?wake up(?! (?:until|till|til|before|early|at|in time))",
                  # goodbye letters; cutting that has gone further than before
                  r"(?:wrote|writing|written|left|leaving) (?:a |my |some |the )?(?:letters?|"
                  r"notes?|goodbyes?) (?:to|for) (?:everyone|everybody|my family|my kids|"
                  r"my children|my mom|my wife|my husband|my parents|my friends)",
                  r"cut (?:myself|himself|herself) (?:deep|deeper|too deep|again|on purpose|"
                  r"bad|really bad|this time)",
                  r"(?:want|wanna|going|gonna|thinking|thought|about|ready|plan|planning) to jump "
                  r"(?:off|from|in front of)"],
    ),
    emergency(
        "em_self_harm_es", "es", "Pensamientos suicidas, autolesiones, sobredosis, "
                                 "envenenamiento.",
        phrases=["quiero morir", "quiero morirme", "me quiero morir", "quiere morirse",
                 "se quiere morir", "no quiero vivir", "no quiero seguir viviendo",
                 "quitarme la vida", "quitarse la vida", "quitar la vida", "matarme",
                 "me voy a matar", "mejor sin mi",
                 "me quiero matar", "se quiere matar", "quiero desaparecer",
                 "sentido a la vida", "sentido a vivir", "sentido de vivir", "ganas de vivir",
                 "mejor muerto", "mejor muerta", "estarian mejor sin mi", "ganas de morir",
                 "ganas de morirme", "quisiera morirme", "prefiero morirme",
                 "suicidarme", "suicidarse", "suicidio", "suicida", "hacerme dano",
                 "hacerse dano", "sobredosis", "a proposito", "no quiero despertar",
                 "no quiero despertarme", "dormir para siempre", "acabar con mi vida",
                 "acabar con todo", "terminar con mi vida", "terminar con todo",
                 "ya no quiero estar aqui", "no quiero existir", "ya no aguanto la vida",
                 "ya no aguanto vivir", "harta de vivir", "harto de vivir", "cansada de vivir",
                 "cansado de vivir", "no vale la pena vivir", "ahorcarme",
                 "ahorcarse", "carta de despedida",
                 "cortarme las venas", "cortarse las venas", "si yo no estuviera",
                 "si ya no estuviera", "si no estuviera aqui", "si yo me muriera", "si me muriera",
                 "si yo no existiera", "si no existiera", "adios a todos",
                 "hoy es la noche", "esta noche es la noche"],
        patterns=[r"(?:tome|tomo|tomado|trago|trague|tragado|tomaron)(?: \w+){0,2} (?:todas|todos|"
                  r"todo el|toda la|muchas|muchos|un frasco|un bote|una caja|el frasco|el bote|"
                  r"la caja|un monton|un punado|demasiadas|demasiados|varias|bastantes|doble|"
                  r"1[5-9]|[2-9][0-9]|veinte|treinta)(?: \w+){0,2} "
                  rf"(?:{_PASTILLAS})",
                  r"cort\w*(?: \w+){0,2} (?:los brazos|las munecas|las piernas|la muneca|"
                  r"las venas)",
                  rf"(?:tomo|tome|tomaron|trago|trague|bebio|bebi|comio)(?: \w+){{0,2}} "
                  rf"(?:{_VENENO})",
                  r"(?:trago|trague|se comio|comio|se metio)(?: \w+){0,2} (?:una pila|pilas|"
                  r"una bateria|baterias|imanes|un iman)",
                  r"(?:escribi|escribio|deje|dejo|escribiendo) (?:una |unas |mis |sus )?"
                  r"(?:carta|cartas|nota|notas) (?:para|a) (?:todos|mi familia|mis hijos|"
                  r"su familia|sus hijos|mi mama|mis papas)",
                  r"(?:tirarme|aventarme|tirarse|aventarse) (?:del puente|de un puente|"
                  r"de un edificio|del edificio|de la azotea|por la ventana|de la ventana|al tren|"
                  r"a las vias|al metro|a los carros)"],
    ),
    emergency(
        "em_allergic_en", "en", "Severe allergic reaction: throat, tongue, lips or face "
                                "swelling; anaphylaxis.",
        phrases=["anaphylaxis", "anaphylactic", "used my epipen", "used the epipen",
                 "used his epipen", "used her epipen", "gave him the epipen",
                 "gave her the epipen", "used epipen"],
        patterns=[*near(r"throat|tongue|lip|lips|face|mouth|airway",
                        r"closing|closed|swell|swells|swelled|swelling|swollen|tight|tighter|"
                        r"tightening|tightness|big|bigger|huge|blow up|blowing up|blows up|"
                        r"blew up|ballooned|ballooning|thick|shut", 4, stop=SAME_PHRASE),
                  r"(?:used|use|gave|give|needed|took)(?: \w+){0,2} (?:epipen|epi pen|"
                  r"epinephrine)",
                  *near(r"allergic|hives|stung|sting|bee|wasp|peanuts?|nuts|shellfish|"
                        r"shrimp|epipen",
                        r"(?:hard|trouble|cant|difficulty|difficult|struggling) (?:to )?"
                        r"swallow\w*|(?:throat|tongue) (?:feels|is|feel) (?:funny|weird|thick|"
                        r"fuzzy|strange)|voice (?:is )?(?:hoarse|changing|weird)", 10),
                  *near(r"allergic|hives|stung|sting|bee|wasp|hornet|peanuts?|nuts|shellfish|"
                        r"shrimp|epipen",
                        r"(?:face|eyes|eye|lips|tongue|throat|mouth)(?: \w+){0,2} (?:swell\w*|"
                        r"swollen|puff\w*|blew up|blow\w* up|balloon\w*)", 10),
                  *near(r"hives|stung|sting|bee|wasp|hornet|peanuts?|nuts|shellfish|shrimp|"
                        r"allergic|epipen",
                        r"wheez\w*|short of breath|shortness of breath|(?:hard|trouble|cant) "
                        r"(?:to )?(?:breathe|breathing)", 10),
                  rf"whole (?:face|head){gap(2)} (?:swell\w*|swollen|puff\w*|blew up|blow\w* up|"
                  r"balloon\w*)"],
    ),
    emergency(
        "em_allergic_es", "es", "Reaccion alergica grave: garganta que se cierra, lengua, "
                                "labios o cara hinchados.",
        phrases=["anafilaxia", "choque anafilactico", "shock anafilactico",
                 "reaccion alergica fuerte", "reaccion alergica grave", "epinefrina"],
        patterns=[*near(_ALERGIA + r"|ronchas", r"silba\w*|chifla\w*|silbido", 10),
                  *near(r"lengua|labio|labios|cara|boca|ojos|parpados",
                        r"hinch\w*|inflamad[oa]s?", 4, stop=SAME_PHRASE),
                  *near(r"garganta", r"cierra|cerrando|cerro|cerrad[oa]", 3),
                  # a trigger near trouble swallowing; one pattern per airway sign so
                  # that each is indexed by its own words (rules.literal_prefixes)
                  *(pattern for airway in (r"no (?:puedo|puede) tragar",
                                           r"no (?:puedo|puede) pasar saliva",
                                           r"(?:me|le) cuesta tragar",
                                           r"hinch\w* (?:la|mi|su) garganta",
                                           r"garganta (?:hinchada|apretada|cerrada)")
                    for pattern in near(_ALERGIA, airway, 10))],
    ),
    emergency(
        "em_pregnancy_bleeding_en", "en", "Bleeding in pregnancy; miscarriage.",
        phrases=["having a miscarriage", "think im miscarrying", "miscarrying",
                 "losing the baby", "losing my baby"],
        # "im 26 weeks": the subject is a lookbehind, so the pattern is indexed by
        # "weeks"/"months" and not tried at every "im"
        patterns=[*near(r"pregnant|pregnancy|weeks along|months along|trimester|"
                        r"expecting (?:a baby|a little one|our first|my first|our second|"
                        r"my second|our third|twins|a boy|a girl|again)|"
                        r"(?<=(?:im|am|is) )(?:[4-9]|[1-3][0-9]|40) (?:weeks|months)",
                        rf"bleed\w*|bled|hemorrhag\w*|clots?|blood clots|{_BLOOD}|gush\w*|"
                        r"soak\w*", 10)],
    ),
    emergency(
        "em_pregnancy_bleeding_es", "es", "Sangrado en el embarazo; aborto espontaneo.",
        phrases=["perdiendo el bebe", "perdiendo al bebe", "aborto espontaneo"],
        patterns=near(r"embarazad[ao]|embarazo|encinta|esperando (?:un )?bebe",
                      r"sangr(?:o|a|an|ando|ado|ados|ada)|(?<!de )sangre|hemorragia|"
                      r"coagulos?|cuajos|cuajarones|chorro\w*", 10),
    ),
    emergency(
        "em_infant_fever_en", "en", "Fever in a baby under 3 months (newborn).",
        patterns=[*(near(age, _FEVER_EN, 10)[0] for age in _AGES_EN),
                  near(_AGE_EN_SHORT, _FEVER_EN, 6)[1]],
    ),
    emergency(
        "em_infant_fever_es", "es", "Fiebre en un bebe de menos de 3 meses (recien nacido).",
        patterns=[*(near(age, _FEVER_ES, 10)[0] for age in _AGES_ES),
                  near(_AGE_ES_SHORT, _FEVER_ES, 6)[1],
                  near(_AGE_DE_NACIDO_ES, _FEVER_ES, 10)[0]],
    ),
    emergency(
        "em_vomiting_blood_en", "en", "Vomiting or coughing up blood.",
        phrases=["coffee grounds", "bloody vomit"],
        patterns=[rf"(?:vomit\w*|throw\w* up|threw up|puk\w*|spit\w* up|cough\w* up|barf\w*|"
                  rf"hurl\w*|upchuck\w*){gap(6)} (?:blood|bloody|bright red|dark red|blood red|"
                  r"black stuff|black|like coffee|all red|red stuff|red chunks)",
                  r"blood in (?:my|his|her|the|their) (?:throw up|vomit|puke|spit)",
                  rf"{_BLOOD}{gap(4)} (?:vomit|vomits|vomited|vomiting|throw up|throwing up|"
                  r"threw up|puke|puked|puking)",
                  rf"(?:vomit|puke|throw up){gap(2)} (?:is|was|looks|looked|looking) "
                  r"(?:red|bloody|black|like blood)"],
    ),
    emergency(
        "em_vomiting_blood_es", "es", "Vomito o tos con sangre.",
        patterns=[rf"(?:vomit\w*|devolvi\w*|devuelv\w*|volvi\w* el estomago|arrojando|arrojo|"
                  rf"arroja|guacar\w*|echando|tosiendo|tosio|tosi|toser|"
                  rf"escupiendo|escupio|escupi){gap(3)} (?:sangre|algo negro|negro|negra|"
                  r"como cafe)",
                  rf"sangre{gap(2)} (?:al toser|cuando toso|cuando tose|en el vomito)",
                  r"(?:como|parece|parecia) (?:\w+ )?cafe molido|asientos? de cafe|posos de cafe"],
    ),
    emergency(
        "em_worst_headache_en", "en", "Worst headache of one's life; sudden severe headache.",
        phrases=["thunderclap headache", "sudden severe headache", "never had a headache",
                 "never had one this bad"],
        patterns=[rf"worst{gap(2)} (?:headache|headaches|head ache|head pain|migraine|"
                  r"pain in my head)",
                  rf"(?:worse|biggest|strongest|most painful){gap(1)} (?:headache|head pain|"
                  r"migraine) (?:ever|of my life|in my life|ive ever|i ever|i have ever)",
                  rf"(?:headache|head pain|migraine){gap(5)} (?:worst(?! part| thing)|suddenly|"
                  r"all of a sudden|out of nowhere|out of the blue|all at once|thunder\w*|"
                  r"explod\w*|ever had|ive ever|of my life|in my life)",
                  rf"(?:sudden|suddenly){gap(2)} (?:headache|head ache|head pain)",
                  rf"(?:headache|head pain|head hurts){gap(4)} (?:like never before|"
                  r"never (?:had|felt) (?:one|a headache|anything) like)",
                  rf"heads?{gap(3)} (?:explod\w*|splitting open)",
                  rf"(?:explode|explodes|exploding|exploded|explosion){gap(3)} (?:head|headache)",
                  rf"(?:headache|head pain|head){gap(6)} (?:hit|struck|smacked) (?:with|by) "
                  r"(?:a|an) (?:bat|baseball bat|hammer|truck|brick|sledgehammer)"],
    ),
    emergency(
        "em_worst_headache_es", "es", "El peor dolor de cabeza de su vida; dolor de cabeza "
                                      "subito.",
        patterns=[rf"peor{gap(2)} dolor de cabeza",
                  rf"dolor de cabeza{gap(6)} (?:peor|de repente|repentino|subito|de golpe)",
                  rf"(?:de repente|de golpe){gap(3)} (?:un )?dolor de cabeza",
                  rf"cabeza{gap(3)} como nunca",
                  r"nunca me (?:habia|ha) dolido (?:tanto )?la cabeza",
                  r"nunca (?:habia|he) tenido un dolor de cabeza",
                  rf"cabeza{gap(5, stop=SAME_PHRASE)} (?:explot\w*|revent\w*|estall\w*|"
                  r"de la nada|trueno|rayo|balazo|martillazo|jamas)",
                  rf"(?:explota|explotar|exploto|explotando|explote|revienta|reventar|reventando|"
                  rf"revento|estalla|estallar|estallando|estallo){gap(3)} (?:la )?cabeza"],
    ),
    emergency(
        "em_help_now_en", "en", "The patient asks for emergency help or fears dying.",
        phrases=["call 911", "calling 911", "called 911", "dial 911", "need an ambulance",
                 "call an ambulance", "send an ambulance", "should i go to the er",
                 "should i go to the emergency room", "do i need to go to the er",
                 "do i need to go to the emergency room", "should we go to the er",
                 "should i take him to the er", "should i take her to the er",
                 "i think im dying", "am i dying", "feel like im dying",
                 "feel like im going to die", "feels like im dying"],
    ),
    emergency(
        "em_help_now_es", "es", "El paciente pide ayuda de emergencia o teme morir.",
        phrases=["llamar al 911", "llamo al 911", "llame al 911", "me estoy muriendo", "siento que me muero", "siento que me voy a morir",
                 "me voy a morir", "se esta muriendo", "debo ir a urgencias",
                 "tengo que ir a urgencias", "lo llevo a urgencias", "la llevo a urgencias",
                 "voy a urgencias", "vamos a urgencias", "me llevo a urgencias",
                 "necesito una ambulancia", "necesitamos una ambulancia",
                 "necesita una ambulancia", "llamen una ambulancia", "llamen a una ambulancia",
                 "llamar una ambulancia", "llamar a una ambulancia", "llamo a una ambulancia",
                 "llame a una ambulancia", "llamo una ambulancia", "manden una ambulancia",
                 "mandar una ambulancia", "pidan una ambulancia", "pedir una ambulancia"],
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
                      r"critical|critically|dangerous|dangerously", 3)
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

# --- red flags (same day) ------------------------------------------------------

# A second, deliberately broad tier under the emergency safety net. The emergency
# rules need a specific pairing ("chest" near "crushing"); on wording nobody has
# written a family for they miss (first-sight recall on fresh messages has been
# 55-84%), and a miss used to land `routine` (two business days). These rules set
# `urgent` (a person reads it the same day) when a high-risk word (chest, breath,
# bleeding, fainting, confusion, suicide, throat swelling, a baby's fever, vomited
# blood, a sudden headache, bleeding in pregnancy) comes together with a sign that
# it is happening now or is bad ("now", "today", "keeps", "still", "really",
# "getting worse"; "ahora", "hoy", "sigue", "muy"). They never set `emergency`
# and never set a topic, so they cannot cause an emergency false alarm or move a
# message out of its topic; an emergency rule (priority 100) still wins over them.
# They are negatable like the emergency rules ("no chest pain today" is not a red
# flag), their gaps stop at a clause break, a negation word, or a mild word
# ("a little", "un poco"), and the risk words exclude the usual business senses
# ("chest x ray", "blood work", "heart meds", "sacarme sangre").

_MILD = r"little|bit|slightly|slight|mild|mildly|poco|poquito|poquita|tantito|leve"
# ... and words that say it is fine: "my breathing is much better now".
_RF_STOP = rf"_|{_MILD}|better|improving|improved|fine|okay|ok|mejor|bien"
RED_FLAG_PRIORITY = 45


def rf_gap(words: int) -> str:
    return gap(words, stop=_RF_STOP)


def rf_near(first: str, second: str, words: int) -> tuple[str, str]:
    return near(first, second, words, stop=_RF_STOP)


def red_flag(rule_id, language, description, phrases=(), patterns=()) -> dict:
    return {
        "id": rule_id, "language": language, "description": description,
        "phrases": list(phrases), "patterns": list(patterns),
        "sets_urgency": "urgent", "priority": RED_FLAG_PRIORITY,
    }


# "It is happening now, or it is bad": after the risk word (the risk word is
# rarer, so that order is indexed by it and tried only where it occurs).
_RF_NOW_EN = (r"now|right now|today|tonight|this morning|this afternoon|this evening|"
              r"all day|all night|since|started|starting|keeps?|still|again|worse|"
              r"worsening|bad|badly|really|so|very|severe|scared|scary|terrified|help|"
              r"asap|hurry|a lot|lots|heavy|suddenly|sudden|out of nowhere|weird|strange|"
              r"funny|wrong|pale|clammy|sweaty|gray|grey|cant|wont|going on|coming")
# Before the risk word only distinctive words, so the pattern is not tried at
# every "so" or "really" of a long message.
_RF_NOW_FIRST_EN = (r"keeps?|kept|still|suddenly|sudden|started|starting|tonight|"
                    r"scared|terrified|worse|worsening|severe|pale|clammy|sweaty")
# "de repente" with "de" in a lookbehind: indexed by "repente", not tried at every "de".
_DE_REPENTE = r"(?<=de )repente|(?<=de )golpe|(?<=de la )nada|derrepente"
_RF_NOW_ES = (r"ahora|ahorita|hoy|esta manana|esta noche|desde|empezo|empezaron|sigue|"
              r"siguen|sigo|otra vez|todavia|aun|peor|muy|mucho|mucha|muchisimo|fuerte|"
              r"rar[oa]|raro|feo|fea|ayuda|urgente|" + _DE_REPENTE + r"|"
              r"sudando|sudor|palid[oa]|asustad[oa]|no puedo|no puede|no para|rato|bastante")
_RF_NOW_FIRST_ES = (r"sigue|siguen|sigo|todavia|empezo|asustad[oa]|palid[oa]|sudando|peor|"
                    + _DE_REPENTE)

_RF_CHEST_EN = (r"chest(?! x ray| ray| ct| scan| film| xray)|breastbone|"
                r"heart(?! meds| med| medicine| medication| medications| pills| pill| doctor| "
                r"specialist| monitor| murmur| healthy| disease| rate monitor| burn| check| "
                r"is full| of| goes out)")
_RF_CHEST_SIGN_EN = (_RF_NOW_EN + r"|pounding|racing|fluttering|flutters|skipping|lightheaded|"
                     r"light headed|rubbing|holding|pressure|tight|tightness")
_RF_BREATH_EN = (r"(?:breath|breathe|breathes|breathing|breathless|wheeze|wheezing|wheezy|wheezes|gasp|gasping|gasped|"
                 r"oxygen|suffocate|suffocating|drowning)"
                 rf"(?!{_SIDE_EFFECT_EN})")
# Trouble words before the breathing word ("cant breathe", "hard to breathe").
_RF_BREATH_TROUBLE_EN = (r"cant|cannot|couldnt|barely|hardly|trouble|struggle|struggling|struggles|short|"
                         r"shortness|catch|labou?red|gasping|fighting")
# Bleeding that has stopped in the same clause is not current.
_RF_STOPPED = r"(?!(?: (?!_ )\w+){0,8} (?:stopped|has stopped|went away))"
_RF_BLEED_EN = rf"(?:bleed|bleeding|bleeds|bled|{_BLOOD}|bright red|gush|gushing|gushed|clots){_RF_STOPPED}"
_RF_BLEED_SIGN_EN = (_RF_NOW_EN + r"|pouring|dripping|everywhere|through|soaked|soaking|"
                     r"wont stop|not stopping|hour|hours|a while|long")
_RF_FAINT_EN = (r"faint|fainted|fainting|faints|pass out|passing out|passed out|blacked out|black out|"
                r"collapse|collapsed|collapsing|slumped|unresponsive|limp")
_RF_CONFUSED_EN = (r"confused(?! (?:about|by|with|why|how|what|if|as|on|whether|which|when|"
                   r"where|because|at))|disoriented|delirious|slurring|slurred|droop|droopy|drooping|drooped|"
                   r"doesnt know where|dont know where|doesnt recogni[sz]e|"
                   r"mixing up (?:names|words|people|things)|mixed up|not (?:himself|herself)|"
                   r"(?:sounded|sounds|seems|seemed|acting)(?: really| so| very| kind of)? off|"
                   r"totally lost|out of it")
_RF_SUDDEN_EN = r"suddenly|all of a sudden|out of nowhere|out of the blue|just now"
_RF_FOCAL_EN = (r"vision|eye|eyes|arm|leg|hand|face|mouth|talk|talking|speak|speaking|words|"
                r"speech|walk|walking|balance|see|numb|weak")
_RF_MOOD_EN = (r"suicide|suicidal|die|dying|dead|end it|end things|kill|hopeless|"
               r"give up|giving up|goodbye|without me|disappear|"
               r"live|living|alive|wake up|better off|if i was gone|if i were gone|"
               r"myself|unalive|pills|sleeping pills|overdose|od")
_RF_MOOD_SIGN_EN = (_RF_NOW_EN + r"|anymore|any more|plan|planning|ready|thinking|"
                    r"keep thinking|thoughts|want|wanna|tonight|tomorrow|lined up|all of them|"
                    r"whole bottle|too many|on purpose|again")
_RF_TRIGGER_EN = (r"sting|stung|bee|wasp|hornet|peanut|peanuts|nuts|shellfish|shrimp|"
                  r"allergic|hives|antibiotic|penicillin|amoxicillin|epipen|epi pen|"
                  r"new med|new medicine")
_RF_AIRWAY_EN = (r"throat|tongue|lips|lip|swallow|swallowing|breath|breathe|breathing|"
                 r"wheezing|wheezy|"
                 r"face|eyes|voice")
_RF_SWELL_EN = (r"swell|swelling|swelled|swells|swollen|puffy|puffed|puffing|closing|tight|tighter|tightening|thick|"
                r"hard to swallow|cant swallow")
_RF_BABY_EN = (r"newborn|new born|infant|baby|(?:week|weeks|day|days) old|"
               r"(?:1|2|one|two) months? old")
_RF_FEVERISH_EN = (r"fever|feverish|warm|hot|burning up|10[0-5]|3[89]")
_RF_VOMIT_EN = (r"vomit|vomits|vomited|vomiting|threw up|throw up|throwing up|puke|puked|"
                r"puking|barf|barfed|barfing|spit up|spitting up|coughed up|coughing up|"
                r"cough up")
_RF_RED = r"blood|bloody|red|black|dark|coffee|clots?"
_RF_HEADACHE_EN = r"headache|headaches|head pain|head hurts|migraine|head"
_RF_HEADACHE_SIGN_EN = (r"suddenly|sudden|out of nowhere|all of a sudden|came on fast|"
                        r"fast|intense|most intense|worst(?! part| thing)|worse than ever|explode|explodes|exploded|exploding|"
                        r"thunder|thunderclap|10 10|10 out of 10|stiff neck|neck is stiff|"
                        r"neck stiff|confused|confusion|cant see")
_RF_PREGNANT_EN = (r"pregnant|pregnancy|weeks along|months along|expecting|trimester|miscarriage|miscarrying|"
                   r"(?<=[0-9] )weeks(?= and| along| pregnant| _| im| i )")
_RF_PREGNANT_SIGN_EN = (rf"bleed|bleeding|bleeds|bled|{_BLOOD}|bright red|red|clots?|gush|gushing|gushed|soaked|soaking|"
                        r"cramp|cramps|cramping|spotting|when i wipe")

_RF_PECHO = r"pecho|corazon(?! sano)"
_RF_PECHO_SIGN = (_RF_NOW_ES + r"|late|latiendo|palpita\w*|acelerad[oa]|brinca|aprieta|"
                  r"apretad[oa]|presion|peso")
_RF_RESPIRAR = (r"respirar|respiro|respira|respiracion|aire(?! acondicionado)|"
                r"silba|silbando|chifla|chiflando|ahogo|ahoga|ahogando|ahogado|ahogada")
_RF_RESPIRAR_SIGN = (_RF_NOW_ES + r"|boca abierta|rapido|rapidito|cuesta|batalla|"
                     r"silba|chifla|pecho")
_RF_SANGRE = (r"sangra|sangrando|sangrado|sangro|sangrar|sangran|"
              r"(?<!de )(?<!sacar )(?<!sacarme )(?<!sacarle )sangre|coagulos|cuajos|cortada|herida")
_RF_SANGRE_SIGN = (_RF_NOW_ES + r"|saliendo|sale|salir|chorro|chorros|empap\w*|"
                   r"apretando|no se detiene|una hora|horas|toallas")
_RF_DESMAYO = r"desmayo|desmaye|desmayado|desmayada|desmaya|desmayar|desvanecio|desvanece|inconsciente|desplomo|conocimiento"
_RF_CONFUNDIDO = (r"confundid[oa](?! (?:con|sobre|por|de))|desorientad[oa]|"
                  r"incoherente|habla raro|no sabe (?:ni )?donde|no reconoce")
_RF_SUBITO_ES = _DE_REPENTE
_RF_FOCAL_ES = (r"vista|ojo|ojos|brazo|mano|pierna|cara|boca|hablar|habla|palabras|"
                r"caminar|equilibrio|duerme|durmio|entumido|entumida|entumecido|entumecida|entumio|adormecido|adormecida|adormecio|nublo|nublada|ver")
_RF_ANIMO = (r"sentido|morir|morirme|muerto|muerta|desaparecer|matarme|acabar con|"
             r"rendirme|despedida|despedirme|vivir|"
             r"quitarme la vida|quitarse la vida|cortando|cortarse|cortarme|pastillas|"
             r"estuviera")
_RF_ANIMO_SIGN = (_RF_NOW_ES + r"|nada|ya|pensando|pienso|planeando|plan|quiero|ganas|"
                  r"asi|otra vez|todas|frasco|entero|mejor")
_RF_GATILLO = (r"picadura|pico|pic[oa]|abeja|avispa|alergia|alergico|alergica|alergias|mariscos|camaron|camarones|"
               r"cacahuate|cacahuates|nuez|nueces|penicilina|antibiotico|ronchas|medicina nueva|"
               r"pastilla nueva")
_RF_VIA_AEREA = r"garganta|lengua|labios|labio|tragar|respirar|respira|cara|ojos|voz"
_RF_HINCHA = (r"hinch\w*|inflamad[oa]s?|cierra|cerrando|cerro|cerrad[oa]|apretad[oa]|"
              r"aprieta|gruesa|rar[oa]|no puedo tragar|no puede tragar")
_RF_BEBE = (r"bebe|bebita|bebito|recien nacid[oa]|nacio|(?:semanas|dias) de nacid[oa]|"
            r"(?<=de )(?:un|1|dos|2) mes(?:es)?")
_RF_FEBRIL = r"fiebre|caliente|calientito|calientita|ardiendo|hirviendo|temperatura|3[89]|calenturient[oa]"
_RF_VOMITO = (r"vomito|vomite|vomita|vomitando|vomitado|vomitar|vomitos|devolvi|devolvio|"
              r"devolviendo|devuelve|devuelvo|arroja|arrojo|arrojando|guacareo|guacareando|"
              r"escupio|escupi|escupiendo|tosio|tosi|tosiendo")
_RF_ROJO = r"sangre|rojo|roja|negro|negra|oscuro|cafe|coagulos"
_RF_CABEZA = r"cabeza|migrana|jaqueca"
_RF_CABEZA_SIGN = (_DE_REPENTE + r"|trueno|explota|exploto|explotar|explotando|revienta|"
                   r"reventar|estalla|estallar|estallando|"
                   r"peor|intenso|intensa|horrible|nunca|cuello rigido|cuello tieso|confundid[oa]|"
                   r"no puedo ver")
_RF_EMBARAZO = (r"embarazad[oa]|embarazo|encinta|esperando (?:un )?bebe|"
                r"(?<=[0-9] )semanas(?= y| de embarazo| _| estoy| tengo)")
_RF_EMBARAZO_SIGN = (r"sangre|sangra|sangrando|sangrado|sangro|sangrar|sangran|rojo|roja|"
                     r"coagulos|cuajos|chorro|chorros|colicos fuertes")

RED_FLAG_RULES = [
    red_flag(
        "rf_chest_en", "en", "Red flag: chest or heart with a sign that it is now or bad.",
        patterns=[rf"(?:{_RF_CHEST_EN}){rf_gap(6)} (?:{_RF_CHEST_SIGN_EN})",
                  rf"(?:rubbing|holding|clutching|pounding|racing){rf_gap(4)} "
                  rf"(?:{_RF_CHEST_EN})"],
    ),
    red_flag(
        "rf_breathing_en", "en", "Red flag: breathing or wheezing, now or bad.",
        patterns=[rf"(?:{_RF_BREATH_EN}){rf_gap(6)} (?:{_RF_NOW_EN}|barely|hard|harder|"
                  r"fast|noisy|doing nothing|does nothing|isnt helping|not helping)",
                  rf"(?<!cause )(?<!causes )(?:{_RF_BREATH_TROUBLE_EN})"
                  rf"{rf_gap(4)} (?:{_RF_BREATH_EN})",
                  r"(?:lips|face|fingers|nails)(?: \w+){0,3} (?:blue|bluish|purple|gray|grey)"],
    ),
    red_flag(
        "rf_bleeding_en", "en", "Red flag: bleeding that is now, heavy or still going.",
        patterns=[rf"(?:{_RF_BLEED_EN}){rf_gap(6)} (?:{_RF_BLEED_SIGN_EN})",
                  rf"(?:soaked|soaking|pouring|dripping|gushing){rf_gap(4)} "
                  rf"(?:{_RF_BLEED_EN})",
                  rf"(?:cut|gash|wound){rf_gap(6)} (?:soaked|soaking|still going|wont stop|"
                  r"keeps going|still bleeding|still open)"],
    ),
    red_flag(
        "rf_faint_confused_en", "en", "Red flag: fainting, collapse or new confusion.",
        # fainting or a collapse is a same-day matter on its own
        phrases=["fainted", "fainting", "slumped over", "collapsed", "keeled over", "went limp",
                 "passed out", "blacked out", "nearly passed out", "almost passed out",
                 "almost fainted", "nearly fainted", "words that dont make sense",
                 "words dont make sense", "saying random words", "talking nonsense",
                 "saying things that dont make sense", "not making any sense", "making no sense"],
        patterns=[rf"(?:{_RF_FAINT_EN}){rf_gap(8)} (?:{_RF_NOW_EN}|again|hit|fell)",
                  rf"(?:{_RF_CONFUSED_EN}){rf_gap(6)} (?:{_RF_NOW_EN})"],
    ),
    red_flag(
        "rf_sudden_focal_en", "en", "Red flag: a sudden change in vision, speech, a limb or "
                                    "balance.",
        patterns=[rf"(?:{_RF_SUDDEN_EN}){rf_gap(6)} (?:{_RF_FOCAL_EN})",
                  r"(?:vision|eye|sight)(?: \w+){0,3} (?:went|going|gone|is|got) "
                  r"(?:dark|black|blurry|dim|gray|grey)"],
    ),
    red_flag(
        "rf_focal_en", "en", "Red flag: a face or limb that droops, goes numb or will not "
                             "move; speech that is slurred or jumbled.",
        patterns=[*rf_near(r"face|mouth|smile|lip|lips|eye|arm|arms|leg|legs|hand|side|half",
                           r"droop|droopy|drooping|droops|drooped|crooked|uneven|lopsided|"
                           r"numb|limp|dead|paralyzed|"
                           r"cant move|wont move|cant lift|cant feel|weak|tingly|dropping", 4),
                  r"(?:slurring|slurred|jumbled|gibberish|garbled|cant talk|cant speak|cant get (?:the )?"
                  r"words out)"],
    ),
    red_flag(
        "rf_mood_en", "en", "Red flag: thoughts of dying or not being here.",
        phrases=["nothing matters anymore", "whats the point", "fine without me",
                 "tonight is the night", "letters to everyone", "letter to everyone",
                 "no point anymore", "not be here anymore", "not here anymore",
                 "better without me", "cant do this", "cant keep going", "done with everything",
                 "say goodbye", "no way out", "not be around"],
        patterns=[rf"(?:{_RF_MOOD_EN}){rf_gap(6)} (?:{_RF_MOOD_SIGN_EN})",
                  r"(?:drank|drunk|swallowed|ate|got into)(?: \w+){0,3} (?:cleaner|cleaning|"
                  r"detergent|chemical|chemicals|soap|bleach)",
                  rf"(?:took|take|swallowed|ate|taken)(?: \w+){{0,2}} (?:like |about |maybe )?"
                  rf"(?:[8-9]|1[0-4]|several|a bunch of|a lot of)(?: \w+){{0,2}} "
                  rf"(?:{_PILLS})"],
    ),
    red_flag(
        "rf_allergic_en", "en", "Red flag: a trigger or reaction near the airway, face or "
                                "breathing; a swelling throat or tongue.",
        patterns=[rf_near(_RF_TRIGGER_EN, _RF_AIRWAY_EN, 10)[0],
                  *rf_near(r"(?<!sore )(?<!strep )throat|tongue|lips|lip", _RF_SWELL_EN, 4)],
    ),
    red_flag(
        "rf_baby_fever_en", "en", "Red flag: a baby or infant with fever, warm or hot.",
        patterns=list(rf_near(_RF_BABY_EN, _RF_FEVERISH_EN, 8)),
    ),
    red_flag(
        "rf_vomit_blood_en", "en", "Red flag: vomit or cough with red, black or blood in it.",
        patterns=[rf_near(_RF_VOMIT_EN, _RF_RED, 10)[0]],
    ),
    red_flag(
        "rf_headache_en", "en", "Red flag: a headache that is sudden, intense or with a stiff "
                                "neck.",
        patterns=list(rf_near(_RF_HEADACHE_EN, _RF_HEADACHE_SIGN_EN, 8)),
    ),
    red_flag(
        "rf_pregnancy_en", "en", "Red flag: bleeding, blood or cramps in pregnancy.",
        # pregnancy word first only: the other order would be tried at every "blood"
        patterns=[rf_near(_RF_PREGNANT_EN, _RF_PREGNANT_SIGN_EN, 10)[0]],
    ),
    red_flag(
        "rf_pecho_es", "es", "Senal de alarma: pecho o corazon, ahora o fuerte.",
        patterns=[rf"(?:{_RF_PECHO}){rf_gap(6)} (?:{_RF_PECHO_SIGN})",
                  rf"(?:{_RF_NOW_FIRST_ES}|muy|mucho){rf_gap(4)} (?:{_RF_PECHO})"],
    ),
    red_flag(
        "rf_respirar_es", "es", "Senal de alarma: respiracion, ahora o fuerte.",
        patterns=[rf"(?:{_RF_RESPIRAR}){rf_gap(6)} (?:{_RF_RESPIRAR_SIGN})",
                  rf"(?:{_RF_NOW_FIRST_ES}|muy|mucho|cuesta){rf_gap(4)} (?:{_RF_RESPIRAR})",
                  r"(?:labios|cara|dedos|unas)(?: \w+){0,3} (?:morad[oa]s?|azul\w*|gris\w*)"],
    ),
    red_flag(
        "rf_sangrado_es", "es", "Senal de alarma: sangrado ahora, fuerte o que sigue.",
        patterns=[rf"(?:{_RF_SANGRE}){rf_gap(6)} (?:{_RF_SANGRE_SIGN})",
                  rf"(?:{_RF_NOW_FIRST_ES}|saliendo|sale|mucha|mucho){rf_gap(4)} "
                  rf"(?:{_RF_SANGRE})"],
    ),
    red_flag(
        "rf_desmayo_confusion_es", "es", "Senal de alarma: desmayo o confusion nueva.",
        phrases=["se desmayo", "me desmaye", "se desvanecio", "se desplomo", "casi me desmayo",
                 "casi se desmaya", "perdio el conocimiento", "se quedo como ido",
                 "se quedo como ida", "no nos reconoce", "no me reconoce", "ya no reconoce",
                 "dice cosas sin sentido"],
        patterns=[rf"(?:{_RF_DESMAYO}){rf_gap(8)} (?:{_RF_NOW_ES}|otra vez|golpe|cayo)",
                  rf"(?:{_RF_CONFUNDIDO}){rf_gap(6)} (?:{_RF_NOW_ES})",
                  rf"(?:{_RF_NOW_FIRST_ES}|muy|anda){rf_gap(3)} "
                  rf"(?:{_RF_CONFUNDIDO})"],
    ),
    red_flag(
        "rf_subito_focal_es", "es", "Senal de alarma: cambio de repente en la vista, el habla, "
                                    "un brazo o el equilibrio.",
        patterns=list(rf_near(_RF_SUBITO_ES, _RF_FOCAL_ES, 6)),
    ),
    red_flag(
        "rf_focal_es", "es", "Senal de alarma: cara, boca o un brazo caido, dormido o que no "
                             "se mueve; habla arrastrada.",
        patterns=[*rf_near(r"cara|boca|labio|sonrisa|ojo|brazo|mano|pierna|lado|mitad",
                           r"chuec[oa]|torcid[oa]|torcio|dormid[oa]|durmio|caid[oa]|cayo|"
                           r"entumid[oa]|adormecid[oa]|paralizad[oa]|de lado|no (?:puede|puedo) "
                           r"mover|no (?:puede|puedo) levantar|no (?:siente|siento)", 4),
                  r"habla (?:raro|rara|arrastrada|chistoso|trabad[oa])|no (?:puede|puedo) hablar"],
    ),
    red_flag(
        "rf_animo_es", "es", "Senal de alarma: ideas de morir o de no estar.",
        phrases=["nada tiene sentido", "ya no tiene sentido", "ya no puedo mas",
                 "cartas para todos", "carta para todos", "hoy es la noche",
                 "no le veo sentido", "estarian bien sin mi", "no aguanto mas"],
        patterns=[rf"(?:{_RF_ANIMO}){rf_gap(6)} (?:{_RF_ANIMO_SIGN})",
                  r"(?:tomo|trago|bebio|tomaron)(?: \w+){0,3} (?:limpiar|limpiador|jabon|"
                  r"quimico|quimicos|detergente|cloro)",
                  rf"(?:tomo|tome|trago|trague|tomado|tragado)(?: \w+){{0,2}} "
                  rf"(?:como |unas |unos )?(?:[8-9]|1[0-4]|varias|muchas|un monton de)"
                  rf"(?: \w+){{0,2}} (?:{_PASTILLAS})"],
    ),
    red_flag(
        "rf_alergia_es", "es", "Senal de alarma: alergia cerca de la garganta, la cara o la "
                               "respiracion; garganta o lengua hinchada.",
        patterns=[rf_near(_RF_GATILLO, _RF_VIA_AEREA, 10)[0],
                  rf_near(r"garganta|lengua|labios|labio", _RF_HINCHA, 4)[0]],
    ),
    red_flag(
        "rf_bebe_fiebre_es", "es", "Senal de alarma: bebe con fiebre o caliente.",
        patterns=list(rf_near(_RF_BEBE, _RF_FEBRIL, 8)),
    ),
    red_flag(
        "rf_vomito_sangre_es", "es", "Senal de alarma: vomito o tos con sangre, rojo o negro.",
        patterns=list(rf_near(_RF_VOMITO, _RF_ROJO, 10)),
    ),
    red_flag(
        "rf_cabeza_es", "es", "Senal de alarma: dolor de cabeza subito, intenso o con cuello "
                              "rigido.",
        patterns=list(rf_near(_RF_CABEZA, _RF_CABEZA_SIGN, 8)),
    ),
    red_flag(
        "rf_embarazo_es", "es", "Senal de alarma: sangrado o coagulos en el embarazo.",
        patterns=list(rf_near(_RF_EMBARAZO, _RF_EMBARAZO_SIGN, 10)),
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

# --- Same day: a symptom together with a sign that it is acute -------------
# Urgent messages in held-out rounds landed routine when they described a
# common symptom with what makes it same-day: cannot keep fluids down, a fever
# with a sign of infection, a new lump, a one-sided blistering rash, a very
# high reading, a lab someone promised to call about, running out of a
# medicine one cannot miss. Each family pairs the symptom with the acuity.

_ACUTE_CLINICAL = "clinical_question"

ACUTE_URGENT_RULES = [
    {**urgent("ur_no_fluids_down", None, "Cannot keep even water down.",
           phrases=["cant keep water down", "cant keep anything down", "cant keep fluids down",
                    "cant keep even water down", "cant even keep water down",
                    "no le queda nada", "tomar ni agua", "no retiene ni el agua",
                    "no tolera ni el agua", "ni el agua", "ni agua"]),
     # The words are themselves a denial ("cant keep", "ni agua"): never negated.
     "negatable": False},
    urgent("ur_fever_with_infection_sign", None,
           "A fever with a sign of a spreading or kidney infection.",
           patterns=[*near(r"fever|temp|temperature|fiebre|calentura|10[0-4](?: [0-9])?|"
                           r"3[89](?: [0-9])?",
                           r"spreading|redder|red streak|red line|burns when i pee|burning when i "
                           r"pee|pee burns|back hurts|side hurts|arde al orinar|me arde al "
                           r"orinar|ardor al orinar|duele la espalda|espalda de abajo|"
                           r"puntitos blancos|pus", 16)],
           sets_topic=_ACUTE_CLINICAL),
    urgent("ur_new_lump", None, "A new hard lump (breast or elsewhere).",
           patterns=[*near(r"lump|bump|bolita|bulto|masa",
                           r"breast|seno|senos|hard|dura|duro|no se mueve|doesnt move|"
                           r"wasnt there", 8)],
           sets_topic=_ACUTE_CLINICAL),
    urgent("ur_one_sided_blisters", None, "A painful blistering rash on one side (shingles).",
           patterns=[*near(r"rash|blister\w*|ampollas|ampollitas|ronchas|granitos",
                           r"one side|just the right side|just the left side|right side|"
                           r"left side|un solo lado|un lado", 8)],
           sets_topic=_ACUTE_CLINICAL),
    urgent("ur_eye_infection", None, "Red, goopy or glued-shut eyes, especially with contacts.",
           patterns=[*near(r"eye|eyes|ojo|ojos",
                           r"goopy|glued shut|crusted|pus|lagana\w*|pegados", 6)],
           sets_topic=_ACUTE_CLINICAL),
    urgent("ur_injury_swollen", None, "An injury that swelled up or turned purple.",
           patterns=[*near(r"twisted|sprained|rolled|fell on|torci|me torci|doble|lastime",
                           r"purple|like a softball|like a golf ball|huge|morad[oa]|"
                           r"muy hinchad[oa]", 10)],
           sets_topic=_ACUTE_CLINICAL),
    urgent("ur_losing_fluids_weak", None, "Days of diarrhoea or vomiting and now weak or dizzy.",
           patterns=[*near(r"diarrhea|diarrhoea|diarrea|vomiting|throwing up|vomitando",
                           r"dizzy|lightheaded|weak|faint|mareada|mareado|debil|desmayar", 14)],
           sets_topic=_ACUTE_CLINICAL),
    urgent("ur_reaction_to_new_medicine", None, "A rash or hives with a new medicine.",
           patterns=[*near(r"rash|hives|itchy|ronchas|comezon|sarpullido",
                           r"new antibiotic|new medicine|new medication|new pill|started the|"
                           r"pastilla nueva|medicina nueva|nuevo antibiotico|antibiotico", 12)],
           sets_topic=_ACUTE_CLINICAL),
    urgent("ur_abnormal_lab_waiting", None,
           "A lab result someone called about as abnormal, and no call back yet.",
           patterns=[*near(r"labs?|analisis|results?|resultados|potassium|inr|kidney|rinon|"
                           r"sodium|potasio",
                           r"nobody has|no one has|nadie me ha|iba a llamar|call me back|"
                           r"havent heard|no me han llamado", 14),
                     r"(?:inr|potassium|potasio)(?: is| was| of| de| en)? [5-9]"],
           sets_topic="test_result"),
    urgent("ur_out_of_vital_medicine", None,
           "Out (or nearly out) of a medicine that cannot be missed.",
           patterns=[*near(r"out of|ran out|running out|se me acabo|se me acaba|no tengo|sin",
                           r"insulin|insulina|inhaler|inhalador|seizure|anticonvulsant|warfarin|"
                           r"eliquis|xarelto|colchicine|colchicina|prednisone|transplant", 6)]),
    urgent("ur_very_high_pressure_reading", None, "A blood pressure reading of 170 or more.",
           patterns=[r"(?:1[7-9][0-9]|2[0-9][0-9]) (?:over |sobre )?(?:1[0-4][0-9]|9[0-9])"]),
    urgent("ur_low_mood_needs_someone", None,
           "Feeling hopeless or unable to cope and asking to talk to someone soon.",
           patterns=[*near(r"hopeless|so down|really down|depressed|triste|deprimid[oa]|"
                           r"no tengo ganas de nada|sin ganas",
                           r"talk to someone|talk to somebody|hablar con alguien|get out of bed|"
                           r"no duermo|cant sleep|pronto|soon", 16)],
           sets_topic=_ACUTE_CLINICAL),
    urgent("ur_pregnant_with_symptom", None, "Pregnant with a new symptom.",
           patterns=[*near(r"pregnant|weeks pregnant|embarazada|de embarazo",
                           r"burns|burning|pain|fever|bleeding|arde|ardor|dolor|fiebre|"
                           r"calentura", 10)],
           sets_topic=_ACUTE_CLINICAL),
    urgent("ur_red_hot_joint_or_wound", None,
           "A red, hot, swollen joint or wound (gout flare, wound infection).",
           patterns=[*near(r"toe|knee|ankle|joint|wound|incision|herida|cut|rodilla|tobillo",
                           r"red and swollen|swollen and red|red and hot|roja y calientita|"
                           r"roja y caliente|hinchad[oa] y roj[oa]|getting redder|flaring", 8)],
           sets_topic=_ACUTE_CLINICAL),
    urgent("ur_new_pill_dizzy_fall", None, "A new medicine making someone dizzy enough to fall.",
           patterns=[*near(r"dizzy|mareo|mareada|mareado",
                           r"almost fell|nearly fell|fell|casi me caigo|me cai", 8)],
           sets_topic=_ACUTE_CLINICAL),
]


# --- Emergencies told as what someone sees --------------------------------
# Held-out messages missed emergencies described without the usual words: a
# combination of who (a small child, a baby, a late pregnancy, someone just
# operated on, a diabetic) with what is seen (got into pills, hard to wake,
# no wet diaper, baby not moving, fever after surgery, acting drunk). Each
# family pairs a "who" with a "what", within a few words, both languages.

_SMALL_CHILD_EN = (r"toddler|kid|son|daughter|baby|child|(?:[1-5]|one|two|three|four|five) "
                   r"(?:yr|yrs|year|years) old|(?:[1-5]|two|three|four|five) yo")
_INGESTED_EN = r"got into|swallowed|ate|chewed|drank|took|found (?:him|her) with"
_MEDS_EN = r"pills?|pill box|pillbox|tablets?|meds|medicine|medication|bottle|gummies|vitamins"
_NINO_ES = (r"nino|nina|hijo|hija|bebe|bebita|bebito|chiquito|chiquita|(?:[1-5]|un|dos|tres|"
            r"cuatro|cinco) anos?")
_INGIRIO_ES = r"se tomo|se trago|se comio|tomo|trago|comio|se bebio"
_PASTILLAS_ES = r"pastillas?|medicinas?|medicamentos?|frasco|pildoras|vitaminas"
_INFANT_EN = (r"newborn|infant|(?:[1-9]|1[0-2]|one|two|three|four|five|six) (?:week|weeks|wk|wks|"
              r"month|months|mo) old|[1-9] (?:week|wk)|bebita|baby")
_UNRESPONSIVE_EN = (r"hard to wake|wont wake|will not wake|cant wake|not waking|floppy|limp|"
                    r"wont latch|not feeding|wont feed|weak cry|cry is weak|barely crying|"
                    r"blue|lethargic")
_BEBE_ES = (r"bebe|bebita|bebito|recien nacid[oa]|(?:[1-9]|un|dos|tres|cuatro|cinco|seis) "
            r"(?:semanas|meses|mes)")
_NO_RESPONDE_ES = (r"no se quiere despertar|no despierta|no se despierta|aguadit[oa]|"
                   r"aguado|aguada|sin fuerza|casi no llora|no quiere comer|no come|moradit[oa]")
_LATE_PREGNANCY_EN = r"(?:2[4-9]|3[0-9]|4[0-2]) (?:weeks|wks|wk|weeks pregnant)|third trimester"
_LATE_PREGNANCY_ES = r"(?:2[4-9]|3[0-9]|4[0-2]) semanas|tercer trimestre"
_PREGNANCY_WARNING_EN = (r"headache|head hurts|spots|sparkl\w*|blurry|vision|swollen|swelling|"
                         r"puffed|puffy|hasnt moved|not moving|stopped moving|no movement|"
                         r"isnt moving|hasnt kicked|not kicking|water broke|leaking fluid|"
                         r"green\w*|brown\w*")
_PREGNANCY_WARNING_ES = (r"cabeza|manchitas|lucecitas|veo borroso|hinchad[oa]s?|hinchazon|"
                         r"no se ha movido|no se mueve|no lo siento mover|dejo de moverse|"
                         r"se me rompio la fuente|rompi fuente|se rompio la fuente|liquido verde")
_SURGERY_EN = (r"surgery|operation|operated|incision|stitches|staples|c section|(?:had|got) "
               r"(?:my|her|his) \w+ (?:out|removed)|removed|gallbladder|appendix")
_SURGERY_ES = r"operaron|opero|operacion|cirugia|cesarea|herida|puntos|apendice|vesicula"
# A fever, not a wound sign alone: a red, leaking wound is same-day, not an emergency.
_HIGH_FEVER_EN = r"fever|temp|temperature|chills|shaking|rigors|10[1-5](?: [0-9])?"
_HIGH_FEVER_ES = r"fiebre|calentura|escalofrios|temblores|3[89](?: [0-9])?|40"
_DIABETIC_EN = r"diabetic|diabetes|insulin|sugar|glucose|blood sugar"
_LOW_SUGAR_SIGN_EN = (r"acting drunk|like (?:hes|shes|he is|she is) drunk|drunk|sweating|"
                      r"sweaty|shaking|shaky|confused|not making sense|cant answer|"
                      r"wont answer|out of it")
_DIABETICO_ES = r"diabetic[oa]|diabetes|insulina|azucar|glucosa"
_AZUCAR_BAJA_SIGN_ES = (r"como borrach[oa]|borrach[oa]|sudando|sudor frio|tembloros[oa]|"
                        r"temblando|no sabe donde|no contesta bien|no me contesta|confundid[oa]|"
                        r"no responde|ido")

INDIRECT_EMERGENCY_RULES = [
    emergency(
        "em_child_ingestion_en", "en",
        "A small child who may have swallowed pills or medicine (someone else's or their own).",
        patterns=[*near(_SMALL_CHILD_EN, rf"(?:{_INGESTED_EN})(?: \w+){{0,4}} (?:{_MEDS_EN})", 8),
                  rf"(?:{_MEDS_EN})(?: \w+){{0,4}} (?:empty|missing|open)(?: \w+){{0,8}} "
                  rf"(?:{_SMALL_CHILD_EN})",
                  rf"(?:{_SMALL_CHILD_EN})(?: \w+){{0,10}} (?:{_MEDS_EN})(?: \w+){{0,6}} "
                  r"(?:empty|missing|open|gone)"]),
    emergency(
        "em_child_ingestion_es", "es", "Un niño pequeño que pudo tragar pastillas o medicina.",
        patterns=[*near(_NINO_ES, rf"(?:{_INGIRIO_ES})(?: \w+){{0,4}} (?:{_PASTILLAS_ES})", 8),
                  rf"(?:{_PASTILLAS_ES})(?: \w+){{0,6}} (?:abierto|vacio|tirado)(?: \w+){{0,8}} "
                  rf"(?:{_NINO_ES})"]),
    emergency(
        "em_infant_unresponsive_en", "en",
        "A baby who is hard to wake, floppy or not feeding (told as what the parent sees).",
        patterns=[*near(_INFANT_EN, _UNRESPONSIVE_EN, 8)]),
    emergency(
        "em_infant_unresponsive_es", "es", "Un bebé que no despierta, está aguadito o no come.",
        patterns=[*near(_BEBE_ES, _NO_RESPONDE_ES, 8)]),
    emergency(
        "em_no_wet_diaper_en", "en", "A small child with no wet diaper for many hours.",
        phrases=["no wet diaper", "no wet diapers", "no pee all day", "hasnt peed since",
                 "hasnt had a wet diaper", "hasnt wet a diaper", "no tears when he cries",
                 "no tears when she cries", "no tears when crying"]),
    emergency(
        "em_no_wet_diaper_es", "es", "Un niño pequeño sin pañal mojado en muchas horas.",
        phrases=["no ha mojado el panal", "no ha mojado panal", "no moja el panal",
                 "no ha hecho pipi", "no ha orinado en todo el dia", "llora sin lagrimas"]),
    emergency(
        "em_late_pregnancy_warning_en", "en",
        "Late pregnancy with a warning sign: severe headache, vision spots, swelling, the "
        "baby not moving, waters broken with colour.",
        patterns=[*near(_LATE_PREGNANCY_EN, _PREGNANCY_WARNING_EN, 14)]),
    emergency(
        "em_late_pregnancy_warning_es", "es",
        "Embarazo avanzado con una señal de alarma: dolor de cabeza fuerte, manchas en la "
        "vista, hinchazón, el bebé no se mueve, se rompió la fuente.",
        patterns=[*near(_LATE_PREGNANCY_ES, _PREGNANCY_WARNING_ES, 14)]),
    emergency(
        "em_post_surgery_fever_en", "en",
        "A high fever, chills or pus within days of an operation.",
        patterns=[*near(_SURGERY_EN, _HIGH_FEVER_EN, 12)]),
    emergency(
        "em_post_surgery_fever_es", "es", "Fiebre alta, escalofríos o pus días después de una "
        "operación.",
        patterns=[*near(_SURGERY_ES, _HIGH_FEVER_ES, 12)]),
    emergency(
        "em_low_blood_sugar_en", "en",
        "Low blood sugar told as what others see: a diabetic acting drunk, sweating, confused.",
        patterns=[*near(_DIABETIC_EN, _LOW_SUGAR_SIGN_EN, 12),
                  r"(?:sugar|glucose|bs|reading)(?: is| was| at| of| in)? (?:[1-5][0-9]|[1-9])"
                  r"(?= )"]),
    emergency(
        "em_low_blood_sugar_es", "es", "Azúcar baja: un diabético como borracho, sudando, "
        "confundido.",
        patterns=[*near(_DIABETICO_ES, _AZUCAR_BAJA_SIGN_ES, 12),
                  r"(?:azucar|glucosa)(?: esta| en| de| a)? (?:[1-5][0-9]|[1-9])(?= )",
                  *near(r"como borrach[oa]", r"sudando|sudor|no sabe donde|tembloros[oa]", 8)]),
    emergency(
        "em_head_blow_worsening_en", "en",
        "A knock to the head followed by vomiting, confusion, sleepiness or a worsening "
        "headache, even hours later.",
        patterns=[*near(r"(?:fell|fall|bumped|banged|hit|knocked|smacked)(?: \w+){0,6} "
                        r"(?:head|ladder|stairs|cabinet)",
                        r"threw up|thrown up|throwing up|vomit\w*|getting worse|worse|pupil\w*|"
                        r"asking what day|keeps asking|repeating|cant stay awake|sleepy|"
                        r"confused", 16)]),
    emergency(
        "em_head_blow_worsening_es", "es",
        "Un golpe en la cabeza seguido de vómito, confusión o sueño.",
        patterns=[*near(r"(?:golpe|golpeo|pego|cayo|se cayo|me cai)(?: \w+){0,6} (?:cabeza)",
                        r"vomit\w*|devolvio|empeora\w*|pregunta lo mismo|no se acuerda|"
                        r"dormid[oa]|somnolient[oa]|confundid[oa]", 16)]),
    emergency(
        "em_sudden_head_pain_en", "en",
        "A sudden, never-before headache: 'like being hit with a bat', with a stiff neck.",
        patterns=[r"(?:hit|struck|smacked|kicked)(?: \w+){0,4} (?:in|on) the (?:back of the )?"
                  r"head(?: \w+){0,3} (?:with|by) an? (?:bat|hammer|brick|baseball)",
                  r"never had (?:a )?(?:pain|headache) like this",
                  *near(r"headache|head", r"stiff neck|neck is stiff|neck stiff", 10)]),
    emergency(
        "em_rigid_belly_en", "en", "A belly hard as a board with severe pain or vomiting.",
        patterns=[r"(?:belly|stomach|abdomen|tummy)(?: is| feels)? (?:hard|rigid|stiff)"
                  r"(?: like a board| as a board| as a rock)?",
                  r"(?:panza|barriga|estomago|abdomen)(?: esta| la tengo| lo tengo)? "
                  r"(?:dur[oa]|tiesa|ties[oa]) como (?:tabla|piedra)"]),
    emergency(
        "em_intent_without_words_en", "en",
        "A plan to end one's life without the usual words: a weapon or pills kept for a "
        "day, goodbyes, 'no point anymore'.",
        patterns=[r"(?:bought|got|have|keeping|loaded)(?: \w+){0,2} (?:a )?(?:gun|rope|pills)"
                  r"(?: \w+){0,10} (?:know what|saturday|sunday|tonight|tomorrow|weekend|"
                  r"when|dont call|do it)",
                  r"(?:dont|cant) see the point(?: \w+){0,3} (?:anymore|in living|of living|"
                  r"any more)",
                  r"(?:says|said|saying|threatening)(?: \w+){0,3} (?:hes|shes|he is|she is|"
                  r"gonna|going to) (?:\w+ )?(?:jump|kill|end|hang|shoot)",
                  r"(?:said|says|texted) (?:goodbye|bye) to (?:everyone|everybody|us all)"]),
    emergency(
        "em_intent_without_words_es", "es",
        "Un plan de quitarse la vida sin las palabras de siempre: pastillas guardadas para "
        "esta noche, despedidas, tirarse de un puente.",
        patterns=[r"(?:guardadas|guardado|junte|juntando|tengo listas|tengo listo)(?: \w+){0,4} "
                  r"(?:pastillas|pildoras|la pistola|el arma|la cuerda)",
                  r"(?:pastillas|pildoras)(?: \w+){0,3} (?:guardadas|para esta noche|listas)",
                  r"(?:se va a|me voy a|va a|voy a) (?:aventar|tirar|lanzar|colgar)",
                  r"(?:se despidio|me despedi|despidiendo) de (?:todos|todas|todo el mundo)",
                  r"ya no quiero (?:seguir|estar) (?:aqui|viva|vivo|en este mundo)"]),
    emergency(
        "em_many_pills_en", "en",
        "Ten or more pills taken, or pills doubled up and more taken, with feeling strange.",
        patterns=[r"(?:took|taken|swallowed|had)(?: \w+){0,4} (?:maybe |like |about |around )?"
                  r"(?:1[0-9]|[2-9][0-9]) (?:\w+ )?(?:pills|tablets|trazodone|tylenol|xanax|"
                  r"ambien|benadryl|advil|of them)",
                  r"(?:took|taken) (?:my |the )?(?:\w+ )?pills twice(?: \w+){0,8} (?:more|again)"]),
]


DEFAULT_RULES = (EMERGENCY_RULES + INDIRECT_EMERGENCY_RULES + RED_FLAG_RULES + URGENT_RULES
                 + ACUTE_URGENT_RULES + TOPIC_RULES)


@lru_cache(maxsize=1)
def default_rule_set() -> RuleSet:
    """The shipped defaults as a validated RuleSet (built once)."""
    return RuleSet.from_dicts(DEFAULT_RULES)
