"""Slot fillers shared by the synthetic tasks: names, places, shops, amounts, times.

Lists are tuples in a fixed order (never sets) so that a seeded generator is reproducible.
Callables take a ``random.Random`` and return a string.
"""

from __future__ import annotations

import random


def words(text: str) -> tuple[str, ...]:
    """Split a ``;``-separated list into a tuple of stripped entries."""
    return tuple(w.strip() for w in text.split(";") if w.strip())


FIRST_NAMES = words(
    "Ana; Ben; Chloe; Dev; Emma; Farid; Grace; Hugo; Isla; Jamal; Kate; Leo; Maya; Nikhil; Olivia;"
    "Pavel; Quinn; Rosa; Sam; Tariq; Uma; Viktor; Wen; Xavier; Yara; Zoe; Aisha; Bruno; Carmen;"
    "Dmitri; Elena; Femi; Giulia; Hana; Ivan; Jess; Kofi; Lena; Marco; Nadia; Oscar; Priya; Raj;"
    "Sofia; Tom; Ugo; Vera; Will; Yusuf; Zainab; Liam; Noah; Mia; Ethan; Amara; Luca; Ingrid;"
    "Mateo; Sana; Theo; Ruth; Kenji; Lucy; Omar; Beth; Diego; Fatima; Jonas; Keira; Malik"
)
LAST_NAMES = words(
    "Smith; Okafor; Nguyen; Patel; Garcia; Kowalski; Mueller; Rossi; Haddad; Johansson; Kim;"
    "O'Brien; Fernandes; Ito; Novak; Mensah; Lopez; Chen; Andersen; Dubois; Khan; Murphy; Silva;"
    "Tanaka; Walker; Ibrahim; Costa; Schneider; Yilmaz; Brown; Ahmed; Rahman; Moreau; Byrne"
)
CITIES = words(
    "Leeds; Bristol; Glasgow; Cardiff; Manchester; Dublin; Cork; Boston; Denver; Austin; Toronto;"
    "Halifax; Leicester; Norwich; York; Brighton; Portland; Seattle; Dundee; Exeter; Oxford; Bath;"
    "Sheffield; Liverpool; Newcastle; Belfast; Reading; Phoenix; Ottawa; Aberdeen"
)
FOREIGN_CITIES = words(
    "Lagos; Bucharest; Manila; Minsk; Caracas; Jakarta; Kyiv; Lima; Hanoi; Almaty; Bangkok;"
    "Istanbul; Cairo; Sao Paulo; Mumbai; Shenzhen; Tbilisi; Nairobi; Karachi; Quito"
)
COUNTRIES = words(
    "Romania; Nigeria; Vietnam; Brazil; Russia; Indonesia; Ukraine; Peru; Kazakhstan; Thailand;"
    "Turkey; Egypt; the Philippines; Colombia; Belarus; Ghana; Pakistan; Venezuela"
)
DAYS = words("Monday; Tuesday; Wednesday; Thursday; Friday; Saturday; Sunday; Mon; Tue; Wed; Thu; Fri; Sat; Sun")
MONTHS = words("January; February; March; April; May; June; July; August; September; October; November; December")
SHOPS = words(
    "Tesco; Argos; Boots; Currys; Primark; Zara; IKEA; Lidl; Aldi; Sainsbury's; H&M; Uniqlo;"
    "Waitrose; Target; Walmart; Costco; Best Buy; Home Depot; JD Sports; Decathlon; Superdrug;"
    "B&Q; Halfords; Wickes; Matalan; Morrisons; TK Maxx; Screwfix; Asda; Game"
)
ONLINE_SHOPS = words("Amazon; eBay; Etsy; ASOS; Shein; Temu; AliExpress; Zalando; Very; Wayfair; Apple Store; Steam")
BANKS = words(
    "Barclays; HSBC; Lloyds; NatWest; Santander; Monzo; Revolut; Chase; Wells Fargo; Halifax;"
    "Nationwide; Starling; Citi; Capital One; TSB; First Direct"
)
CARRIERS = words("Royal Mail; DPD; Evri; Hermes; UPS; FedEx; DHL; USPS; Yodel; Parcelforce; An Post; Canada Post")
SERVICES = words(
    "Netflix; Spotify; Disney+; Prime Video; Xbox Game Pass; iCloud; Dropbox; Audible; YouTube Premium;"
    "Adobe; Microsoft 365; Peloton; PureGym; The Gym; Duolingo; Headspace; NordVPN; Deliveroo Plus"
)


