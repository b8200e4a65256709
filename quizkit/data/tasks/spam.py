"""SMS messages: ham (0) vs spam (1).

Hard negatives: ham that says "free", "win", "won", "congratulations", "claim", carries a
link, a code or an amount; spam written casually ("hi mum, new number").
"""

from __future__ import annotations

from quizkit.data.tasks import TaskSpec
from quizkit.data.vocab import COMMON_SLOTS, words

SLOTS = {
    **COMMON_SLOTS,
    "hi": ("Hey", "Hi", "Hiya", "Yo", "Oi", "Morning", "Evening", "Hello", "heyy", "Alright"),
    "event": words(
        "the gig; dinner; the pub quiz; footy; book club; the party; Sam's leaving do; drinks;"
        "the cinema; brunch; yoga; the match; karaoke; the BBQ; board games; the school run;"
        "the 5-a-side; Jess's birthday; the concert; the work do; climbing; pizza night"
    ),
    "excuse": words(
        "the bus never came; missed my train; traffic is awful; the car won't start; got stuck at work;"
        "the kids are being a nightmare; had to wait for a delivery; roadworks everywhere;"
        "the meeting ran over; couldn't find my keys; overslept"
    ),
    "grocery": words(
        "milk; bread; eggs; bananas; nappies; washing up liquid; teabags; cat food; onions; pasta;"
        "a pizza; loo roll; some wine; cheese; coffee; oat milk; batteries; bin bags; chicken; rice"
    ),
    "excuse_fun": ("absolutely hooked", "not sure about the ending", "cried at the end", "so good",
                   "stayed up till 2 watching it"),
    "relative": ("Mum", "Mom", "Dad", "Gran", "Nan", "Grandad", "Auntie {first}", "Uncle {first}", "your sister"),
    "meal": ("dinner", "lunch", "Sunday roast", "tea", "a curry", "brunch"),
    "team": ("we", "Leeds", "United", "the Reds", "City", "our lot", "the under-12s", "Rovers", "the Lakers"),
    "score": ("2-1", "3-0", "1-0", "4-2", "on penalties", "in extra time", "by 12 points", "3-2"),
    "raffle": ("the raffle", "the office sweepstake", "the bake-off", "the pub quiz", "the school tombola",
               "the lottery syndicate", "bingo", "the fantasy league"),
    "thing": words(
        "keys; remote; charger; passport; wallet; umbrella; car keys; headphones; blue jumper;"
        "laptop bag; kindle; sunglasses; library book; spare key"
    ),
    "topic": ("the flat", "the car", "Mum", "the holiday", "the rent", "work", "the kids", "{first}",
              "the wedding", "next weekend", "the dog"),
    "legit_url": ("https://docs.google.com/d/{digits8}", "https://photos.app.goo.gl/{digits6}",
                  "https://zoom.us/j/{digits8}", "https://www.bbc.co.uk/news/{digits8}",
                  "https://teams.microsoft.com/l/{digits6}", "https://calendly.com/{first}"),
    "scam_url": ("http://{scam_word}-{scam_tld_word}.{tld}/{digits4}", "www.{scam_word}{digits4}.{tld}",
                 "bit.ly/{digits6}", "https://{carrier_slug}-{scam_word}.{tld}",
                 "http://{bank_slug}-secure-{digits4}.{tld}", "tinyurl.com/{scam_word}{digits4}"),
    "scam_word": ("claim", "prize", "verify", "secure", "reward", "bonus", "redeliver", "refund", "winner", "login"),
    "scam_tld_word": ("now", "uk", "online", "today", "center", "help", "portal"),
    "tld": ("com", "info", "top", "xyz", "net", "co", "live", "online"),
    "carrier_slug": ("royalmail", "dpd", "evri", "ups", "dhl", "usps", "parcel", "post"),
    "bank_slug": ("hsbc", "barclays", "lloyds", "natwest", "chase", "santander", "bank"),
    "shortcode": ("{digits5}", "8{digits4}", "6{digits4}"),
    "prize": words(
        "£1000 Tesco voucher; $500 Walmart gift card; brand new iPhone; cash prize of {amount};"
        "2-week holiday to Tenerife; PlayStation 5; £250 Amazon voucher; Samsung Galaxy; year of free shopping;"
        "luxury cruise for two; Nintendo Switch bundle"
    ),
    "keyword": ("WIN", "CLAIM", "YES", "GO", "PRIZE", "FREE", "DATE", "CASH", "START"),
    "deadline": ("midnight", "{day}", "the end of today", "{date}", "12 hours", "tomorrow 9am"),
    "pence": ("150", "£1.50", "50", "25", "£3"),
    "job_pay": ("{amount} a day", "{amount} per week", "up to £400 daily", "$300/day"),
}

