"""Customer-support tickets routed to billing (0), technical (1), shipping (2) or account (3).

Cross-class vocabulary on purpose: "charged for shipping" is billing, "the app crashes when
I change my address" is technical, "can't log in" is account but "the login page shows
error 500" is technical.
"""

from __future__ import annotations

from quizkit.data.tasks import TaskSpec
from quizkit.data.vocab import COMMON_SLOTS, words

SLOTS = {
    **COMMON_SLOTS,
    "order": ("order #{digits6}", "order {digits8}", "my order", "order no. {digits6}", "my last order"),
    "product": words(
        "the app; the website; the desktop app; the Android app; the iOS app; the router; the smart plug;"
        "the printer driver; the browser extension; the TV app; the checkout page; the dashboard"
    ),
    "item": words(
        "headphones; running shoes; coffee machine; sofa cushions; phone case; winter coat; desk lamp;"
        "air fryer; kids' bike; monitor; books; vacuum cleaner; suitcase; yoga mat; blender"
    ),
    "plan": ("Premium plan", "family plan", "annual subscription", "Pro tier", "basic plan", "business plan"),
    "error": ("error 500", "error code E{digits4}", "a blank white screen", "'something went wrong'",
              "a spinning wheel forever", "a 404 page", "'network error'", "a timeout", "error 0x{digits4}"),
    "os": ("Windows 11", "macOS", "Android 14", "iOS 17", "Chrome", "Firefox", "Safari", "Linux", "my Pixel",
           "my iPhone", "an iPad"),
    "when_done": ("after the latest update", "since yesterday", "every time I open it", "since {day}",
                  "when I click save", "randomly", "after about {small_num} minutes", "since I reinstalled it"),
    "wait": ("{small_num} days", "two weeks", "over a week", "since {day}", "10 days", "three weeks"),
    "hi_ticket": ("Hi", "Hello", "Hi there", "Dear support", "Hey", "Good morning", "To whom it may concern"),
    "bye": ("Thanks", "Thank you", "Regards", "Cheers", "Thanks in advance", "Kind regards", "Many thanks"),
    "mood": ("This is really frustrating.", "Please help.", "Not happy.", "Can someone look at this asap?",
             "Any update would be appreciated.", "I've already emailed twice.", "Urgent please!",
             "Hoping you can sort this quickly."),
}

BILLING = (
    "I was charged twice for {order}[, {amount} each time|, please refund one of them|]",
    "[Why did my {plan} go|How come my {plan} went] up to {small_amount} a month[ without any notice|? nobody told me|]",
    "I cancelled my {plan} [on {day}|last month|weeks ago] but [you still took|you charged me] {small_amount}",
    "[Can I get|I need|Please send] [an invoice|a VAT receipt|a copy of the invoice] for {order}[ for my expenses|, my company needs it|]",
    "[Still waiting for|Where is|Haven't received] my refund of {amount} for {order}[, it's been {wait}|]",
    "I was charged {small_amount} for shipping [on|with] {order} but [it said free delivery|I have Premium with free shipping]",
    "The discount code [{digits4}OFF|SAVE{pct}|WELCOME{pct}] [didn't apply|wasn't applied] at checkout, I paid full price[ {amount}|]",
    "[My card was declined|Payment failed] [but the money left my account|twice] [for|on] {order}",
    "[How do I|Can I] [switch|change] from monthly to annual billing[ and get the discount|]?",
    "[There is|I see] a charge of {small_amount} [on my statement|from you] that I don't recognise[, what is it for|]",
    "Please update the card on file, my old one [expired|was replaced] and [the payment bounced|I got a late fee]",
    "I want to [dispute|query] the late payment fee of {small_amount}[ on my last bill|]",
    "[Overcharged|I was overcharged] on {order}: [the price was|it showed] {small_amount} but I paid {amount}",
)