def amount(rng: random.Random, low: float = 20, high: float = 950) -> str:
    """A money amount in one of several currencies and formats."""
    value = rng.uniform(low, high)
    cents = rng.random() < 0.5
    number = f"{value:,.2f}" if cents else f"{round(value):,}"
    style = rng.randrange(6)
    if style == 0:
        return f"£{number}"
    if style == 1:
        return f"${number}"
    if style == 2:
        return f"€{number}"
    if style == 3:
        return f"{number} GBP"
    if style == 4:
        return f"USD {number}"
    return f"{number} EUR"


def small_amount(rng: random.Random) -> str:
    return amount(rng, 3, 80)


def big_amount(rng: random.Random) -> str:
    return amount(rng, 1500, 18000)


def tiny_amount(rng: random.Random) -> str:
    return amount(rng, 0.5, 2.5).replace(",", "")


def digits(count: int):
    """A slot filling ``count`` random digits."""

    def fill(rng: random.Random) -> str:
        return "".join(str(rng.randrange(10)) for _ in range(count))

    return fill


def clock(rng: random.Random) -> str:
    """A time of day: ``7pm``, ``19:30``, ``half 6``, ``10.15am``."""
    hour = rng.randrange(7, 23)
    minute = rng.choice((0, 0, 15, 30, 45, 10, 20))
    style = rng.randrange(4)
    h12 = hour - 12 if hour > 12 else hour
    suffix = "pm" if hour >= 12 else "am"
    if style == 0:
        return f"{h12}{suffix}" if minute == 0 else f"{h12}:{minute:02d}{suffix}"
    if style == 1:
        return f"{hour}:{minute:02d}"
    if style == 2:
        return f"half {h12}" if minute == 30 else f"{h12}.{minute:02d}"
    return f"{h12}.{minute:02d}{suffix}"


def date(rng: random.Random) -> str:
    """A calendar date in one of several formats."""
    day = rng.randrange(1, 29)
    month = rng.randrange(12)
    style = rng.randrange(3)
    if style == 0:
        return f"{day:02d}/{month + 1:02d}"
    if style == 1:
        return f"{day} {MONTHS[month][:3]}"
    return f"{MONTHS[month]} {day}"


def number(low: int, high: int):
    """A slot filling an integer in ``[low, high]``."""

    def fill(rng: random.Random) -> str:
        return str(rng.randint(low, high))

    return fill


COMMON_SLOTS = {
    "first": FIRST_NAMES,
    "last": LAST_NAMES,
    "name": ("{first}", "{first} {last}", "{first}"),
    "city": CITIES,
    "foreign_city": FOREIGN_CITIES,
    "country": COUNTRIES,
    "day": DAYS,
    "shop": SHOPS,
    "online_shop": ONLINE_SHOPS,
    "any_shop": ("{shop}", "{online_shop}"),
    "bank": BANKS,
    "carrier": CARRIERS,
    "service": SERVICES,
    "amount": amount,
    "small_amount": small_amount,
    "big_amount": big_amount,
    "tiny_amount": tiny_amount,
    "time": clock,
    "date": date,
    "digits4": digits(4),
    "digits5": digits(5),
    "digits6": digits(6),
    "digits8": digits(8),
    "small_num": number(2, 25),
    "pct": ("10", "15", "20", "25", "30", "40", "50", "60", "70"),
}
