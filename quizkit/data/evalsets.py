"""Small hand-written evaluation sets for the generation-metrics lesson.

Written for quizkit (original wording). Each function returns a fresh list of dicts, so a
learner may edit their copy freely.

>>> items = qa_eval_set()
>>> sorted(items[0])
['answers', 'context', 'id', 'kind', 'prediction', 'question']
>>> {item["kind"] for item in summarization_eval_set()} >= {"good", "hallucinated"}
True
"""

from __future__ import annotations

import copy
from typing import Any

QA_KEYS = ("id", "question", "context", "answers", "prediction", "kind")
SUMMARIZATION_KEYS = ("id", "document", "reference", "candidate", "kind")
TRANSLATION_KEYS = ("id", "source_lang", "source", "references", "hypothesis", "kind")

_QA = [
    dict(
        id="qa-01",
        question="In which year did the Larkhill ferry make its last crossing?",
        context="The Larkhill ferry carried passengers across the estuary for ninety years. "
        "Its last crossing was in 1987, a year after the new bridge opened.",
        answers=["1987"],
        prediction="1987",
        kind="exact",
    ),
    dict(
        id="qa-02",
        question="What did the bakery start selling in spring?",
        context="Every spring the bakery on Mill Lane adds a rye loaf with caraway seeds to its menu.",
        answers=["a rye loaf with caraway seeds", "rye loaf with caraway seeds"],
        prediction="the rye loaf with caraway seeds.",
        kind="articles-and-punctuation",
    ),
    dict(
        id="qa-03",
        question="Who repaired the clock tower?",
        context="After the storm, the clock tower was repaired by Mirela Vasquez, a retired engineer "
        "who volunteered her weekends for a year.",
        answers=["Mirela Vasquez"],
        prediction="Mirela Vasquez, a retired engineer",
        kind="partial-overlap",
    ),
    dict(
        id="qa-04",
        question="How many moons does the fictional planet Orrin have?",
        context="Orrin, the fourth planet in the game's star system, has three moons, the largest "
        "of which is called Tessel.",
        answers=["three", "3"],
        prediction="Three",
        kind="case-difference",
    ),
    dict(
        id="qa-05",
        question="What is the capital of the region of Kellmark?",
        context="Kellmark's capital is Dunhallow, although the largest city is the port of Averley.",
        answers=["Dunhallow"],
        prediction="Averley",
        kind="wrong",
    ),
    dict(
        id="qa-06",
        question="Which ingredient makes the sauce green?",
        context="The sauce gets its colour from fresh basil, blended with olive oil and a little lemon.",
        answers=["fresh basil", "basil"],
        prediction="basil blended with olive oil",
        kind="partial-overlap",
    ),
    dict(
        id="qa-07",
        question="When does the library close on Saturdays?",
        context="The library is open until 8 pm on weekdays and closes at 5 pm on Saturdays.",
        answers=["5 pm", "at 5 pm"],
        prediction="8 pm",
        kind="wrong-but-similar",
    ),
    dict(
        id="qa-08",
        question="What was the name of the expedition's ship?",
        context="The expedition sailed north aboard the Grey Heron, a converted fishing trawler.",
        answers=["the Grey Heron", "Grey Heron"],
        prediction="The Grey Heron",
        kind="articles-and-punctuation",
    ),
    dict(
        id="qa-09",
        question="Why was the concert postponed?",
        context="The open-air concert was postponed because high winds made the stage unsafe.",
        answers=["high winds made the stage unsafe", "because of high winds"],
        prediction="because the weather was bad",
        kind="paraphrase",
    ),
    dict(
        id="qa-10",
        question="Which team won the regional quiz final?",
        context="In the regional quiz final, the Harbour Road team beat the reigning champions by two points.",
        answers=["the Harbour Road team", "Harbour Road"],
        prediction="Harbour Road!",
        kind="articles-and-punctuation",
    ),
    dict(
        id="qa-11",
        question="How long is the coastal walking trail?",
        context="The coastal trail runs for 42 kilometres between the two lighthouses.",
        answers=["42 kilometres", "42 km"],
        prediction="about 42 kilometres long",
        kind="partial-overlap",
    ),
    dict(
        id="qa-12",
        question="Who wrote the letter found in the attic?",
        context="The letter found in the attic was written by the first owner of the house, Tobias Renn, in 1911.",
        answers=["Tobias Renn"],
        prediction="",
        kind="empty",
    ),
]

