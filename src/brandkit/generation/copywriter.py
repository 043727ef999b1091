"""The built-in copywriter: rules, not a model. It finds what a prompt states outright (offers,
prices, dates, phones, emails, websites, handles, calls to action, lists) and makes a title and
a subtext from the words that remain. It never invents facts; it uses only the prompt's words,
plus a call to action in English prompts that name none."""

from __future__ import annotations

import re
from dataclasses import dataclass

WRITER = "rules"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(
    r"\b(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|co|ai|shop|store|app|dev|info|biz|us|uk|de|fr|es|in)(?:/[^\s,;]*)?",
    re.I,
)
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_.]{2,30}")
_PHONE = re.compile(r"(?<!\w)\+?\d[\d\s().-]{6,}\d")
_PERCENT = re.compile(r"\b(?:up to\s+)?\d{1,3}\s?%(?:\s*off)?", re.I)
_PRICE = re.compile(
    r"(?:[$€£₹¥]\s?\d+(?:[.,]\d{1,2})?|\b\d+(?:[.,]\d{1,2})?\s?(?:usd|eur|gbp|dollars|euros)\b)",
    re.I,
)
_FREE = re.compile(r"\bfree (?:shipping|delivery|trial|gift|entry)\b", re.I)
_BOGO = re.compile(r"\bbuy one,? get one(?: free)?\b", re.I)
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_DATE = re.compile(
    rf"(?<!black )(?<!cyber )\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})[a-z]*(?:\s+\d{{4}})?|(?:{_MONTHS})[a-z]*\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?|(?:mon|tues|wednes|thurs|fri|satur|sun)day|this weekend|tomorrow|tonight)\b",  # noqa: E501
    re.I,
)
_CTAS = (
    "shop now",
    "buy now",
    "order now",
    "book now",
    "sign up",
    "register now",
    "register",
    "learn more",
    "get started",
    "join now",
    "join us",
    "download now",
    "download",
    "call now",
    "subscribe",
    "reserve now",
    "apply now",
    "try it free",
    "get yours",
    "discover more",
    "contact us",
    "visit us",
    "donate now",
    "rsvp",
    "enroll now",
)
_CTA = re.compile(r"\b(?:" + "|".join(re.escape(c) for c in _CTAS) + r")\b", re.I)
_LEAD = re.compile(
    r"^\s*(?:please\s+)?(?:generate|create|make|design|build|produce|write|give me|i need|i want|we need)?"  # noqa: E501
    r"\s*(?:an?|the|some)?\s*(?P<what>(?:[\w'-]+\s+){0,3}?)(?:design|post|banner|ad|advert|advertisement|poster|flyer|creative|graphic|image|story|thumbnail|cover|email|newsletter)s?\s*(?:for|about|of|to promote|promoting|announcing)?\s*",  # noqa: E501
    re.I,
)
_LIST = re.compile(r"\b(?:with|featuring|including|includes|offering)\s+([^.;:]+)", re.I)
_SPLIT = re.compile(r"\s*(?:,|\band\b)\s*", re.I)
_CONTACT_VERBS = re.compile(
    r"\b(?:call|visit|follow|email|text|message|dm|contact)(?:\s+us)?(?:\s+(?:at|on))?\b(?=\s*(?:or\b|and\b|[,.;]|$))",
    re.I,
)
_FILLER = re.compile(r"\b(?:my|our|your|a|an|the)\b\s*", re.I)


@dataclass(frozen=True)
class Found:
    offers: list[str]
    dates: list[str]
    phones: list[str]
    emails: list[str]
    websites: list[str]
    handles: list[str]
    ctas: list[str]
    items: list[str]
    rest: str


def _take(pattern: re.Pattern[str], text: str) -> tuple[list[str], str]:
    found = [" ".join(m.group(0).split()) for m in pattern.finditer(text)]
    return found, pattern.sub(" ", text)