TECHNICAL = (
    "{product} [keeps crashing|crashes|freezes|closes itself] {when_done}[ on {os}|]",
    "[I get|Getting|It shows] {error} when I [try to pay|open {product}|upload a file|click checkout|sync]",
    "{product} [won't|doesn't|will not] [load|connect|sync|start] on {os}[, I tried reinstalling|, restarted twice|]",
    "The login page shows {error}[ on {os}|], [it worked yesterday|other sites load fine|]",
    "[Notifications|Push notifications|Email alerts] [stopped working|don't arrive|are delayed by hours] {when_done}",
    "[The export|Exporting to CSV|The PDF download|Printing] [fails|gives {error}|produces an empty file]",
    "{product} is [really slow|very laggy|using 100% CPU] {when_done}",
    "[Bluetooth pairing|Wi-Fi setup|The firmware update] [fails|gets stuck at {pct}%|won't finish] [on the router|on the smart plug|on my headphones]",
    "The app crashes when I try to [update my address|change my password|add a card|track my parcel]",
    "[Dark mode|The search bar|The filter|The language setting] [doesn't work|is broken|resets itself] on {os}",
    "[Sync between|Syncing between] my phone and laptop [stopped|is broken], [files are missing|changes don't show up]",
    "[Video calls|Audio|Screen sharing] [cut out|drop|lag] after about {small_num} minutes in {product}",
)

SHIPPING = (
    "{order} [still hasn't arrived|hasn't arrived|is missing] after {wait}[, tracking hasn't moved|]",
    "Tracking says [delivered|left at the door|handed to resident] but I [never got|didn't receive] my {item}",
    "[My|The] {item} arrived [damaged|broken|smashed|with a cracked box], [can you send a replacement|what now]?",
    "[I got|You sent|Received] the wrong [size|colour|item]: [ordered|I ordered] {item} and got [something else|a different model]",
    "[Can I|Can you] change the delivery address for {order}[? it hasn't shipped yet|, I'm moving on {day}|]",
    "{carrier} [says|tracking says] {order} is [held at the depot|returned to sender|delayed], [why|what do I do]?",
    "[Only part of|Half of] {order} arrived, the {item} is missing",
    "[When|When exactly] will {order} be [dispatched|shipped|delivered]? [It said 2-day delivery|I need it by {day}]",
    "[The courier|{carrier}] left my {item} [in the rain|with a neighbour I don't know|at the wrong house]",
    "[Do you|Can you] ship to [Ireland|Canada|Norway|the Channel Islands] and how long does it take?",
    "I want to return the {item}, [how do I get a return label|where do I send it|can you arrange a pickup]?",
    "{order} shows 'label created' [for {wait}|since {day}] and nothing since",
)

ACCOUNT = (
    "[I can't|Can't|Unable to] log in, [it says my password is wrong|the reset email never arrives|my account is locked]",
    "[How do I|Please] [change|update] the email [address|] on my account[ to {first}@{online_shop}.com|]?",
    "[Please delete|I want to delete|Close] my account and all my data[ under GDPR|, I no longer use it|]",
    "I [lost|got a new phone and lost] access to my [two-factor|2FA|authenticator] codes[, how do I get back in|]",
    "[Someone|A stranger] [logged into|changed the password on] my account[ from {foreign_city}|], [please lock it|I didn't do this]",
    "[Can I|How do I] [merge|combine] my two accounts[ into one|, one is under my old email|]?",
    "[My username|The name on my account|My profile] [is spelled wrong|shows {first} instead of my name|needs updating]",
    "[I never got|Didn't receive] the [verification email|activation link|confirmation code] to [finish signing up|verify my account]",
    "[How do I|Can you] add [my partner|a family member|a second user] to my account[?|]",
    "[Please|Can you] [unsubscribe me from|stop] marketing emails but keep my account[ open|]",
    "[My account was|Account] [suspended|deactivated|flagged] [for no reason|without warning][, can you reactivate it|]",
    "[I'd like to|How do I] change my [phone number|security questions|date of birth] on my profile",
)

# Tickets that fit two queues: routing is genuinely uncertain for these.
SHARED = (
    "[I need|Requesting] a refund for the {item} that arrived [damaged|late], {order}",
    "{order}: [problem|issue] with [payment and delivery|my account and my parcel], please call me",
    "I [can't|couldn't] [see|find] {order} in my account[ anywhere|, was I charged?|]",
    "[Your website|The checkout] [charged me but|took payment but] [the order never showed up|shows no order]",
)

SPEC = TaskSpec(
    name="support",
    description="Customer-support tickets: which team should handle it?",
    labels=("billing", "technical", "shipping", "account"),
    templates=(BILLING, TECHNICAL, SHIPPING, ACCOUNT),
    shared=SHARED,
    shared_rate=0.07,
    slots=SLOTS,
    frames=(("[{hi_ticket}[,|] |]{core}[.|!|] [{mood} |][{bye}[,|] [{first}|]|]",),) * 4,
    styles=(dict(lower=0.2, typos=0.15),) * 4,
)