_SUMMARIZATION = [
    dict(
        id="sum-01",
        document="The town council voted on Tuesday to turn the disused railway line into a cycle path. "
        "Work will start in March and is expected to take eight months. The path will link the "
        "station with the village of Eastbrook.",
        reference="The council approved a cycle path on the old railway line, linking the station "
        "to Eastbrook, with work starting in March.",
        candidate="The council approved turning the old railway line into a cycle path to Eastbrook; "
        "work starts in March.",
        kind="good",
    ),
    dict(
        id="sum-02",
        document="A study of 2,000 office workers found that those who took short walks every hour "
        "reported less back pain and better concentration than those who stayed seated.",
        reference="Hourly short walks reduced back pain and improved focus among office workers.",
        candidate="Office staff who got up and strolled each hour had fewer aches and could "
        "concentrate more easily.",
        kind="paraphrase",
    ),
    dict(
        id="sum-03",
        document="The museum will close for renovation from June to December. During the closure, "
        "part of the collection will be shown at the city library, and school visits will "
        "continue online.",
        reference="The museum closes from June to December for renovation; some exhibits move to "
        "the library and school visits go online.",
        candidate="The museum closes from June to",
        kind="truncated",
    ),
    dict(
        id="sum-04",
        document="Heavy rain flooded the main road into Carrow overnight. Police closed the road and "
        "set up a diversion through Millbrook. No one was hurt.",
        reference="Overnight flooding closed the main road into Carrow; traffic is diverted through "
        "Millbrook and no one was injured.",
        candidate="Overnight flooding closed the road into Carrow, and two drivers were taken to "
        "hospital after their cars were swept away.",
        kind="hallucinated",
    ),
    dict(
        id="sum-05",
        document="The company reported that sales of its electric bikes doubled this year, while "
        "sales of standard bikes fell slightly. It plans to open two new shops next spring.",
        reference="Electric bike sales doubled while standard bike sales dipped; two new shops "
        "will open next spring.",
        candidate="E-bike sales doubled this year and the firm will open two more shops in spring, "
        "though ordinary bike sales fell a little.",
        kind="good",
    ),
    dict(
        id="sum-06",
        document="Volunteers planted 3,000 trees along the river last weekend to reduce erosion "
        "and give birds more nesting places.",
        reference="Volunteers planted 3,000 riverside trees to curb erosion and help nesting birds.",
        candidate="Volunteers planted 30,000 trees along the river to stop erosion and help birds.",
        kind="hallucinated",
    ),
    dict(
        id="sum-07",
        document="The school will switch to a four-day week for a trial term, with longer days "
        "from Monday to Thursday. Parents will be surveyed at the end of the term.",
        reference="The school is trialling a four-day week with longer days and will survey "
        "parents afterwards.",
        candidate="A four-day school week is being tested; parents will be asked for their views "
        "when the trial ends.",
        kind="paraphrase",
    ),
    dict(
        id="sum-08",
        document="After three years of restoration, the old lighthouse reopened to visitors on "
        "Saturday. Tickets must be booked online, and the tower is closed in strong winds.",
        reference="The restored lighthouse has reopened; visitors must book online, and the tower "
        "shuts in high winds.",
        candidate="lighthouse",
        kind="truncated",
    ),
]

