"""Sentences from clinical notes: does the patient have a disease? no_disease (0) / disease (1).

Hard negatives name a disease without the patient having it: negated ("no evidence of
pneumonia"), ruled out, family history, screening, counselling, vaccination. Positives can
be abbreviated ("hx of HTN"), implied by treatment, or stated as imaging findings.
"""

from __future__ import annotations

from quizkit.data.tasks import TaskSpec
from quizkit.data.vocab import COMMON_SLOTS, number, words

SLOTS = {
    **COMMON_SLOTS,
    "pt": ("Patient", "Pt", "The patient", "pt", "{age_sex}"),
    "age_sex": ("{age}-year-old [man|woman|male|female]", "{age}yo [M|F]", "{age} y/o [male|female]"),
    "age": number(19, 91),
    "chronic": words(
        "type 2 diabetes; type 1 diabetes; hypertension; HTN; T2DM; asthma; COPD; heart failure; CHF;"
        "atrial fibrillation; AF; chronic kidney disease; CKD stage 3; rheumatoid arthritis; hypothyroidism;"
        "epilepsy; Crohn's disease; ulcerative colitis; multiple sclerosis; Parkinson's disease; psoriasis;"
        "osteoporosis; coronary artery disease; CAD; HIV; hepatitis C; bipolar disorder; major depression;"
        "gout; sickle cell disease"
    ),
    "acute": words(
        "pneumonia; community-acquired pneumonia; appendicitis; cellulitis; pulmonary embolism; PE;"
        "deep vein thrombosis; DVT; urinary tract infection; UTI; acute kidney injury; sepsis; COVID-19;"
        "influenza; pancreatitis; cholecystitis; diverticulitis; meningitis; myocardial infarction;"
        "NSTEMI; stroke; pyelonephritis; bronchitis; otitis media; tonsillitis; shingles; gastroenteritis"
    ),
    "cancer": words(
        "breast cancer; colorectal cancer; lung adenocarcinoma; prostate cancer; melanoma; lymphoma;"
        "ovarian cancer; pancreatic cancer; bladder cancer; acute myeloid leukaemia; glioblastoma"
    ),
    "disease": ("{chronic}", "{acute}", "{cancer}", "{acute}"),
    "shows": ("shows", "demonstrates", "confirms", "is consistent with", "reveals"),
    "imaging_finding": ("[Chest x-ray|CXR] {shows} right lower lobe pneumonia", "[CXR|CT chest] {shows} a left-sided pleural effusion",
                        "[CT abdomen|Abdominal ultrasound] {shows} [appendicitis|cholecystitis|diverticulitis]",
                        "CT chest {shows} a 2 cm lung nodule suspicious for malignancy", "[CT head|MRI brain] {shows} an acute infarct",
                        "CT pulmonary angiogram {shows} pulmonary embolism", "Echo {shows} reduced ejection fraction, heart failure",
                        "Doppler ultrasound {shows} a DVT in the left femoral vein", "[CT abdomen|MRI liver] {shows} a liver mass consistent with metastases"),
    "no_finding": ("shows no", "negative for", "without", "no evidence of"),
    "imaging_negative": ("[Chest x-ray|CXR] {no_finding} [pneumonia|pleural effusion|pneumothorax]",
                         "[CT head|MRI brain] {no_finding} [acute infarct|intracranial bleed]",
                         "[CT abdomen|Abdominal ultrasound] {no_finding} [appendicitis|gallstones|free fluid]",
                         "CT pulmonary angiogram {no_finding} pulmonary embolism", "Doppler ultrasound {no_finding} DVT",
                         "[Wrist|Ankle|Hip] x-ray {no_finding} fracture", "Echo {no_finding} [valve disease|heart failure]"),
    # Condition and a drug that treats it, so plans read like real notes.
    "treated": (
        "type 2 diabetes[, on| on| managed with] [metformin|empagliflozin|gliclazide]",
        "type 1 diabetes on [insulin glargine|a basal-bolus regimen|an insulin pump]",
        "[hypertension|HTN][, on| on] [lisinopril|amlodipine|ramipril|bisoprolol]",
        "[asthma|COPD][, on| on] [salbutamol|tiotropium|a steroid inhaler]",
        "[atrial fibrillation|AF][, anticoagulated with| on] [apixaban|warfarin|rivaroxaban]",
        "[heart failure|CHF] on [furosemide|bisoprolol|sacubitril-valsartan]",
        "hypothyroidism on levothyroxine {digits3} mcg", "rheumatoid arthritis on methotrexate",
        "epilepsy on levetiracetam", "bipolar disorder on lithium", "gout on allopurinol",
        "HIV on [dolutegravir|antiretroviral therapy], viral load undetectable",
        "sickle cell disease on hydroxyurea", "major depression on sertraline",
        "[breast cancer|ER-positive breast cancer] on tamoxifen",
    ),
    "symptom": words(
        "chest pain; shortness of breath; fever; cough; headache; dizziness; nausea; vomiting; abdominal pain;"
        "night sweats; weight loss; palpitations; leg swelling; blood in the stool; dysuria; rash; fatigue;"
        "back pain; sore throat; joint pain; blurred vision; numbness"
    ),
    "relative": ("Mother", "Father", "Sister", "Brother", "Maternal grandmother", "Paternal grandfather",
                 "Mum", "Dad", "Aunt", "Uncle", "Twin brother"),
    "test": ("D-dimer", "troponin", "CT", "ultrasound", "biopsy", "colonoscopy", "ECG", "lumbar puncture",
             "blood cultures", "urinalysis", "the PCR test", "an MRI", "spirometry"),
    "abnormal_lab": ("HbA1c [of|] {hba1c_high}%, consistent with [uncontrolled|poorly controlled] diabetes",
                     "eGFR {egfr_low} for the third time, consistent with CKD",
                     "TSH {tsh_high} with low free T4, consistent with hypothyroidism",
                     "BNP {bnp_high} and bilateral crackles, consistent with heart failure",
                     "CRP {crp_high} and white cells 1{digits1}.{digits1}, consistent with [sepsis|an acute infection]"),
    "borderline_lab": ("HbA1c [of|] 6.{digits1}%", "eGFR 6{digits1}", "TSH 4.{digits1}", "fasting glucose 6.{digits1}",
                       "ALT of 4{digits1}"),
    "hba1c_high": ("8.{digits1}", "9.{digits1}", "10.{digits1}", "11.{digits1}"),
    "egfr_low": number(18, 52),
    "tsh_high": number(9, 40),
    "bnp_high": number(450, 2400),
    "crp_high": number(80, 320),
    "sats": number(84, 92),
    "pulse": number(52, 98),
    "chest_infection": ("pneumonia", "community-acquired pneumonia", "a lower respiratory tract infection",
                        "aspiration pneumonia", "an infective exacerbation of COPD"),
    "infection": ("a UTI", "pyelonephritis", "cellulitis", "sepsis", "pneumonia", "a wound infection",
                  "bacteraemia", "septic arthritis"),
    "heritable": ("{chronic}", "{cancer}", "heart disease", "stroke", "dementia", "glaucoma"),
    "digits1": number(0, 9),
    "digits2": number(10, 99),
    "digits3": number(100, 999),
    "vaccine": ("influenza", "pneumococcal", "shingles", "tetanus", "COVID-19 booster", "hepatitis B", "HPV", "MMR"),
    "bp": ("{bp_sys}/{bp_dia}",),
    "bp_sys": number(104, 134),
    "bp_dia": number(62, 84),
    "when": ("today", "last year", "in {year}", "{small_num} years ago", "last month", "in March", "at age {age}"),
    "year": number(1998, 2025),
    "note_header": ("ED note {date}:", "Ward round:", "GP note:", "Clinic letter {date}:", "Telephone consult:",
                    "HPI:", "Discharge summary:", "Nursing note {time}:", "Referral:"),
    "note_tail": ("Seen with [her daughter|his wife|her husband|an interpreter|a carer].", "Plan discussed with the patient.",
                  "Will review in clinic.", "GP to follow up.", "Safety-netting advice given.", "Next review in {small_num} weeks.",
                  "Patient happy with the plan.", "Letter copied to the patient."),
    "visit": ("Annual physical", "Well-woman visit", "Pre-employment check", "Routine review", "Travel clinic visit",
              "Sports medical", "Post-op review", "Medication review"),
}

