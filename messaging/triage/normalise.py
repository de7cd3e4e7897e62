"""Turn a patient's message into canonical words that rules can match.

Patients write in ALL CAPS, with or without accents, without punctuation, in
text-speak and with their own spelling. Rules are written once, against one
canonical form, so every message goes through the same steps:

1. keep the first MAX_CHARS characters (the analysis cap, see docs/triage.md);
2. drop apostrophes ("can't" -> "cant"), lower-case, and for non-ASCII text
   decompose (NFKD) and drop accents; other non-ASCII characters (emoji,
   dashes, other scripts) separate words;
3. split into words of a-z 0-9; a run of . , ; : ! ? or a line break becomes
   the clause marker "_", and so do the words in CLAUSE_BREAK_WORDS
   ("but", "pero"), so that negation never reaches across them;
4. replace misspellings and text-speak from CANONICAL_SPELLINGS
   ("perscription" -> "prescription", "pls" -> "please", "xray" -> "x ray");
5. drop words longer than MAX_WORD_CHARS (junk).

Words in other scripts (Chinese, Arabic, Cyrillic) have no a-z left after
step 2, so they disappear: such a message has no words and is classified
routine/other. Every step is a C-level string or regex operation over the
whole text, so normalising is linear in the length and fast.
"""

import codecs
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Only the start of a message is analysed, which bounds the time per message.
# 20,000 characters is roughly 3,500 words, far more than a portal message.
MAX_CHARS = 20_000

# A word longer than this is junk (no rule word is that long); dropping it
# keeps word-internal regex repeats short on adversarial input.
MAX_WORD_CHARS = 40

CLAUSE_MARKER = "_"
CLAUSE_BREAK_WORDS = frozenset({
    "but", "however", "though", "although", "except",
    "pero", "aunque", "sino", "excepto",
})