_TRANSLATION = [
    dict(
        id="mt-01",
        source_lang="fr",
        source="Le train pour Lyon part à huit heures.",
        references=["The train to Lyon leaves at eight o'clock.", "The Lyon train departs at eight."],
        hypothesis="The train to Lyon leaves at eight o'clock.",
        kind="perfect",
    ),
    dict(
        id="mt-02",
        source_lang="de",
        source="Ich habe meinen Regenschirm im Café vergessen.",
        references=["I left my umbrella in the café.", "I forgot my umbrella at the café."],
        hypothesis="I forgot my umbrella in the cafe.",
        kind="good",
    ),
    dict(
        id="mt-03",
        source_lang="fr",
        source="Nous avons visité le marché avant de rentrer à la maison.",
        references=["We visited the market before going home."],
        hypothesis="We have visited the market before returning to the house.",
        kind="literal",
    ),
    dict(
        id="mt-04",
        source_lang="de",
        source="Morgen wird es in den Bergen schneien.",
        references=["It will snow in the mountains tomorrow.", "Tomorrow there will be snow in the mountains."],
        hypothesis="Tomorrow it will snow in the mountains.",
        kind="word-order",
    ),
    dict(
        id="mt-05",
        source_lang="fr",
        source="La bibliothèque est fermée le dimanche.",
        references=["The library is closed on Sundays."],
        hypothesis="The bookshop is closed on Sunday.",
        kind="wrong-word",
    ),
    dict(
        id="mt-06",
        source_lang="de",
        source="Kannst du mir bitte das Salz reichen?",
        references=["Can you pass me the salt, please?", "Could you please pass the salt?"],
        hypothesis="Can you please pass me the salt?",
        kind="good",
    ),
    dict(
        id="mt-07",
        source_lang="fr",
        source="Il a plu toute la journée, alors nous sommes restés à l'intérieur.",
        references=["It rained all day, so we stayed inside."],
        hypothesis="It rained all day.",
        kind="partial",
    ),
    dict(
        id="mt-08",
        source_lang="de",
        source="Der Hund schläft unter dem Tisch.",
        references=["The dog is sleeping under the table.", "The dog sleeps under the table."],
        hypothesis="The table is sleeping under the dog.",
        kind="meaning-reversed",
    ),
    dict(
        id="mt-09",
        source_lang="fr",
        source="Elle apprend le piano depuis trois ans.",
        references=["She has been learning the piano for three years."],
        hypothesis="She learns piano since three years.",
        kind="ungrammatical",
    ),
    dict(
        id="mt-10",
        source_lang="de",
        source="Wir treffen uns um halb sieben vor dem Kino.",
        references=["We are meeting at half past six in front of the cinema.", "We'll meet at 6:30 outside the cinema."],
        hypothesis="Our dog likes long walks on the beach.",
        kind="unrelated",
    ),
]


def _fresh(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return copy.deepcopy(items)


def qa_eval_set() -> list[dict[str, Any]]:
    """12 extractive-QA items: ``id``, ``question``, ``context``, ``answers`` (gold strings,
    any one counts), ``prediction`` (a model's answer) and ``kind`` (what the item shows:
    ``exact``, ``articles-and-punctuation``, ``case-difference``, ``partial-overlap``,
    ``paraphrase``, ``wrong``, ``wrong-but-similar``, ``empty``)."""
    return _fresh(_QA)


def summarization_eval_set() -> list[dict[str, Any]]:
    """8 items: ``id``, ``document``, ``reference`` (a human summary), ``candidate`` (a
    system summary) and ``kind``: ``good``, ``paraphrase``, ``truncated`` or ``hallucinated``."""
    return _fresh(_SUMMARIZATION)


def translation_eval_set() -> list[dict[str, Any]]:
    """10 French/German to English items: ``id``, ``source_lang``, ``source``, ``references``
    (1-2 English translations), ``hypothesis`` (a system translation) and ``kind``
    (``perfect``, ``good``, ``literal``, ``word-order``, ``wrong-word``, ``partial``,
    ``meaning-reversed``, ``ungrammatical``, ``unrelated``)."""
    return _fresh(_TRANSLATION)