DISEASE = (
    "{pt} [has|with|known] [a history of|hx of|longstanding|known|] {chronic}[, well controlled|, poorly controlled|].",
    "{pt} [has|with|known] [hx of|longstanding|known|] {treated}.",
    "[Diagnosed with|Dx:|Assessment:|Impression:] {disease}[ today| this week| on {day}|].",
    "Diagnosed with {chronic} {when}.",
    "{imaging_finding}.",
    "[Presents with|Admitted with|Here for|Seen for] [an exacerbation of|worsening|poorly controlled|a flare of] {chronic}.",
    "{abnormal_lab}.",
    "Started [metformin for newly diagnosed type 2 diabetes|amoxicillin for {chest_infection}|apixaban for [a DVT|PE|new AF]|levothyroxine for hypothyroidism|nitrofurantoin for a UTI|ramipril for [hypertension|heart failure]].",
    "[Biopsy|Pathology|Histology] [positive for|confirms|shows] {cancer}[, staging CT booked|, referred to oncology|].",
    "[Follow-up|Review|Clinic visit] for {disease}; [symptoms improving|stable on current regimen|still symptomatic|needs dose increase].",
    "{pt} [is being treated for|remains on treatment for|completed 3 of 6 cycles for] {cancer}.",
    "[Continue|Increase|Restart] treatment for {treated}[, recheck bloods in {small_num} weeks|].",
    "[Blood cultures|Swab|Urine culture] grew [E. coli|Staph aureus|Strep pneumoniae|Klebsiella], treating as {infection}.",
    "{pt} admitted [last night|on {day}|yesterday] with {acute}[, now on IV antibiotics|, improving|, on oxygen].",
    "[Problem list|PMH|Past history]: {chronic}, {chronic}[, {chronic}|].",
    "[Ongoing|Active|Current] {disease}[, reviewed by the specialist {when}|, plan discussed with the family|].",
    "[Sats|Oxygen saturation] {sats}% on air with crackles at the [right|left] base: {chest_infection}.",
    "{pt} [complains of|reports|has] {symptom} due to [her|his|their] {chronic}.",
)

