"""Analyst notes on card transactions and insurance claims: legit (0) vs fraud (1).

Hard negatives: large legitimate purchases, spending abroad with a travel notice, new
devices the customer confirmed, big claims with full paperwork. Fraud that looks small:
card testing with tiny charges, a string of gift cards.
"""

from __future__ import annotations

from quizkit.data.tasks import TaskSpec
from quizkit.data.vocab import COMMON_SLOTS, words

SLOTS = {
    **COMMON_SLOTS,
    "home_city": COMMON_SLOTS["city"],
    "merchant": ("{shop}", "{online_shop}", "{store}"),
    "store": words(
        "Shell; BP; Esso; Starbucks; Pret; Greggs; Costa; McDonald's; Uber; Trainline; Ryanair;"
        "easyJet; Deliveroo; Just Eat; Odeon; Ticketmaster; Boots Pharmacy; local garage; Airbnb"
    ),
    "electronics": ("Currys", "Best Buy", "Apple Store", "Samsung online", "an electronics reseller", "Argos", "Newegg"),
    "big_store": ("IKEA", "DFS", "John Lewis", "Home Depot", "a car dealership", "Wickes", "a jeweller in {home_city}",
                  "Apple Store", "a furniture showroom", "a kitchen fitter"),
    "channel": ("online", "by phone", "in the app", "in branch", "at the counter"),
    "device": ("a new Android phone", "an unrecognised iPhone", "a new laptop", "a browser never seen before",
               "an emulator", "a device in {country}"),
    "gadget": words("a laptop; a phone; a tablet; a camera; a watch; an e-bike; a drone; jewellery; a designer handbag; a gaming PC"),
    "claim_kind": ("water damage to the kitchen", "storm damage to the roof", "a burst pipe in the loft",
                   "a cracked windscreen", "a stolen bicycle", "subsidence cracks", "a kitchen fire",
                   "a broken boiler", "flooding in the basement", "hail damage to the car"),
    "evidence": ("plumber's invoice and photos", "police crime reference {digits8}", "contractor quote and photos",
                 "receipts for all items", "dashcam footage", "two independent witness statements",
                 "the garage's repair estimate", "loss adjuster's report"),
    "injury": ("whiplash", "a back injury", "a neck sprain", "soft-tissue injuries", "a wrist fracture"),
    "years": ("2", "3", "5", "6", "8", "11", "14", "20"),
    "count": ("three", "four", "five", "six", "seven", "eight", "nine", "12", "15"),
    "minutes": ("2", "3", "5", "8", "10", "15", "20", "40"),
    "ref": ("CLM-{digits6}", "#{digits8}", "ref {digits6}", "TX{digits8}", "case {digits5}"),
    "note_prefix": ("Analyst note:", "Case {digits5}:", "{date}:", "Auto-flagged:", "Reviewed by {first}:",
                    "Queue item {digits6} -", "Note:", "Summary:", "Investigator {first} {last}:"),
    "note_suffix": ("Escalated to the second-line team.", "Customer contacted by email.", "Sent for review.",
                    "Decision due within 48 hours.", "Linked to account {digits8}.", "Notes added by {first}.",
                    "Documents scanned to file.", "Awaiting callback."),
    "confirmed": ("customer confirmed by phone", "customer approved in the app", "cardholder verified with 3-D Secure",
                  "confirmed by the account holder", "one-time passcode entered correctly"),
}

LEGIT = (
    "Card purchase of {small_amount} at {merchant} in {home_city}[ on {day}| at {time}|][, cardholder's usual store|, matches spending history|]",
    "[Monthly|Annual|Quarterly] [subscription|membership] [renewal|payment] to {service}, {small_amount}, same card as the last [12 months|two years|renewal]",
    "Purchase of {big_amount} at {big_store}[ in {home_city}|]; {confirmed}[.|]",
    "Wire transfer of {big_amount} to [a solicitor for a house purchase|the title company for a deposit|the builder for the extension|a car dealer for a new car], [initiated in branch with ID checked|payee known for 2 years|{confirmed}]",
    "Card used in {foreign_city} [for {small_amount} at a cafe|at the hotel, {amount}|for a museum ticket|at a pharmacy]; travel notice on file[ for these dates|]",
    "Claim {ref} for {claim_kind}; {evidence} [attached|provided|on file]; policy held {years} years[, first claim|]",
    "Motor claim {ref}: [rear-ended|clipped|hit] at [traffic lights|a junction|a roundabout] in {city}; [police report filed|{evidence}], repair estimate {amount}",
    "Refund of {small_amount} from {merchant} for [returned shoes|a cancelled order|a faulty kettle|a returned jacket]",
    "ATM withdrawal of {small_amount} in {home_city} with chip and PIN[, usual branch|, near home|]",
    "Payroll deposit of {big_amount} from [employer|{shop} Ltd|the NHS|the council][, same date as every month|]",
    "Login from {device}[ in {home_city}|]; {confirmed}; no changes to payee list",
    "Contactless payment of {tiny_amount} at [Starbucks|Costa|Pret|Greggs|the station café] in {home_city}[, regular morning coffee|]",
    "Customer [called|messaged] to report a [lost|damaged] card[ before any spending|]; card cancelled and reissued, no disputed transactions",
    "Large purchase of {big_amount} at {electronics} [after a salary increase|for a home office|in store with chip and PIN]; {confirmed}",
    "Two charges of {small_amount} at {store}: [one was a pre-authorisation|the hotel deposit was released|the customer ordered twice]; no loss",
    "Home contents claim for {gadget} [dropped|damaged in a move|broken by the kids], worth {amount}; [receipt|bank statement] [provided|attached] and [photos match|item inspected]",
    "Online order of {amount} at {online_shop} delivered to the [registered|billing] address[, customer since {years} years|]",
    "Direct debit of {small_amount} to [the energy supplier|the council|the gym|the water company][, unchanged for months|]",
    "Flight booked with {store} for {amount}, [passenger name matches cardholder|booked from the usual laptop|{confirmed}]",
)