# Misspellings, phonetic spellings and text-speak -> canonical words.
# Keys are single words after step 3 (lower case, no accents, no apostrophes);
# a value may be several words. Keep this table data: one entry per line.
CANONICAL_SPELLINGS = {
    # prescriptions and refills
    "perscription": "prescription",
    "perscriptions": "prescriptions",
    "presciption": "prescription",
    "prescripton": "prescription",
    "prescrition": "prescription",
    "prescripion": "prescription",
    "percription": "prescription",
    "precription": "prescription",
    "prescriptoin": "prescription",
    "perscrption": "prescription",
    "refil": "refill",
    "refils": "refills",
    "refilll": "refill",
    "refiil": "refill",
    "reffil": "refill",
    "refilled": "refill",
    "medecine": "medicine",
    "medicene": "medicine",
    "medcine": "medicine",
    "medicin": "medicine",
    "medisine": "medicine",
    "medicatoin": "medication",
    "medicaiton": "medication",
    "medacation": "medication",
    "medications": "medication",
    "farmacy": "pharmacy",
    "pharmcy": "pharmacy",
    "pharmasy": "pharmacy",
    "insuline": "insulin",
    "inhailer": "inhaler",
    "inhealer": "inhaler",
    # appointments
    "apointment": "appointment",
    "appointmen": "appointment",
    "appoinment": "appointment",
    "appiontment": "appointment",
    "appoitment": "appointment",
    "apointmet": "appointment",
    "apptmt": "appointment",
    "appt": "appointment",
    "appts": "appointments",
    "apointments": "appointments",
    "scedule": "schedule",
    "schedual": "schedule",
    "shedule": "schedule",
    "scheduel": "schedule",
    "reschedual": "reschedule",
    "rescedule": "reschedule",
    "reshedule": "reschedule",
    "cancell": "cancel",
    "cancle": "cancel",
    # results and records
    "resluts": "results",
    "reults": "results",
    "resuts": "results",
    "resutls": "results",
    "rezults": "results",
    "bloodwork": "blood work",
    "labwork": "lab work",
    "xray": "x ray",
    "xrays": "x ray",
    "ekg": "ecg",
    "recrods": "records",
    "reccords": "records",
    "immunisation": "immunization",
    "vacine": "vaccine",
    "vaccination": "vaccine",
    "vaccinations": "vaccine",
    # billing and referrals
    "insurence": "insurance",
    "insurace": "insurance",
    "insurnace": "insurance",
    "insuranse": "insurance",
    "insurrance": "insurance",
    "copayment": "copay",
    "referal": "referral",
    "refferal": "referral",
    "referrel": "referral",
    "reffered": "referred",
    "refered": "referred",
    "specalist": "specialist",
    "specilist": "specialist",
    "speciallist": "specialist",
    # portal and video
    "pasword": "password",
    "passwrod": "password",
    "passward": "password",
    "pw": "password",
    "loggin": "login",
    "signin": "sign in",
    "videocall": "video call",
    "vid": "video",
    # symptoms
    "breth": "breath",
    "brethe": "breathe",
    "breathin": "breathing",
    "breating": "breathing",
    "brething": "breathing",
    "chestpain": "chest pain",
    "cheast": "chest",
    "sob": "shortness of breath",
    "unconcious": "unconscious",
    "unconsious": "unconscious",
    "sucide": "suicide",
    "suicid": "suicide",
    "sucidal": "suicidal",
    "suicidle": "suicidal",
    "kms": "kill myself",
    "overdosed": "overdose",
    "overdosing": "overdose",
    "od": "overdose",
    "alergic": "allergic",
    "alergy": "allergy",
    "alergies": "allergies",
    "swolen": "swollen",
    "swolled": "swollen",
    "sweling": "swelling",
    "sweeling": "swelling",
    "throte": "throat",
    "throught": "throat",
    "bleding": "bleeding",
    "bleeing": "bleeding",
    "bleedin": "bleeding",
    "pregant": "pregnant",
    "pregnat": "pregnant",
    "pregnent": "pregnant",
    "prego": "pregnant",
    "vomitting": "vomiting",
    "vommiting": "vomiting",
    "vomitted": "vomited",
    "headach": "headache",
    "hedache": "headache",
    "headahce": "headache",
    "feaver": "fever",
    "fevre": "fever",
    "fver": "fever",
    "temp": "temperature",
    "dizzyness": "dizziness",
    "nauseus": "nauseous",
    "bp": "blood pressure",
    # emergency words, as patients misspell them
    "chesst": "chest",
    "chets": "chest",
    "chst": "chest",
    "hart": "heart",
    "presure": "pressure",
    "preasure": "pressure",
    "pressur": "pressure",
    "presssure": "pressure",
    "pressue": "pressure",
    "tite": "tight",
    "breahte": "breathe",
    "breate": "breathe",
    "braeth": "breath",
    "breaht": "breath",
    "brethin": "breathing",
    "breathng": "breathing",
    "breatheing": "breathing",
    "cnt": "cant",
    "cnat": "cant",
    "caint": "cant",
    "cudnt": "couldnt",
    "coudnt": "couldnt",
    "bleading": "bleeding",
    "bledding": "bleeding",
    "bleedng": "bleeding",
    "blod": "blood",
    "bloood": "blood",
    "vommit": "vomit",
    "vomitt": "vomit",
    "throwin": "throwing",
    "pukin": "puking",
    "pukeing": "puking",
    "pukd": "puked",
    "pukde": "puked",
    "pucked": "puked",
    "throwd": "threw",
    "thru": "through",
    "feinted": "fainted",
    "fanted": "fainted",
    "fainded": "fainted",
    "passd": "passed",
    "pased": "passed",
    "unconscous": "unconscious",
    "concious": "conscious",
    "confussed": "confused",
    "confuesd": "confused",
    "confuzed": "confused",
    "confussion": "confusion",
    "strok": "stroke",
    "stoke": "stroke",
    "storke": "stroke",
    "slured": "slurred",
    "slurrin": "slurring",
    "nunb": "numb",
    "suiside": "suicide",
    "suiscide": "suicide",
    "oded": "overdose",
    "odeed": "overdose",
    "odded": "overdose",
    "ovrdose": "overdose",
    "overdoze": "overdose",
    "swallen": "swollen",
    "tounge": "tongue",
    "toungue": "tongue",
    "throut": "throat",
    "thraot": "throat",
    "anaphalactic": "anaphylactic",
    "anaphylatic": "anaphylactic",
    "anafilactic": "anaphylactic",
    "epipin": "epipen",
    "pregnet": "pregnant",
    "pregnate": "pregnant",
    "pragnant": "pregnant",
    "preggo": "pregnant",
    "preggers": "pregnant",
    "preg": "pregnant",
    "miscarrage": "miscarriage",
    "miscarige": "miscarriage",
    "miscarraige": "miscarriage",
    "newbron": "newborn",
    "feber": "fever",
    "fevor": "fever",
    "tempature": "temperature",
    "temprature": "temperature",
    "temperture": "temperature",
    "tempurature": "temperature",
    "headake": "headache",
    "headace": "headache",
    "headche": "headache",
    "haedache": "headache",
    "hedake": "headache",
    "migrane": "migraine",
    "wrost": "worst",
    # text-speak
    "pls": "please",
    "plz": "please",
    "plez": "please",
    "plse": "please",
    "pleas": "please",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "bcuz": "because",
    "u": "you",
    "ur": "your",
    "r": "are",
    "w": "with",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tmrow": "tomorrow",
    "tomorow": "tomorrow",
    "tommorow": "tomorrow",
    "tommorrow": "tomorrow",
    "2morrow": "tomorrow",
    "2moro": "tomorrow",
    "2day": "today",
    "tonite": "tonight",
    "2nite": "tonight",
    "rly": "really",
    "rlly": "really",
    "realy": "really",
    "relly": "really",
    "alot": "a lot",
    "rite": "right",
    "hlp": "help",
    "halp": "help",
    "rn": "right now",
    "idk": "i dont know",
    "dunno": "dont know",
    "cannot": "cant",
    "thx": "thanks",
    "ty": "thanks",
    "mins": "minutes",
    "min": "minutes",
    "hrs": "hours",
    "hr": "hour",
    "wks": "weeks",
    "wk": "week",
    "mo": "month",
    "mos": "months",
    "dr": "doctor",
    "doc": "doctor",
    "dra": "doctora",
    # Spanish spellings and text-speak
    "q": "que",
    "k": "que",
    "xq": "porque",
    "pq": "porque",
    "porq": "porque",
    "xfa": "por favor",
    "xfavor": "por favor",
    "porfa": "por favor",
    "porfavor": "por favor",
    "tb": "tambien",
    "tmb": "tambien",
    "d": "de",
    "toy": "estoy",
    "nesesito": "necesito",
    "nececito": "necesito",
    "nesecito": "necesito",
    "nesicito": "necesito",
    "ocupo": "necesito",
    "reseta": "receta",
    "rezeta": "receta",
    "resetas": "recetas",
    "medisina": "medicina",
    "medecina": "medicina",
    "medisinas": "medicinas",
    "farmasia": "farmacia",
    "sita": "cita",
    "sitas": "citas",
    "corason": "corazon",
    "enbarazada": "embarazada",
    "embarasada": "embarazada",
    "enbarasada": "embarazada",
    "bomito": "vomito",
    "bomitando": "vomitando",
    "bomite": "vomite",
    "desmallo": "desmayo",
    "desmalle": "desmaye",
    "inchada": "hinchada",
    "inchado": "hinchado",
    "inchados": "hinchados",
    "inchadas": "hinchadas",
    "inchando": "hinchando",
    "espesialista": "especialista",
    "especilista": "especialista",
    "resultado": "resultados",
    "contrasenia": "contrasena",
    "calentura": "fiebre",
    "aseguranza": "seguro",
    "aseguransa": "seguro",
    "sanvre": "sangre",
    "resperar": "respirar",
    "pesho": "pecho",
    "pexo": "pecho",
    "braso": "brazo",
    "brasos": "brazos",
    "respirrar": "respirar",
    "resirar": "respirar",
    "respiar": "respirar",
    "rrespirar": "respirar",
    "respirra": "respira",
    "musho": "mucho",
    "musha": "mucha",
    "muchicimo": "muchisimo",
    "enbarazo": "embarazo",
    "embaraso": "embarazo",
    "enbaraso": "embarazo",
    "nasido": "nacido",
    "nasida": "nacida",
    "resien": "recien",
    "cabesa": "cabeza",
    "caveza": "cabeza",
    "cavesa": "cabeza",
    "desmallado": "desmayado",
    "desmallada": "desmayada",
    "desmaio": "desmayo",
    "derrepente": "de repente",
    "derepente": "de repente",
    "bomitar": "vomitar",
    "bomitado": "vomitado",
    "bomita": "vomita",
    "suisidio": "suicidio",
    "suisidarme": "suicidarme",
    "pastiyas": "pastillas",
    "pastiya": "pastilla",
    "alerjia": "alergia",
    "cuagulos": "coagulos",
    "ambulansia": "ambulancia",
    "urjencias": "urgencias",
}