NO_DISEASE = (
    "No evidence of {disease}[ on imaging| on examination|].",
    "{imaging_negative}.",
    "{pt} denies {symptom}[ and {symptom}|, {symptom} or {symptom}|].",
    "{pt} denies any [history|personal history] of {disease}.",
    "{disease} [was ruled out|ruled out|excluded] [by|after|with a normal] {test}.",
    "{test} [normal|unremarkable|negative]; {disease} [excluded|unlikely|not supported].",
    "{relative} [had|has|died of|was treated for] {heritable}[ at age {age}|].",
    "Family history of {heritable}[; patient screened, negative|; no personal history|].",
    "Discussed [risk factors for|prevention of|screening for|warning signs of] {disease}.",
    "[Counselled|Advised|Educated] on [diet and exercise to lower the risk of|early signs of|vaccination against] {disease}[; no current symptoms|].",
    "Received {vaccine} vaccine [today|at this visit|in the left deltoid][, no reaction|].",
    "[Vital signs|Vitals|Obs] [stable|within normal limits|normal]; BP {bp}, [HR|pulse] {pulse}.",
    "{visit}; no [concerns raised|new complaints|abnormal findings].",
    "{pt} [complains of|reports|presents with] {symptom} for {small_num} days[, no fever|, otherwise well|, improving|].",
    "[Screening|Routine] [mammogram|colonoscopy|PSA|cervical smear|HbA1c] [normal|negative|within normal range], repeat in [1|2|3|5] years.",
    "[Lungs clear|Heart sounds normal|Abdomen soft and non-tender] on examination[, no [wheeze|crackles|murmur|tenderness]|].",
    "[Worried about|Concerned about|Asking about] {disease} after a [friend|neighbour|colleague]'s diagnosis; [reassured|examination normal|no symptoms].",
    "[Medication review|Repeat prescription] [completed|done]; [no changes|contraception continued|vitamin D continued].",
    "{test} [negative|normal] for {acute}[, discharged|, safety-netted|].",
    "Not [diabetic|hypertensive|asthmatic], [non-smoker|ex-smoker|drinks socially][, BMI {digits2}|].",
)

# Hedged or historic mentions that clinicians code either way.
SHARED = (
    "Possible early {acute}, [will review|repeat test|watch and wait] in [2 days|a week|a month].",
    "Cannot exclude {disease}; [further tests requested|refer if symptoms persist|{test} booked].",
    "History of {acute} [as a child|{when}], [resolved|fully recovered|no recurrence].",
    "Borderline {borderline_lab}, [recheck in 3 months|lifestyle advice given|monitor].",
)

SPEC = TaskSpec(
    name="medical",
    description="Clinical-note sentences: does the patient have a disease?",
    labels=("no_disease", "disease"),
    templates=(NO_DISEASE, DISEASE),
    shared=SHARED,
    shared_rate=0.08,
    slots=SLOTS,
    # Note headers and closing remarks appear around both labels: length, not signal.
    frames=(("[{note_header} |]{core}[ {note_tail}|]",),) * 2,
    styles=(
        dict(lower=0.2, typos=0.1, drop_final_punct=0.4),
        dict(lower=0.2, typos=0.1, drop_final_punct=0.4),
    ),
)