HAM = (
    "[{hi} |]{first}[,|!|] [are you|r u|you] [still |][on for|coming to|up for] {event} [tonight|tomorrow|later|on {day}|this weekend][?|??|]",
    "[Running|Gonna be|I'll be|Sorry, I'm|Sorry running] [about |like |]{small_num} [mins|minutes] late[,|.|!] {excuse}[.|!|]",
    "{relative} [says|wants to know if|asked if] [you're coming|u r coming|you can come] for {meal} [on {day}|tonight|tomorrow][?|.|]",
    "[Can you|Could u|Pls|Please] [grab|pick up|get] {grocery} [and {grocery}|] [on the way home|from {shop}|when ur out|after work][?|.|]",
    "[Meeting|Call|Standup|Interview] [moved|pushed|moved back] to {time}[, same room|, room {small_num}|]. [Can you bring|Pls bring|Don't forget] the [slides|report|laptop charger|printouts][.|]",
    "[Miss you|Love you|Thinking of you|Can't wait to see you][ loads|| xx| x|!|, see you soon]",
    "[Thanks|Thx|Cheers|Thank you] for [today|dinner|the lift|yesterday|having us|the birthday card], [had a great time|it was lovely|owe you one|the kids loved it][!|.| x|]",
    "[Call|Ring] me when you [get this|can|are free|finish work], [it's about|need to talk about|quick question about] {topic}[.|]",
    "[Have you|Did you|Did u] [feed|fed] the [cat|dog|fish] [this morning|before you left|][?|]",
    "Where did you put the {thing}[?|??| I can't find it anywhere]",
    "[Happy birthday|HAPPY BIRTHDAY|Happy bday] {first}[!!|!|] [Have an amazing day|Hope you get spoiled|See you at the party|Love from all of us][ x|!|]",
    "[Just landed|Made it home|Home safe|Back at the hotel][, |. ][will call later|speak tomorrow|knackered|weather is lovely][.|!|]",
    "[Can we|Shall we|Do you want to] [move|push] {event} to {day}[?|, something came up at work.]",
    "[Got the|Booked the] [tickets|table|train|cabin] for {day}[, {time}|]. [You owe me {small_amount}|My treat|Bring cash for drinks][.|]",
    "[The landlord|{first}|The plumber] [says|said] [he'll|she'll|they'll] come round [on {day}|tomorrow|at {time}] to [fix the boiler|look at the leak|read the meter][.|]",
    "[ok|Ok|OK|okay|Sure|Sounds good|Yep], see you [at {time}|on {day}|there|soon|in a bit][.|!| x|]",
    "[How's|Hows|How is] [the new job|your mum|the baby|the flat hunt|revision|your knee] [going|doing][?|??] [Haven't heard from you in ages|Give me a ring sometime|]",
    "[Leaving|Leaving work|Just leaving] now, [want anything from|need anything from|shall I stop at] {shop}[?|]",
    "[Can't|Cannot|Cant] [make it|come] {day}, [sorry|so sorry|gutted] [x|xx|!|]. [Next week?|Rain check?|Another time?|]",
    "[Dinner's|Tea's|Food's] [ready|nearly ready|in the oven], [come down|where are you|be quick][!|]",
    "[What time|When] [does|is] {event} [start|on|finish][?|] [I'll pick you up|Need a lift?|Want to go together?|]",
    "[Watching|Just finished] [that series|the film|the new season] you [told me about|recommended][, {excuse_fun}|]",
    "[Kids|The kids|Little one] [are|is] [finally asleep|off to bed|at Gran's], [fancy a film|glass of wine?|quiet night in][?|]",
    "[Don't forget|Remember] [it's|its] {first}'s [birthday|leaving do|housewarming] on {day}[, I'll get a card|, need to buy a present|]",
)