FRAUD = (
    "Card-not-present purchase of {amount} at {electronics} [shipped to a new address|from an IP in {country}|with a mismatched billing postcode] {minutes} minutes after a {tiny_amount} test charge",
    "[{count}|Several] gift card purchases totalling {amount} at {merchant} within {minutes} minutes[, new device|, card never used there before|]",
    "Login from {device}, [password and email|phone number and email|security questions] changed, then [a transfer|a payment] of {big_amount} to a new payee",
    "Claim {ref} for theft of {gadget} worth {amount} [two weeks|ten days|a month] after the policy [started|was increased]; [no receipts, no police report|receipt from a shop that does not exist|photos taken from a website]",
    "Claimant reports {injury} after a [minor bump|low-speed collision|parking-lot tap]; same [clinic|solicitor|garage] as {count} earlier claims",
    "Card swiped with the magstripe at {merchant} in {foreign_city} while the chip card was used in {home_city} {minutes} minutes earlier",
    "{count} charges of {tiny_amount} from [an unknown merchant|a merchant in {country}|{online_shop}] overnight[, each declined then retried|, card-testing pattern|]",
    "Refund claimed for a {amount} order marked delivered; [third|fourth|fifth] 'item not received' claim this month[ from the same address|]",
    "Fire damage claim {ref} on a [vacant|recently insured|for-sale] property; [contents list includes items with no proof of purchase|policy cover raised two weeks before|the cause was not accidental per the fire service]",
    "Customer says they did not make {count} [contactless|online] payments totalling {amount} [while the card was in their wallet|on a day they were abroad]; [card details seen on a leak list|merchant flagged for skimming]",
    "Account opened [3 days|a week|yesterday] ago with [a synthetic identity|documents that fail checks|a reused phone number]; [moved|withdrew] {big_amount} out on the first day",
    "Caller [pretending to be|posing as] the customer [asked to|tried to] [change the address|raise the limit|add a payee] but failed [security questions|voice ID]; then {amount} paid [online|to a crypto exchange]",
    "Motor claim {ref}: [two|three] passengers claim {injury}, but [the dashcam shows|the repairer found] [an empty car|only a scratch|damage older than the accident]",
    "[Cash advance|Balance transfer] of {big_amount} to [a crypto exchange|a money transfer service|an account in {country}] {minutes} minutes after [a SIM swap|a password reset|the card was reported lost]",
    "Duplicate invoices of {amount} from [a supplier|a contractor|{merchant}] with [a changed bank account|a new sort code|a look-alike email domain]; paid twice this month",
    "Purchase of {big_amount} at {electronics} in {foreign_city}, card [issued last week|reported stolen {minutes} minutes later|never used abroad]; [no travel notice|3-D Secure failed twice]",
    "Pet insurance claim {ref} for surgery costing {amount} at a vet [that shares the policyholder's address|not registered anywhere]; [invoice edited|no clinical notes]",
    "Travel claim for [lost luggage|a cancelled trip|stolen cash] of {amount}; [the same items were claimed|a similar claim was made] [last year|under another policy]",
)

# The same description can turn out either way once an analyst investigates.
SHARED = (
    "Online purchase of {amount} at {electronics} from {device}[, express shipping|, delivered to a locker|]",
    "Claim {ref} for {claim_kind}, estimate {amount}; [photos only|awaiting the adjuster|invoice to follow]",
    "Transfer of {amount} to a new payee [after a phone call|via the app|late at night][, customer unavailable to confirm|]",
    "Card used at {merchant} in {foreign_city} for {amount}[; no travel notice on file|]",
)

SPEC = TaskSpec(
    name="fraud",
    description="Transaction and insurance-claim notes: is it fraud?",
    labels=("legit", "fraud"),
    templates=(LEGIT, FRAUD),
    shared=SHARED,
    shared_rate=0.08,
    slots=SLOTS,
    # The same case-management wording around both labels: it adds length, not signal.
    frames=(("[{note_prefix} |]{core}[. {note_suffix}|]",),) * 2,
    styles=(
        dict(lower=0.15, typos=0.12, drop_final_punct=0.5),
        dict(lower=0.15, typos=0.12, drop_final_punct=0.5),
    ),
)