def analyse(prompt: str) -> Found:
    text = " ".join(prompt.split())
    emails, text = _take(_EMAIL, text)
    handles, text = _take(_HANDLE, text)
    websites, text = _take(_URL, text)
    phones, text = _take(_PHONE, text)
    offers: list[str] = []
    for pattern in (_PERCENT, _PRICE, _FREE, _BOGO):
        found, text = _take(pattern, text)
        offers += found
    dates, text = _take(_DATE, text)
    ctas, text = _take(_CTA, text)
    items: list[str] = []
    match = _LIST.search(text)
    if match:
        parts = [p.strip(" -") for p in _SPLIT.split(match.group(1)) if p.strip(" -")]
        if len(parts) >= 2:
            items = parts[:6]
            text = text[: match.start()] + text[match.end() :]
    if emails or handles or websites or phones:
        text = _CONTACT_VERBS.sub(" ", text)
        text = re.sub(r"\s+(?:or|and)\s*(?=[,.;]|$)", "", text)
    lead = _LEAD.match(text)
    what = ""
    if lead:
        what = (lead.group("what") or "").strip()
        text = text[lead.end() :]
        if what and re.match(r"^(?:with|featuring|about)\b", text.strip(), re.I):
            # "a summer t-shirt ad with a beach theme": the ad's own words make the title.
            text = (
                what + " - " + re.sub(r"^(?:with|featuring|about)\s+", "", text.strip(), flags=re.I)
            )
    text = re.sub(
        r"\b(?:with|for|on|at|by|from|until|till|and|of)\s*(?=[\s,.;:]*$)",
        "",
        text.strip(),
        flags=re.I,
    )
    rest = " ".join(re.sub(r"\s+([,.;:!?])", r"\1", text).strip(" ,.;:-").split())
    return Found(offers, dates, phones, emails, websites, handles, ctas, items, rest)


def _title_case(text: str) -> str:
    small = {"a", "an", "and", "at", "for", "in", "of", "on", "or", "the", "to", "with", "by"}
    words = text.split()
    out = []
    for i, word in enumerate(words):
        if i and word.lower() in small:
            out.append(word.lower())
        elif word[:1].islower():
            out.append(word[:1].upper() + word[1:])
        else:
            out.append(word)
    return " ".join(out)


def _offer_text(offer: str) -> str:
    text = offer.strip()
    if re.fullmatch(r"(?:up to\s+)?\d{1,3}\s?%", text, re.I):
        text += " off"
    return text[:1].upper() + text[1:]


def _split_rest(rest: str) -> tuple[str, str | None]:
    """A title from the head of what remains, the rest (if long enough) as subtext."""
    rest = _FILLER.sub("", rest).strip()
    if not rest:
        return "", None
    for sep in (" for ", " to ", " - ", ": ", ", "):
        head, found, tail = rest.partition(sep)
        if found and 2 <= len(head.split()) <= 6 and len(tail.split()) >= 2:
            return head, tail[:1].upper() + tail[1:]
    words = rest.split()
    if len(words) > 8:
        return " ".join(words[:6]), " ".join(words[6:])[:1].upper() + " ".join(words[6:])[1:]
    return rest, None


_DANGLING = re.compile(r"(?:\s+(?:with|for|at|and|of|on|by|from|to|in|or))+\s*$", re.I)


def write(prompt: str, language: str) -> list[dict[str, str | list[str]]]:
    """One to three content suggestions, each valid designs-from-content content."""
    found = analyse(prompt)
    english = language == "english"
    head, tail = _split_rest(found.rest)
    # "Bakery opening with 20% off": the offer is taken out, its "with" must go too.
    head = _DANGLING.sub("", head)
    tail = _DANGLING.sub("", tail) if tail else tail
    title = _title_case(head) if english else head
    if not title:
        title = _offer_text(found.offers[0]) if found.offers else " ".join(prompt.split()[:8])
    base: dict[str, str | list[str]] = {"title": title}
    if found.offers:
        base["offer"] = _offer_text(found.offers[0])
    if found.dates:
        base["date_time"] = found.dates[0]
    for key, values in (
        ("phone", found.phones),
        ("email", found.emails),
        ("website", found.websites),
        ("instagram", found.handles),
    ):
        if values:
            base[key] = values[0]
    button = found.ctas[0] if found.ctas else ("Shop now" if found.offers else "Learn more")
    if found.ctas or english:
        base["button"] = _title_case(button) if english else button
    first = dict(base)
    if tail:
        first["subtext"] = tail
    suggestions = [first]
    if found.items:
        second = dict(base)
        second["bulletlist"] = [i[:1].upper() + i[1:] for i in found.items]
        suggestions.append(second)
    if found.offers and english:
        third = {k: v for k, v in base.items() if k != "offer"}
        third["supertext"] = _offer_text(found.offers[0])
        third["title"] = title
        if tail:
            third["text"] = tail
        suggestions.append(third)
    unique: list[dict[str, str | list[str]]] = []
    for s in suggestions:
        if s not in unique:
            unique.append(s)
    return unique[:3]