# Ham that uses spam's words: free, win, congratulations, codes, links, amounts, deliveries.
HAM_HARD = (
    "[Are you|R u|You] free [tonight|on {day}|after work|for a quick call at {time}|this weekend][?|]",
    "I'm free [from {time}|after {time}|all day {day}|after lunch], [call|ring|text] me [whenever|when you can|if u want][.|]",
    "[Did|Did u|Did you] [see|watch|catch] the [game|match|final][?|!] {team} [won|lost|drew] {score}[!|!!|]",
    "[Fingers crossed|Hope|Really hope] [you|u] win {raffle} [tonight|on {day}|this time]![ x|]",
    "{first} won {raffle} [lol|haha|again], [she|he] [gets|got] a [hamper|voucher|trophy|bottle of wine|free lunch]",
    "[Congrats|Congratulations|Massive congrats] on the [new job|promotion|baby|engagement|house|driving test][!!|!|] [So happy for you|Well deserved|Drinks on me|Proud of you][.|!|]",
    "Your {bank} [verification|security|one-time] code is {digits6}. [Do not share it with anyone|Never share this code, not even with our staff][.|]",
    "Reminder: your [appointment|check-up|dental check-up|eye test|MOT] [with Dr {last}|at the surgery|at {city} clinic] is on {day} at {time}. [Reply C to confirm or R to rearrange|Call us if you cannot attend][.|]",
    "{carrier}: your parcel [from {any_shop}|] will [arrive|be delivered] [today|tomorrow|on {day}] between {time} and {time}[. Track it in the {carrier} app|. No action needed|][.|]",
    "[I'll|I will|Will] [send|transfer] you the {small_amount} for [the tickets|dinner|petrol|the taxi|the present] [tonight|tomorrow|when I get paid|in a bit][.|]",
    "[here's|Here is|Heres] the [link|doc|photos|agenda] [from|for] [yesterday|the trip|the meeting|the party]: {legit_url}",
    "[Free|Got a free] [pizza|coffee|dessert] with the [voucher|student card|app], [want one|fancy it|you coming][?|]",
    "[Claim|Claimed] the [expenses|train refund|insurance] for the [trip|broken phone|delayed flight] yet[?|]",
    "[Did you|Have you] [win|won] anything at {raffle}[?|] [We got nothing lol|I won a free pint haha|Only a keyring]",
)

SPAM = (
    "[Congratulations|CONGRATS|Congrats|URGENT]! [You have|You've|U have] [won|been selected to receive] [a|an|the] {prize}[!|.] [Call|Text|Reply] {shortcode} [now|today|before {deadline}] to claim[.|!|]",
    "{bank} [ALERT|Alert|Security notice|Fraud team]: [unusual activity|a new login|a payment of {amount}] [on|to|from] your account. [If this wasn't you|To cancel|To stop it], [verify|confirm|log in] at {scam_url}",
    "{carrier}: [your parcel|a package|your delivery] [is on hold|could not be delivered|is awaiting payment][ due to an unpaid customs fee| due to an incomplete address|]. [Pay {tiny_amount}|Reschedule|Confirm your details] [at|via] {scam_url}",
    "[Need cash fast?|Short on money?|Bad credit?|Struggling with bills?] [Get|Borrow] up to {amount} [today|in 1 hour|within minutes] [with no credit check|guaranteed approval|even with bad credit]. [Apply at {scam_url}|Reply YES now|Txt LOAN to {shortcode}]",
    "[Turn|Make|Grow] {small_amount} into {big_amount} [in a week|in 7 days|by {day}] with our [crypto|AI trading|forex|bitcoin] [bot|signals|group]. [Join|DM us|Sign up] {scam_url}",
    "[Hot|Lonely|Single|Flirty] [singles|girls|guys|locals] in {city} [want to meet you|are waiting|are online now]. [Text|Reply] {keyword} to {shortcode}[ (18+)|. {pence}p/msg|]",
    "FREE [entry|ringtone|gift card|iPhone 15|spins|£50 bet] [for you|this week|]! [Text|Send|Txt] {keyword} to {shortcode} [now|today|]. [T&Cs apply|18+ only|{pence}p per msg|Std rates apply]",
    "[You've|You have|U have] been [chosen|selected|picked] for a [short|2 min|quick] survey about {any_shop}. [Complete it|Finish it|Answer 3 questions] and [get|receive|claim] a {prize}: {scam_url}",
    "[HMRC|IRS|Tax office|Gov.uk]: you are [eligible for|due|owed] a tax refund of {amount}. [Claim|Submit your details|Apply] [at|via] {scam_url} [before {deadline}|within 24h|]",
    "[Earn|Make] {job_pay} [working from home|part time|from your phone], no experience needed. [WhatsApp|Text|Message] {shortcode}{digits5} [now|for details|]",
    "[WINNER!!|WINNER!|Lucky you!] As a valued [customer|network customer|{any_shop} shopper] you [have been selected|are chosen] to receive a {prize}. [To claim call|Claim code {digits4}, call|Reply CLAIM to] {shortcode}[. Valid 12 hours only|]",
    "[Final notice|FINAL REMINDER|Last chance]: your [car finance|PPI|energy|broadband] [claim|refund|rebate] of {amount} [is waiting|is ready|expires {deadline}]. [Reply YES|Click|Visit] {scam_url}",
    "[Win|WIN] a {prize}! [Just|Simply] [text|txt] {keyword} to {shortcode}. [Draw closes {deadline}|Entry {pence}p|No purchase needed]",
    "[Dear customer|Dear {bank} user|Valued customer], your card has been [blocked|restricted|frozen] [due to suspicious activity|for your security]. [Unlock it|Restore access] at {scam_url}",
    "[Your number|Ur mobile no.|This number] [has won|won] {amount} in our [monthly|weekly|New Year] draw! [Call|Ring] {shortcode} [to claim|now]. [Cost {pence}/min|18+]",
)