# One byte-level pass does most of the work (bytes.translate is very fast):
# A-Z -> a-z, a-z 0-9 kept, clause punctuation -> "_", apostrophes deleted,
# everything else (including "_" itself) -> space.
_BREAK_CHARS = b".,;:!?\n"
_DELETED = b"'`"
_BYTE_TABLE = bytes(
    code if chr(code).isascii() and chr(code).isalnum() and not chr(code).isupper()
    else code + 32 if 65 <= code <= 90
    else ord(CLAUSE_MARKER) if code in _BREAK_CHARS
    else ord(" ")
    for code in range(256)
)
# After translation a decimal point is "_" between digits: "100_5".
_DECIMAL_POINT = re.compile(rb"_(?<=[0-9]_)(?=[0-9])")

# Word -> canonical replacement: the spelling table, clause breaks -> marker.
_REPLACEMENTS = {
    **{key: " ".join(value.split()) for key, value in CANONICAL_SPELLINGS.items()},
    **{word: CLAUSE_MARKER for word in CLAUSE_BREAK_WORDS},
}
_EXPANDING = frozenset(key for key, value in _REPLACEMENTS.items() if " " in value)


def table_fingerprint() -> str:
    """A hash of the normalisation tables; part of a RuleSet version, so
    changing a table invalidates compiled rule sets."""
    content = repr((sorted(CANONICAL_SPELLINGS.items()), sorted(CLAUSE_BREAK_WORDS),
                    MAX_CHARS, MAX_WORD_CHARS))
    return hashlib.sha256(content.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class NormalisedText:
    """Canonical words, with CLAUSE_MARKER tokens between clauses."""

    tokens: tuple[str, ...]
    truncated: bool = False

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    def words(self, start: int, end: int) -> str:
        """The canonical words of tokens[start:end], without clause markers."""
        return " ".join(token for token in self.tokens[start:end] if token != CLAUSE_MARKER)


def normalise(text: str) -> NormalisedText:
    """Normalise a message; see the module docstring for the steps."""
    truncated = len(text) > MAX_CHARS
    text = text[:MAX_CHARS]
    data = text.encode("ascii") if text.isascii() else _fold(text)
    data = data.translate(_BYTE_TABLE, _DELETED)
    if b"_" in data:
        data = _DECIMAL_POINT.sub(b" ", data)  # "100.5" is a number, not two clauses
    while b"__" in data:  # "?!." is one clause break
        data = data.replace(b"__", b"_")
    words = data.replace(b"_", b" _ ").decode("ascii").split()
    if words and max(map(len, words)) > MAX_WORD_CHARS:
        words = [word for word in words if len(word) <= MAX_WORD_CHARS]
    tokens = list(map(_REPLACEMENTS.get, words, words))
    if not _EXPANDING.isdisjoint(words):
        tokens = " ".join(tokens).split()
    return NormalisedText(tuple(tokens), truncated)


def _fold(text: str) -> bytes:
    """ASCII bytes for non-ASCII text: accents stripped, other scripts spaced."""
    text = text.replace("’", "").replace("´", "")  # typographic apostrophes: "can’t"
    text = unicodedata.normalize("NFKD", text.casefold())  # "ó" -> "o" + accent
    return text.encode("ascii", _FOLD_ERRORS)


def _drop_accents_space_others(error: UnicodeEncodeError) -> tuple[str, int]:
    """Encoding error handler for a run of non-ASCII characters: accents
    (combining marks) vanish, anything else (emoji, other scripts, dashes)
    becomes a space so it separates words."""
    run = error.object[error.start:error.end]
    accents_only = all(unicodedata.combining(char) for char in run)
    return ("" if accents_only else " "), error.end


_FOLD_ERRORS = "messaging.triage.fold"
codecs.register_error(_FOLD_ERRORS, _drop_accents_space_others)


@lru_cache(maxsize=8192)
def normalise_phrase(phrase: str) -> tuple[str, ...]:
    """The canonical words of a rule phrase (same steps as messages, no markers)."""
    return tuple(token for token in normalise(phrase).tokens if token != CLAUSE_MARKER)