# Spam that reads like a friend or a service you use.
SPAM_HARD = (
    "[Your|U r|Your free] subscription to {service} [has expired|could not be renewed|is suspended]. [Update your payment details|Reactivate now] at {scam_url} [to avoid losing access|today|]",
    "[Hi|Hey|hello] [mum|dad|Mum|Dad], [I dropped my phone|my phone broke|I lost my phone], this is my new number. [Can you|Could u|Please] [send me|transfer|lend me] {small_amount}? [I'll explain later|it's urgent|need it for rent today|will pay you back tmrw]",
    "[hey|Hey|hi] {first}! [long time no see|remember me?|it's been ages] [I made {amount} last month|found a way to get paid online|you have to see this] {scam_url}",
    "[Your|Ur] {service} account [will be|has been] [suspended|locked|closed] [in 24 hours|today]. [Verify|Confirm] your [identity|card|billing info] [at|here:] {scam_url}",
    "[Private|PRIVATE|Important] message: you have {small_num} [unclaimed|unredeemed] [reward points|bonus points|Avios] worth {amount}[, expiring {deadline}|]. [Redeem|Claim] at {scam_url}",
)

# Promotions from real shops: some people file them as spam, others as wanted messages.
SHARED = (
    "{shop}: [{pct}% off|Buy one get one free on|Flash sale on|Extra {pct}% off] [everything|all coats|selected lines|homeware|sports shoes] [this weekend|today only|until {day}]. [Reply STOP to opt out|Shop now in store or online|See you soon][.|]",
    "[You have|You've] [earned|got] {small_num}00 points at {shop}. [Redeem them|Use them|Spend them] before {date}[.|!]",
    "[Reminder|Don't forget]: your {service} [free trial|discount] ends {day}. [Cancel any time in the app|Keep enjoying it for {small_amount}/month][.|]",
    "[New|Fresh] [deals|offers|arrivals] at {online_shop} [picked for you|this week|today]. [Open the app to see them|Tap to browse|Reply STOP to end][.|]",
)

SPEC = TaskSpec(
    name="spam",
    description="SMS messages: is it spam?",
    labels=("ham", "spam"),
    templates=(HAM, SPAM),
    hard=(HAM_HARD, SPAM_HARD),
    # Enough look-alikes and shop promotions (filed either way) that a model cannot rank
    # every message right: raising the threshold then really trades recall for precision.
    hard_rate=0.15,
    shared=SHARED,
    shared_rate=0.10,
    slots=SLOTS,
    styles=(
        dict(lower=0.3, upper=0.02, typos=0.08, shorthand=0.2, drop_final_punct=0.3),
        dict(lower=0.1, upper=0.12, typos=0.08, shorthand=0.1, drop_final_punct=0.2),
    ),
)
