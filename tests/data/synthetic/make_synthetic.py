"""Write the synthetic training releases (``releases/*.json``) and their ``labels.json`` from the texts below.

Each release is written for the project from the labelling rules (``tests/data/README.md``), not taken from
any publisher: see this folder's README. Run ``python tests/data/synthetic/make_synthetic.py`` after editing.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def C(text, kind, actor, category, money=None, deadlines=(), ct=None):
    return ("C", text, {"kind": kind, "actor": actor, "category": category, "money": money,
                        "deadlines": list(deadlines), "ct": ct})


def N(text, why):
    return ("N", text, why)


def GBP(amount):
    return {"amount": amount, "currency": "GBP"}


def EUR(amount):
    return {"amount": amount, "currency": "EUR"}


def USD(amount):
    return {"amount": amount, "currency": "USD"}


def AUD(amount):
    return {"amount": amount, "currency": "AUD"}


def CAD(amount):
    return {"amount": amount, "currency": "CAD"}


def NZD(amount):
    return {"amount": amount, "currency": "NZD"}


def D(text, due):
    return {"type": "date", "text": text, "due": due}


def P(text, start, end):
    return {"type": "period", "text": text, "start": start, "end": end}


def V(text, start):
    return {"type": "period", "text": text, "start": start, "end": None, "vague": True}


def R(text, low, high=None):
    return {"type": "response_time", "text": text, "min": low, "max": high or low}


SITES = {
    "uk-ho": ("gov.uk", "https://www.gov.uk/government/news/", "Home Office"),
    "uk-dft": ("gov.uk", "https://www.gov.uk/government/news/", "Department for Transport"),
    "uk-dfe": ("gov.uk", "https://www.gov.uk/government/news/", "Department for Education"),
    "uk-dhsc": ("gov.uk", "https://www.gov.uk/government/news/", "Department of Health and Social Care"),
    "uk-fcdo": ("gov.uk", "https://www.gov.uk/government/news/", "Foreign, Commonwealth & Development Office"),
    "uk-dsit": ("gov.uk", "https://www.gov.uk/government/news/", "Department for Science, Innovation and Technology"),
    "ofcom": ("ofcom.org.uk", "https://www.ofcom.org.uk/news-centre/", "Ofcom"),
    "scot": ("gov.scot", "https://www.gov.scot/news/", "Scottish Government"),
    "eu-council": ("consilium.europa.eu", "https://www.consilium.europa.eu/en/press/press-releases/", "Council of the EU"),
    "eu-com": ("ec.europa.eu", "https://ec.europa.eu/commission/presscorner/detail/en/", "European Commission"),
    "ep": ("europarl.europa.eu", "https://www.europarl.europa.eu/news/en/press-room/", "European Parliament"),
    "un-sc": ("press.un.org", "https://press.un.org/en/", "United Nations Security Council"),
    "un-ga": ("press.un.org", "https://press.un.org/en/", "United Nations General Assembly"),
    "unodc": ("unodc.org", "https://www.unodc.org/unodc/en/press/releases/", "UNODC"),
    "us-dhs": ("dhs.gov", "https://www.dhs.gov/news/", "U.S. Department of Homeland Security"),
    "us-state": ("state.gov", "https://www.state.gov/", "U.S. Department of State"),
    "us-treasury": ("home.treasury.gov", "https://home.treasury.gov/news/press-releases/", "U.S. Department of the Treasury"),
    "us-wh": ("whitehouse.gov", "https://www.whitehouse.gov/briefing-room/", "The White House"),
    "au-ha": ("minister.homeaffairs.gov.au", "https://minister.homeaffairs.gov.au/", "Minister for Home Affairs (Australia)"),
    "au-esafety": ("esafety.gov.au", "https://www.esafety.gov.au/newsroom/media-releases/", "eSafety Commissioner"),
    "ca-ps": ("canada.ca", "https://www.canada.ca/en/public-safety-canada/news/", "Public Safety Canada"),
    "nz": ("beehive.govt.nz", "https://www.beehive.govt.nz/release/", "New Zealand Government"),
    "ie": ("gov.ie", "https://www.gov.ie/en/press-release/", "Department of Justice (Ireland)"),
    "g7": ("g7.utoronto.ca", "https://www.g7.utoronto.ca/", "G7 Interior Ministers"),
    "nato": ("nato.int", "https://www.nato.int/cps/en/natohq/", "NATO"),
    "osce": ("osce.org", "https://www.osce.org/press-releases/", "OSCE"),
}

RELEASES: list[dict] = []


def release(rid, site, date, title, paragraphs, ct=False):
    RELEASES.append({"id": rid, "site": site, "date": date, "title": title, "paragraphs": paragraphs, "ct": ct})


# ---- UK departments -------------------------------------------------------------------------------------
release("ct-5001-uk-ho-prevent-5m-new-and-earlier", "uk-ho", "2025-03-12",
        "Home Office to provide £5 million for community prevention projects", [
    [C("The Home Office will provide £5 million to community projects that steer young people away from extremism.",
       "pledge", "Home Office", "prevention", GBP(5000000))],
    [N("The Home Office has provided £5 million to community projects that steer young people away from extremism since 2019.",
       "past action: earlier money"),
     "The projects run in 40 local authority areas."],
    [C("The new money will be paid to local partners by March 2026.", "pledge", "Home Office", "funding",
       deadlines=[D("by March 2026", "2026-03-31")]),
     N("This will ensure that more young people get help early.", "prediction / effect")],
], True)

release("ct-5002-uk-ho-policing-funding-further-20m", "uk-ho", "2023-07-04",
        "A further £20 million for counter-terrorism policing", [
    [C("The Security Minister today announced a further £20 million for counter-terrorism policing this year.",
       "pledge", "Home Office", "funding", GBP(20000000), [D("this year", "2023-12-31")]),
     N("This is in addition to the £70 million already provided to forces in 2021 and 2022.", "past action: earlier money")],
    [N("Counter-terrorism policing has disrupted 39 late-stage attack plots since 2017.", "fact / statistic"),
     N("We must never let our guard down.", "opinion / aspiration")],
    [C("Forces will use the funding to recruit 200 additional specialist officers by the end of 2024.",
       "pledge", "counter-terrorism policing", "capability_building",
       deadlines=[D("by the end of 2024", "2024-12-31")])],
], True)

release("nc-5003-uk-dft-potholes-new-and-past", "uk-dft", "2025-01-20",
        "£150 million to fix potholes in the north", [
    [C("Councils in the north will receive £150 million to repair potholes over the next two years.",
       "pledge", "Department for Transport", "funding", GBP(150000000),
       [P("over the next two years", "2025-01-20", "2027-01-20")]),
     N("Councils in the north received £150 million to repair potholes over the last two years.", "past action: earlier money")],
    [N("The Transport Secretary said that safe roads are the foundation of a strong economy.", "opinion"),
     N("Better roads will boost economic growth across the region.", "prediction / effect")],
    [C("The department will publish each council's allocation by April 2025.", "pledge", "Department for Transport",
       "other", deadlines=[D("by April 2025", "2025-04-30")])],
])

release("nc-5004-uk-dfe-teachers-aspiration-vs-pledge", "uk-dfe", "2023-09-05",
        "6,500 new teachers pledge", [
    [N("We want every child to be taught by a brilliant teacher.", "opinion / aspiration"),
     C("We will recruit 6,500 new teachers by 2027.", "pledge", "Department for Education", "training",
       deadlines=[D("by 2027", "2027-12-31")])],
    [N("We are committed to raising standards in every classroom.", "opinion / aspiration with no specific action"),
     C("The department will raise the starting salary for teachers to £30,000 from September 2024.",
       "pledge", "Department for Education", "other")],
    [N("Last year, the department recruited 4,000 teachers through its bursary scheme.", "past action"),
     N("There are now 468,000 full-time teachers in England.", "fact / statistic")],
])

release("nc-5005-uk-dhsc-hospitals-prediction-vs-pledge", "uk-dhsc", "2025-06-17",
        "£300 million for new hospital scanners", [
    [C("The government has today announced £300 million for 100 new hospital scanners.", "pledge",
       "Department of Health and Social Care", "funding", GBP(300000000)),
     N("The scanners will cut waiting times and help diagnose cancer earlier.", "prediction / effect")],
    [C("NHS England will install the scanners in hospitals by spring 2026.", "pledge", "NHS England", "capability_building",
       deadlines=[D("by spring 2026", "2026-05-31")]),
     N("This investment should make a real difference to patients.", "expectation ('should'), not a demand")],
    [N("Since 2021, the NHS has opened 160 community diagnostic centres.", "past action"),
     N("Hospitals could be asked to share scanners with neighbouring trusts.", "conditional")],
])

release("dm-5006-uk-dsit-platforms-duty-vs-power", "uk-dsit", "2025-02-11",
        "Platforms must remove illegal terrorist content faster", [
    [C("Ministers will require social media platforms to remove illegal terrorist content within 24 hours of being notified.",
       "demand", "social media platforms", "online_content", deadlines=[R("within 24 hours", "PT24H")]),
     N("Ofcom will have the power to fine platforms up to 10% of their global turnover.", "grant of power")],
    [N("The new rules will apply to all services with users in the UK.", "legal effect with no acting party"),
     N("Platforms that fail to comply could be fined.", "conditional")],
    [C("The government will introduce the legislation to Parliament by the end of the year.", "pledge",
       "UK government", "legislation", deadlines=[D("by the end of the year", "2025-12-31")]),
     N("It is crucial that this content is taken down.", "exhortation with no specific actor")],
], True)

release("ng-5007-uk-ho-minister-visit-past-funding", "uk-ho", "2023-10-02",
        "Security Minister visits Manchester prevention project", [
    [N("The Security Minister today visited a youth centre in Manchester that has received £2 million of Home Office funding.",
       "past action / visit; earlier money"),
     N("The centre has supported 1,200 young people since it opened in 2018.", "fact / statistic")],
    [N("During the visit, the minister met staff and volunteers.", "past action"),
     N("He said the work of the centre shows what communities can achieve.", "opinion")],
    [N("The Home Office provided a further £500,000 to the centre in 2022.", "past action: earlier money")],
], True)

release("nc-5008-uk-fcdo-aid-new-and-earlier", "uk-fcdo", "2025-04-08",
        "UK announces £40 million for flood recovery in Pakistan", [
    [C("The UK will provide £40 million to help communities in Pakistan recover from floods.", "pledge",
       "Foreign, Commonwealth & Development Office", "funding", GBP(40000000)),
     N("The UK has provided £40 million to help communities in Pakistan recover from floods since 2022.",
       "past action: earlier money")],
    [C("The Foreign Secretary has today announced £10 million of new funding for clean water.", "pledge",
       "Foreign, Commonwealth & Development Office", "funding", GBP(10000000)),
     N("Of the earlier funding, £12 million went to rebuilding schools.", "past action: earlier money")],
    [N("The floods affected 33 million people.", "fact / statistic"),
     N("The funding is expected to reach 500,000 people.", "prediction")],
])

release("ct-5009-uk-ho-protect-duty-venues", "uk-ho", "2023-05-02",
        "New duty on venues to prepare for terrorist attacks", [
    [C("The new law will require large venues to prepare a plan for responding to a terrorist attack.", "demand",
       "large venues", "legislation"),
     N("The Security Industry Authority will have the power to inspect venues.", "grant of power")],
    [C("Venue operators will have six months to complete the plan once the law comes into force.", "demand",
       "venue operators", "legislation", deadlines=[P("six months", "2023-05-02", "2023-11-02")]),
     N("The duty will apply to venues with a capacity of 800 or more.", "legal effect with no acting party")],
    [N("Venues that do not comply could face penalties.", "conditional"),
     N("Many venues already have good security arrangements in place.", "fact")],
    [C("The Home Office will publish guidance for venues by autumn 2023.", "pledge", "Home Office", "other",
       deadlines=[D("by autumn 2023", "2023-11-30")])],
], True)

release("nc-5010-uk-dft-rail-past-vs-future", "uk-dft", "2023-02-14",
        "£250 million to upgrade stations", [
    [C("Network Rail is to spend £250 million upgrading 50 stations by 2026.", "pledge", "Network Rail", "funding",
       GBP(250000000), [D("by 2026", "2026-12-31")]),
     N("Network Rail spent £250 million upgrading 50 stations between 2018 and 2022.", "past action: earlier money")],
    [N("The upgrades will make journeys easier for millions of passengers.", "prediction / effect"),
     N("The Rail Minister said that passengers deserve modern stations.", "opinion")],
    [N("Work on the first ten stations began last month.", "past action")],
])

release("ng-5011-uk-ho-statistics-arrests", "uk-ho", "2025-09-11",
        "Terrorism arrests statistics to June", [
    [N("There were 232 arrests for terrorism-related activity in the year to June.", "fact / statistic"),
     N("This is a fall of 6% on the previous year.", "fact / statistic")],
    [N("Of those arrested, 41 have been charged with a terrorism-related offence.", "fact / statistic"),
     N("The next quarterly update will be published in December.", "publication schedule, not a commitment")],
], True)

release("nc-5012-scot-housing-aspiration-vs-pledge", "scot", "2023-11-21",
        "£60 million for affordable homes in rural Scotland", [
    [C("The Scottish Government will invest £60 million in affordable homes in rural areas over the next three years.",
       "pledge", "Scottish Government", "funding", GBP(60000000),
       [P("over the next three years", "2023-11-21", "2026-11-21")]),
     N("The Scottish Government wants everyone to have a warm, safe home.", "opinion / aspiration")],
    [N("The Scottish Government has invested £60 million in affordable homes in rural areas over the last three years.",
       "past action: earlier money"),
     N("The homes would be built faster if planning rules were simpler.", "conditional")],
    [C("Councils must submit their local housing plans by June 2024.", "demand", "councils", "other",
       deadlines=[D("by June 2024", "2024-06-30")])],
])

release("dm-5013-ofcom-codes-timetable", "ofcom", "2025-03-17",
        "Online safety codes: what services must do and when", [
    [N("Ofcom today published its final codes of practice on illegal harms.", "past action / done today"),
     N("The codes set out the measures services can take to protect users.", "fact")],
    [C("June 2025: services must complete their illegal content risk assessments.", "demand",
       "online services", "online_content", deadlines=[D("June 2025", "2025-06-30")]),
     C("December 2025: services must report their terrorism content measures to Ofcom.", "demand",
       "online services", "online_content", deadlines=[D("December 2025", "2025-12-31")])],
    [N("The duties apply to all user-to-user services.", "legal effect with no acting party"),
     N("Ofcom can issue fines of up to £18 million.", "grant of power")],
], True)

release("ct-5014-uk-fcdo-counter-daesh-noun-pledge", "uk-fcdo", "2023-06-08",
        "A £15 million package to counter Daesh in West Africa", [
    [C("A £15 million package to strengthen counter-terrorism capacity in West Africa.", "pledge",
       "Foreign, Commonwealth & Development Office", "capability_building", GBP(15000000)),
     N("Daesh affiliates have carried out hundreds of attacks in the region.", "fact")],
    [N("The UK has long supported partners in the region.", "ongoing activity"),
     N("We must go even further to defeat Daesh.", "opinion / aspiration")],
    [C("The package will train 3,000 police and border officers by 2025.", "pledge",
       "Foreign, Commonwealth & Development Office", "training", deadlines=[D("by 2025", "2025-12-31")]),
     N("This will help keep people in the region and in the UK safe.", "prediction / effect")],
], True)

release("nc-5015-uk-dhsc-perfect-new-money-vs-past", "uk-dhsc", "2023-01-09",
        "£50 million for mental health support in schools", [
    [C("The Health Secretary has announced £50 million to expand mental health support teams in schools.", "pledge",
       "Department of Health and Social Care", "funding", GBP(50000000)),
     N("Mental health support teams have been set up in 3,000 schools since 2019.", "past action")],
    [C("The teams will cover half of all pupils in England by 2025.", "pledge", "NHS England", "other",
       deadlines=[D("by 2025", "2025-12-31")]),
     N("The NHS is working with schools to identify where support is most needed.", "ongoing activity")],
    [N("One in six children has a probable mental disorder.", "fact / statistic")],
])

release("ct-5016-uk-ho-border-conditional-vs-pledge", "uk-ho", "2025-08-05",
        "Border Force to deploy new scanners at ports", [
    [C("Border Force will deploy 40 new scanners at ports by the end of 2026.", "pledge", "Border Force",
       "border_security", deadlines=[D("by the end of 2026", "2026-12-31")]),
     N("Border Force would deploy more scanners if ports expanded their freight terminals.", "conditional")],
    [N("The scanners will help officers detect weapons and explosives.", "prediction / effect"),
     N("Border Force deployed 25 scanners at ports in 2023.", "past action")],
    [N("The public are urged to report anything suspicious.", "advice to the public")],
], True)


# ---- EU -------------------------------------------------------------------------------------------------
release("dm-5017-eu-council-tco-obligations", "eu-council", "2023-03-14",
        "Terrorist content online: Council agrees new obligations for hosting providers", [
    [C("Hosting service providers will have to remove terrorist content within one hour of receiving a removal order.",
       "demand", "hosting service providers", "online_content", deadlines=[R("within one hour", "PT1H")]),
     N("Competent authorities will have the power to issue removal orders to providers in any member state.", "grant of power")],
    [N("The regulation will apply to all providers offering services in the Union.", "legal effect with no acting party"),
     N("Since 2021, hosting providers have removed terrorist content within one hour of receiving a removal order.",
       "past action / standing practice")],
    [C("Member states must designate their competent authorities by June 2024.", "demand", "member states",
       "legislation", deadlines=[D("by June 2024", "2024-06-30")]),
     N("The Council welcomes the progress made by the Internet Referral Unit.", "welcomes: not a commitment")],
], True)

release("nc-5018-eu-com-new-budget-vs-past", "eu-com", "2025-02-26",
        "Commission adopts €500 million for clean hydrogen", [
    [C("The Commission has adopted a €500 million budget for clean hydrogen projects for next year.", "pledge",
       "European Commission", "funding", EUR(500000000), [D("next year", "2026-12-31")]),
     N("The Commission has spent €500 million on clean hydrogen projects since 2020.", "past action: earlier money")],
    [C("The Commission will open the call for proposals in the coming weeks.", "pledge", "European Commission",
       "funding", deadlines=[V("in the coming weeks", "2025-02-26")]),
     N("Clean hydrogen will help the EU reach climate neutrality.", "prediction / effect")],
    [N("The Executive Vice-President said Europe must lead the clean energy transition.", "opinion")],
])

release("dm-5019-eu-council-conclusions-operative", "eu-council", "2025-06-23",
        "Council conclusions on countering violent extremism", [
    [C("The Council calls on member states to share information on foreign terrorist fighters through Europol.",
       "demand", "member states", "international_cooperation"),
     N("The Council reaffirms its commitment to fighting terrorism in all its forms.", "reaffirms: not a commitment")],
    [N("The Council condemns the recent attacks in Brussels and Vienna.", "condemns: not a commitment"),
     C("The Council invites the Commission to present a proposal on the exchange of passenger data by March 2026.",
       "demand", "European Commission", "legislation", deadlines=[D("by March 2026", "2026-03-31")])],
    [N("The Council expresses concern at the spread of extremist content among minors.", "expresses concern"),
     C("The EU will provide €30 million to partner countries for prevention programmes.", "pledge", "European Union",
       "prevention", EUR(30000000))],
], True)

release("nc-5020-ep-plenary-positions", "ep", "2023-10-18",
        "MEPs want stronger rules on product safety", [
    [C("Parliament wants online marketplaces to check the identity of sellers before listing their products.", "demand",
       "online marketplaces", "other"),
     N("MEPs believe that consumers deserve the same protection online and offline.", "opinion")],
    [N("The report was adopted with 520 votes in favour, 40 against and 30 abstentions.", "fact / past action"),
     N("Negotiations with the Council are expected to start in November.", "prediction")],
    [N("The new rules would apply to all products sold in the EU.", "conditional / legal effect")],
])

release("dm-5021-eu-com-recommendation-platforms", "eu-com", "2023-04-19",
        "Commission recommends measures against illegal hate speech online", [
    [C("Platforms should assess and remove illegal hate speech within 24 hours of a notice.", "demand", "online platforms",
       "online_content", deadlines=[R("within 24 hours", "PT24H")]),
     N("This recommendation should help make the online space safer.", "expectation ('should'), not a demand")],
    [C("Member states should report to the Commission on the measures they have taken by the end of 2024.", "demand",
       "member states", "online_content", deadlines=[D("by the end of 2024", "2024-12-31")]),
     N("The Commission has worked with platforms on a code of conduct since 2016.", "past action / ongoing")],
    [N("The Commission is monitoring how the code of conduct is applied.", "ongoing activity"),
     N("Terrorist propaganda spreads quickly across platforms.", "fact")],
], True)

# ---- UN -------------------------------------------------------------------------------------------------
release("dm-5022-un-sc-resolution-financing", "un-sc", "2025-03-27",
        "Security Council adopts resolution on the financing of terrorism", [
    [N("The Security Council today adopted a resolution on countering the financing of terrorism.", "past action / done today"),
     C("The Council decides that all States shall criminalise the wilful provision of funds to terrorist groups.",
       "demand", "all States", "legislation")],
    [C("It calls upon Member States to report on their implementation within 12 months.", "demand", "Member States",
       "other", deadlines=[P("within 12 months", "2025-03-27", "2026-03-27")]),
     N("It reaffirms that terrorism constitutes one of the most serious threats to international peace and security.",
       "reaffirms: not a commitment")],
    [C("The Council requests the Secretary-General to submit a report by 31 December 2025.", "demand",
       "Secretary-General", "other", deadlines=[D("by 31 December 2025", "2025-12-31")]),
     N("The Council decides to remain seized of the matter.", "remains seized: not a commitment")],
], True)

release("nc-5023-un-sc-mandate-extension", "un-sc", "2023-05-30",
        "Security Council extends mission mandate for one year", [
    [C("The Security Council decided to extend the mandate of the United Nations mission until 31 May 2024.", "pledge",
       "United Nations Security Council", "other", deadlines=[D("until 31 May 2024", "2024-05-31")]),
     N("The mission has supported the peace process since 2011.", "past action / ongoing")],
    [C("The Council urges the parties to implement the ceasefire agreement without delay.", "demand", "the parties", "other"),
     N("The Council welcomes the formation of the transitional government.", "welcomes: not a commitment")],
    [N("Speaking after the vote, the representative of France said the mission remains essential.", "opinion / reported speech"),
     N("The mission is expected to play a key role in the elections.", "prediction")],
])

release("dm-5024-un-ga-strategy-review", "un-ga", "2023-06-22",
        "General Assembly reviews Global Counter-Terrorism Strategy", [
    [C("The Assembly calls upon Member States to protect victims of terrorism and provide them with support.", "demand",
       "Member States", "prevention"),
     N("The Assembly recognises the central role of the United Nations in the fight against terrorism.", "recognises: not a commitment")],
    [C("It requests the Office of Counter-Terrorism to present a report on progress at its next review in 2025.",
       "demand", "UN Office of Counter-Terrorism", "other", deadlines=[D("in 2025", "2025-12-31")]),
     N("The Assembly notes with concern that terrorist groups use new technologies.", "notes with concern")],
    [N("Several delegates said terrorism cannot be associated with any religion.", "opinion / reported speech"),
     N("The resolution was adopted without a vote.", "fact / past action")],
], True)

release("ct-5025-unodc-project-funding", "unodc", "2025-05-14",
        "UNODC launches $12 million project to counter terrorist financing", [
    [C("UNODC will help 10 countries strengthen their financial investigations over the next three years.", "pledge",
       "UNODC", "capability_building", deadlines=[P("over the next three years", "2025-05-14", "2028-05-14")]),
     N("UNODC has helped 10 countries strengthen their financial investigations since 2018.", "past action")],
    [C("The $12 million project, funded by the European Union, will train 800 investigators and prosecutors.", "pledge",
       "UNODC", "training", USD(12000000)),
     N("Terrorist groups are increasingly using virtual assets to move funds.", "fact")],
    [N("The Executive Director said that cutting off funds is key to defeating terrorism.", "opinion")],
], True)

release("ng-5026-un-sc-press-statement-attack", "un-sc", "2025-01-08",
        "Security Council press statement on attack in Niger", [
    [N("The members of the Security Council condemned in the strongest terms the heinous terrorist attack in Niger.",
       "condemns: not a commitment"),
     N("They expressed their deepest condolences to the families of the victims.", "condolences")],
    [N("The members of the Security Council underlined the need to hold perpetrators accountable.", "opinion / underlines"),
     N("They reaffirmed that any acts of terrorism are criminal and unjustifiable.", "reaffirms: not a commitment")],
], True)


# ---- US -------------------------------------------------------------------------------------------------
release("ct-5027-us-dhs-grants-new-vs-past", "us-dhs", "2025-08-12",
        "DHS announces $90 million in grants to protect houses of worship", [
    [C("DHS today awarded $90 million in Nonprofit Security Grants to protect houses of worship.", "pledge",
       "U.S. Department of Homeland Security", "funding", USD(90000000)),
     N("Since 2019, the program has awarded more than $1 billion to nonprofit organizations.", "past action: earlier money")],
    [C("FEMA will make the funds available to recipients by September 30.", "pledge", "FEMA", "funding",
       deadlines=[D("by September 30", "2025-09-30")]),
     N("These grants will help communities feel safe.", "prediction / effect")],
    [N("Nonprofits that are awarded grants may use the funds for cameras and barriers.", "permission / grant of power"),
     N("The Secretary said that no one should fear for their safety at a place of worship.", "opinion")],
], True)

release("ct-5028-us-dhs-aviation-require", "us-dhs", "2023-06-21",
        "TSA will require enhanced screening on flights to the United States", [
    [C("TSA will require airlines to screen all personal electronic devices on flights to the United States within 120 days.",
       "demand", "airlines", "border_security", deadlines=[P("within 120 days", "2023-06-21", "2023-10-19")]),
     N("TSA requires airlines to screen all checked baggage for explosives.", "standing legal requirement restated (fact)")],
    [N("Airlines that fail to meet the requirements could lose their permission to fly to the United States.", "conditional"),
     N("TSA screened more than 850 million passengers last year.", "fact / statistic")],
    [C("We will continue to work with our international partners to raise the baseline of aviation security.", "pledge",
       "U.S. Department of Homeland Security", "international_cooperation"),
     N("The threat to aviation remains high.", "fact / assessment")],
], True)

release("ct-5029-us-state-rewards-designation", "us-state", "2025-03-05",
        "State Department designates network and offers reward", [
    [N("The Department of State today designated the network as a Specially Designated Global Terrorist.", "past action: designation"),
     N("All property and interests in property of the network subject to U.S. jurisdiction are blocked.", "legal effect of a designation")],
    [N("U.S. persons are generally prohibited from engaging in transactions with the network.", "legal effect of a designation"),
     C("The United States will impose sanctions on anyone who provides financial support to the network.", "pledge",
       "U.S. Department of State", "sanctions")],
    [N("We will continue to use all tools to counter terrorist financing.", "aspiration with no specific action"),
     C("The Rewards for Justice program is offering up to $5 million for information on the network's leaders.", "pledge",
       "U.S. Department of State", "other", USD(5000000))],
], True)

release("ct-5030-us-treasury-sanctions-past-vs-pledge", "us-treasury", "2023-11-14",
        "Treasury sanctions financiers of terrorist group", [
    [N("The Treasury today sanctioned six individuals who financed the group.", "past action: designation"),
     N("The group has received millions of dollars through charities and front companies.", "fact")],
    [C("Treasury will work with partners to close the remaining gaps in the financial system by the end of next year.",
       "pledge", "U.S. Department of the Treasury", "sanctions", deadlines=[D("by the end of next year", "2024-12-31")]),
     N("Today's action will disrupt the group's ability to raise funds.", "prediction / effect")],
    [N("Financial institutions that engage in transactions with the designated persons may themselves be exposed to sanctions.",
       "conditional / legal effect")],
], True)

release("nc-5031-us-wh-infrastructure-fact-sheet", "us-wh", "2023-05-09",
        "Fact sheet: $2 billion for rural broadband", [
    [C("The Administration is announcing $2 billion to connect rural households to high-speed internet.", "pledge",
       "The White House", "funding", USD(2000000000)),
     N("The Administration has already invested $65 billion to connect every American to high-speed internet.",
       "past action: earlier money")],
    [C("The Department of Commerce will award the grants by the end of fiscal year 2024.", "pledge",
       "Department of Commerce", "funding", deadlines=[D("by the end of fiscal year 2024", "2024-09-30")]),
     N("This investment will create thousands of good-paying jobs.", "prediction / effect")],
    [N("Today, more than 24 million households lack high-speed internet.", "fact / statistic"),
     N("The President believes that high-speed internet is essential.", "opinion")],
])

release("ng-5032-us-dhs-secretary-remarks-past", "us-dhs", "2025-10-21",
        "Secretary visits port of entry", [
    [N("The Secretary today visited the port of entry in San Ysidro.", "past action / visit"),
     N("She met with officers who seized 2,000 pounds of narcotics last month.", "past action")],
    [N("The Secretary thanked the officers for their work.", "past action"),
     N("Officers at the port processed 90,000 travelers a day last year.", "fact / statistic")],
])

# ---- Australia, Canada, New Zealand, Ireland ------------------------------------------------------------
release("ct-5033-au-ha-new-money-vs-past", "au-ha", "2023-08-30",
        "$60 million to counter violent extremism", [
    [C("The Albanese Government will invest $60 million over four years to counter violent extremism.", "pledge",
       "Australian Government", "prevention", AUD(60000000), [P("over four years", "2023-08-30", "2027-08-30")]),
     N("The previous government invested $60 million over four years to counter violent extremism.", "past action: earlier money")],
    [C("The funding will establish a national intervention program for young people by July 2024.", "pledge",
       "Department of Home Affairs", "prevention", deadlines=[D("by July 2024", "2024-07-31")]),
     N("This will make Australia safer.", "prediction / effect")],
    [N("The terrorism threat level remains at possible.", "fact"),
     N("The Minister said Australians expect their government to keep them safe.", "opinion")],
], True)

release("dm-5034-au-esafety-codes-commence", "au-esafety", "2025-12-03",
        "Industry codes commence: what providers must do", [
    [C("From 27 December, search engines must take steps to limit access to terrorist material.", "demand",
       "search engines", "online_content"),
     N("eSafety will have the power to issue formal warnings and infringement notices.", "grant of power")],
    [C("The new code obliges app stores to check the age ratings of apps by June 2026.", "demand", "app stores",
       "online_content", deadlines=[D("by June 2026", "2026-06-30")]),
     N("The codes will apply to services used by Australians.", "legal effect with no acting party")],
    [N("Providers that breach a code could face civil penalties of up to $49.5 million.", "conditional"),
     N("eSafety registered the codes in September.", "past action")],
], True)

release("ct-5035-ca-ps-resilience-fund", "ca-ps", "2025-06-10",
        "Government of Canada announces $10 million for community resilience", [
    [C("The Minister of Public Safety today announced $10 million for 14 projects to prevent radicalization to violence.",
       "pledge", "Public Safety Canada", "prevention", CAD(10000000)),
     N("This funding is in addition to the $40 million that the fund has provided since 2017.", "past action: earlier money")],
    [N("The Government of Canada is committed to keeping Canadians safe.", "opinion / aspiration with no specific action"),
     C("Public Safety Canada will launch a new call for applications in the fall.", "pledge", "Public Safety Canada",
       "funding", deadlines=[D("in the fall", "2025-11-30")])],
    [N("The Canada Centre is working with communities across the country.", "ongoing activity"),
     N("Quick facts: the fund supports 60 projects.", "fact / statistic")],
], True)

release("nc-5036-nz-health-new-vs-past", "nz", "2023-03-22",
        "$100 million boost for mental health services", [
    [C("The Government will invest $100 million in mental health services over the next two years.", "pledge",
       "New Zealand Government", "funding", NZD(100000000), [P("over the next two years", "2023-03-22", "2025-03-22")]),
     N("The Government invested $100 million in mental health services over the past two years.", "past action: earlier money")],
    [N("Every New Zealander should be able to get help when they need it.", "opinion / aspiration"),
     C("Health New Zealand will open 20 new community clinics by the end of 2024.", "pledge", "Health New Zealand",
       "capability_building", deadlines=[D("by the end of 2024", "2024-12-31")])],
    [N("The clinics are expected to see 50,000 people a year.", "prediction")],
])

release("dm-5037-ie-online-safety-commission", "ie", "2023-09-26",
        "Online safety code for video-sharing platforms", [
    [C("Video-sharing platforms will be required to remove terrorist content within one hour of a removal order.", "demand",
       "video-sharing platforms", "online_content", deadlines=[R("within one hour", "PT1H")]),
     N("Coimisiún na Meán will have the power to audit platforms.", "grant of power")],
    [N("The code will apply to platforms established in Ireland.", "legal effect with no acting party"),
     C("The Minister will bring the code into force by the end of the year.", "pledge", "Department of Justice (Ireland)",
       "legislation", deadlines=[D("by the end of the year", "2023-12-31")])],
    [N("Platforms that breach the code could be fined up to €20 million.", "conditional"),
     N("The Minister said online safety is a priority for the Government.", "opinion")],
], True)

# ---- G7, NATO, OSCE -------------------------------------------------------------------------------------
release("dm-5038-g7-interior-ministers-internet", "g7", "2023-11-08",
        "G7 Interior Ministers' statement on terrorist use of the internet", [
    [C("We call on internet companies to develop tools that detect terrorist content automatically.", "demand",
       "internet companies", "online_content"),
     N("We recognise the progress made by the Global Internet Forum to Counter Terrorism.", "recognises: not a commitment")],
    [C("We will hold a meeting with industry leaders in the first half of 2024.", "pledge", "G7 Interior Ministers",
       "international_cooperation", deadlines=[D("in the first half of 2024", "2024-06-30")]),
     N("We met with industry leaders in Rome in 2021.", "past action")],
    [N("We are determined to deny terrorists the space to spread their propaganda.", "aspiration with no specific action"),
     N("Terrorist content online continues to inspire attacks.", "fact")],
], True)

release("ct-5039-nato-summit-commitments", "nato", "2025-07-09",
        "NATO leaders agree new counter-terrorism action plan", [
    [C("Allies will increase intelligence sharing on foreign terrorist fighters.", "pledge", "NATO Allies",
       "international_cooperation"),
     N("Allies have shared intelligence on foreign terrorist fighters since 2017.", "past action / ongoing")],
    [C("NATO will train partner forces in Iraq over the next two years.", "pledge", "NATO", "training",
       deadlines=[P("over the next two years", "2025-07-09", "2027-07-09")]),
     N("Terrorism in all its forms and manifestations remains a persistent threat to Allies.", "fact / assessment")],
    [N("Allies are expected to endorse the plan at the next summit.", "prediction"),
     N("NATO stands in solidarity with all victims of terrorism.", "opinion")],
], True)

release("ct-5040-osce-border-project", "osce", "2023-04-18",
        "OSCE starts border security project in Central Asia", [
    [C("The OSCE will train 400 border officers in Central Asia by the end of 2024.", "pledge", "OSCE", "training",
       deadlines=[D("by the end of 2024", "2024-12-31")]),
     N("The OSCE trained 400 border officers in Central Asia in 2021 and 2022.", "past action")],
    [N("The project is funded by Germany and the United States.", "fact"),
     N("Participants said the training would improve cooperation across borders.", "prediction / reported speech")],
], True)


# ---- More contrasts, mixed publishers -------------------------------------------------------------------
release("nc-5041-uk-dfe-free-schools-headline", "uk-dfe", "2025-07-15",
        "Fifteen new free schools to open", [
    [C("Fifteen new free schools to open in areas with the greatest need.", "pledge", "Department for Education", "other"),
     N("Fifteen free schools opened in areas with the greatest need last September.", "past action")],
    [C("The schools are set to open by September 2027.", "pledge", "Department for Education", "other",
       deadlines=[D("by September 2027", "2027-09-30")]),
     N("Free schools have some of the best results in the country.", "fact")],
    [N("Parents who want a place should apply through their local council.", "advice to the public")],
])

release("ct-5042-uk-ho-reported-speech-pledge", "uk-ho", "2023-09-18",
        "Home Secretary to announce £8 million to tackle online radicalisation", [
    [C("The Home Secretary is expected to tell the summit that the UK will provide £8 million to tackle online radicalisation.",
       "pledge", "Home Office", "online_content", GBP(8000000)),
     N("Leaders are expected to endorse a joint declaration at the end of the summit.", "prediction")],
    [N("The Home Secretary will attend the summit in New York on Tuesday.", "attendance / schedule, not a commitment"),
     N("The UK has hosted two previous summits on online radicalisation.", "past action")],
    [C("The funding will support a new research centre, which is to open in London next year.", "pledge", "Home Office",
       "online_content", deadlines=[D("next year", "2024-12-31")])],
], True)

release("nc-5043-eu-council-budget-noun", "eu-council", "2023-11-17",
        "EU budget for 2024: Council and Parliament strike deal", [
    [C("A €189 billion budget for the EU in 2024, agreed by the Council and Parliament today.", "pledge",
       "Council of the EU", "funding", EUR(189000000000)),
     N("The 2023 budget was €186.6 billion.", "fact: earlier money")],
    [N("The budget will help the EU respond to the crises it faces.", "prediction / effect"),
     N("The Parliament now has 14 days to approve the agreement formally.", "procedure: a step of others, not a commitment of the publisher")],
    [C("The Council will formally adopt the budget by 24 November.", "pledge", "Council of the EU", "funding",
       deadlines=[D("by 24 November", "2023-11-24")])],
])

release("dm-5044-un-sc-operative-vs-welcomes", "un-sc", "2023-08-30",
        "Security Council renews sanctions regime on Mali", [
    [C("The Council decides that all Member States shall prevent the direct or indirect supply of arms to listed individuals.",
       "demand", "all Member States", "sanctions"),
     N("The Council welcomes the efforts of the Malian authorities to restore order.", "welcomes: not a commitment")],
    [C("It decides to extend the mandate of the Panel of Experts until 31 August 2024.", "pledge",
       "United Nations Security Council", "sanctions", deadlines=[D("until 31 August 2024", "2024-08-31")]),
     N("It recalls its previous resolutions on the situation in Mali.", "recalls: not a commitment")],
    [C("The Council requests the Panel to provide a final report no later than 15 July 2024.", "demand",
       "Panel of Experts", "sanctions", deadlines=[D("no later than 15 July 2024", "2024-07-15")]),
     N("The Panel presented its final report to the Council in July.", "past action")],
], True)

release("nc-5045-uk-dft-ongoing-vs-pledge", "uk-dft", "2023-03-28",
        "Electric vehicle chargepoints: £381 million fund opens", [
    [C("The government will help councils install 100,000 chargepoints by 2030.", "pledge", "Department for Transport",
       "capability_building", deadlines=[D("by 2030", "2030-12-31")]),
     N("The government is working with councils to install chargepoints.", "ongoing activity")],
    [C("The £381 million fund opens today to bids from councils.", "pledge", "Department for Transport", "funding",
       GBP(381000000)),
     N("The department is reviewing how chargepoint data is shared.", "ongoing activity")],
    [N("There are now 40,000 public chargepoints in the UK.", "fact / statistic"),
     N("This will make it easier for drivers to switch to electric.", "prediction / effect")],
])

release("ct-5046-ca-ps-continue-vs-committed", "ca-ps", "2023-02-22",
        "Canada renews support for prevention centre", [
    [C("The Government of Canada will continue to fund the Canada Centre for Community Engagement until 2028.", "pledge",
       "Public Safety Canada", "prevention", deadlines=[D("until 2028", "2028-12-31")]),
     N("The Government of Canada is committed to preventing radicalization to violence.", "opinion / aspiration with no specific action")],
    [C("The Centre has committed to publishing a national research agenda by June 2023.", "pledge",
       "Canada Centre for Community Engagement and Prevention of Violence", "prevention",
       deadlines=[D("by June 2023", "2023-06-30")]),
     N("The Centre published its first national strategy in 2018.", "past action")],
    [N("Radicalization to violence is a complex problem with no single cause.", "fact / opinion")],
], True)

release("nc-5047-au-ha-visa-plans-vs-planning", "au-ha", "2025-04-02",
        "New visa processing targets", [
    [C("The Department plans to process 90% of skilled visa applications within 30 days.", "pledge",
       "Department of Home Affairs", "border_security", deadlines=[P("within 30 days", "2025-04-02", "2025-05-02")]),
     N("The Department is planning a review of the visa system.", "ongoing activity")],
    [N("Processing times fell by half last year.", "fact / statistic"),
     N("Faster processing would help employers fill skills shortages.", "conditional / prediction")],
    [C("Employers will need to lodge nominations online from 1 July.", "demand", "employers", "border_security"),
     N("The changes will apply to all new applications.", "legal effect with no acting party")],
])

release("ng-5048-eu-com-today-launches-analysis", "eu-com", "2023-07-12",
        "Commission launches consultation on rail passenger rights", [
    [N("The Commission today launched a public consultation on rail passenger rights.", "past action / done today"),
     N("We are launching an analysis of how the current rules work in practice.", "done today")],
    [N("Passengers made 8 billion rail journeys in the EU in 2022.", "fact / statistic"),
     N("The consultation is open to all citizens and organisations.", "fact")],
    [N("Interested parties are invited to submit their views online.", "advice / invitation to the public")],
])

release("dm-5049-us-dhs-pipeline-directive", "us-dhs", "2025-05-28",
        "TSA issues security directive for pipeline operators", [
    [C("Pipeline owners and operators must report cybersecurity incidents to CISA within 12 hours of discovery.", "demand",
       "pipeline owners and operators", "capability_building", deadlines=[R("within 12 hours", "PT12H")]),
     N("Pipeline owners and operators have reported cybersecurity incidents to CISA since 2021.", "past action / standing practice")],
    [C("Owners will have 30 days to review their current practices.", "demand", "pipeline owners", "capability_building",
       deadlines=[P("30 days", "2025-05-28", "2025-06-27")]),
     N("TSA will have the authority to inspect the operators' systems.", "grant of power")],
    [N("The directive will help protect critical infrastructure.", "prediction / effect")],
], True)

release("nc-5050-scot-climate-opinion-vs-pledge", "scot", "2025-10-07",
        "Scotland's heat in buildings plan", [
    [N("We must go further and faster to cut emissions from our homes.", "opinion / aspiration"),
     C("We will provide £50 million to help households install heat pumps this year.", "pledge", "Scottish Government",
       "funding", GBP(50000000), [D("this year", "2025-12-31")])],
    [N("Since 2020, we have helped 30,000 households install heat pumps.", "past action"),
     N("Heat pumps can cut a household's bills by up to £300 a year.", "fact")],
    [N("Households that want to apply are encouraged to contact Home Energy Scotland.", "advice to the public")],
])

release("ct-5051-eu-com-new-fund-perfect-vs-earlier", "eu-com", "2025-09-24",
        "Commission awards €20 million to protect public spaces", [
    [C("The Commission has awarded twelve grants worth €20 million to protect public spaces against terrorist attacks.",
       "pledge", "European Commission", "funding", EUR(20000000)),
     N("Under the previous call, the Commission awarded €20 million to protect public spaces against terrorist attacks.",
       "past action: earlier money")],
    [C("The projects will run until December 2027.", "pledge", "European Commission", "funding",
       deadlines=[D("until December 2027", "2027-12-31")]),
     N("Public spaces remain a target of choice for terrorists.", "fact / assessment")],
    [N("The projects could be extended if results are promising.", "conditional")],
], True)

release("nc-5052-uk-dhsc-continue-vs-ongoing", "uk-dhsc", "2023-12-05",
        "Free flu vaccines for over-50s extended", [
    [C("The NHS will continue to offer free flu vaccines to everyone aged over 50 until March 2025.", "pledge", "NHS England",
       "other", deadlines=[D("until March 2025", "2025-03-31")]),
     N("The NHS is offering free flu vaccines to everyone aged over 50.", "ongoing activity")],
    [N("More than 14 million people have had a flu vaccine this winter.", "fact / statistic"),
     N("People who are eligible are urged to book their vaccine.", "advice to the public")],
    [N("The vaccine is the best protection against flu.", "fact / opinion")],
])

release("dm-5053-au-esafety-notices", "au-esafety", "2023-02-23",
        "eSafety issues legal notices to technology companies", [
    [C("The companies will have 35 days to respond to the notices.", "demand", "technology companies", "online_content",
       deadlines=[P("35 days", "2023-02-23", "2023-03-30")]),
     N("eSafety today issued legal notices to five technology companies.", "past action / done today")],
    [C("They must explain how they detect terrorist and violent extremist material on their services.", "demand",
       "technology companies", "online_content"),
     N("eSafety can compel companies to answer questions under the Online Safety Act.", "grant of power")],
    [N("Companies that fail to respond could face fines of up to $700,000 a day.", "conditional"),
     N("The Commissioner said transparency is the first step towards accountability.", "opinion")],
], True)

release("nc-5054-us-state-aid-new-vs-past", "us-state", "2023-09-20",
        "United States announces humanitarian assistance for Sudan", [
    [C("The United States is providing $163 million in new humanitarian assistance for the people of Sudan.", "pledge",
       "U.S. Department of State", "funding", USD(163000000)),
     N("This brings total U.S. humanitarian assistance for Sudan to more than $710 million since the conflict began.",
       "past action: earlier money total")],
    [N("The United States has provided food to 4 million people in Sudan this year.", "past action"),
     N("We urge all parties to allow humanitarian access.", "exhortation, no specific action with a deadline (urge to allow access)")],
    [N("The conflict has displaced more than 5 million people.", "fact / statistic")],
])

release("ct-5055-uk-fcdo-joint-statement", "uk-fcdo", "2025-11-13",
        "Joint statement of the UK and Kenya on counter-terrorism cooperation", [
    [C("The United Kingdom and Kenya will establish a joint counter-terrorism training centre in Nairobi by 2027.", "pledge",
       "United Kingdom and Kenya", "training", deadlines=[D("by 2027", "2027-12-31")]),
     N("The United Kingdom and Kenya have cooperated closely on counter-terrorism for two decades.", "past action / ongoing")],
    [C("The UK will contribute £6 million to the centre.", "pledge", "Foreign, Commonwealth & Development Office", "funding",
       GBP(6000000)),
     N("Both countries reaffirm their determination to defeat al-Shabaab.", "reaffirms: not a commitment")],
    [N("The partnership will make both countries safer.", "prediction / effect")],
], True)

release("nc-5056-eu-council-law-adopted-effects", "eu-council", "2025-04-29",
        "Council adopts new rules on packaging waste", [
    [N("The Council today adopted the regulation on packaging and packaging waste.", "past action / done today"),
     C("Producers will have to make all packaging recyclable by 2030.", "demand", "producers", "legislation",
       deadlines=[D("by 2030", "2030-12-31")])],
    [N("The regulation will apply 18 months after its entry into force.", "legal effect with no acting party"),
     C("Member states must cut packaging waste per head by 5% by 2030.", "demand", "member states", "legislation",
       deadlines=[D("by 2030", "2030-12-31")])],
    [N("The new rules will reduce waste and create jobs.", "prediction / effect"),
     N("Each European generates almost 190 kg of packaging waste a year.", "fact / statistic")],
])

release("ct-5057-nz-christchurch-call-funding", "nz", "2025-05-15",
        "New Zealand commits $5 million to Christchurch Call", [
    [C("New Zealand will commit $5 million over three years to support the Christchurch Call.", "pledge",
       "New Zealand Government", "online_content", NZD(5000000), [P("over three years", "2025-05-15", "2028-05-15")]),
     N("New Zealand has supported the Christchurch Call since its launch in 2019.", "past action / ongoing")],
    [N("The Prime Minister said the Call has changed how the world responds to terrorist content online.", "opinion / reported speech"),
     C("We call on online service providers to publish transparency reports every six months.", "demand",
       "online service providers", "online_content")],
    [N("Fifty-six countries have joined the Call.", "fact / statistic")],
], True)

release("nc-5058-ie-housing-new-vs-past", "ie", "2025-02-18",
        "Minister announces funding for youth services", [
    [C("The Minister has announced €12 million for youth justice projects in 2025.", "pledge",
       "Department of Justice (Ireland)", "funding", EUR(12000000), [D("in 2025", "2025-12-31")]),
     N("The Department allocated €12 million to youth justice projects in 2024.", "past action: earlier money")],
    [N("The projects work with 3,500 young people each year.", "fact / statistic"),
     N("This funding should help young people make positive choices.", "expectation ('should'), not a demand")],
])

release("nc-5059-uk-ho-knife-retailers", "uk-ho", "2025-01-29",
        "Retailers must verify age before selling knives online", [
    [C("Online retailers will have to verify the age of buyers before selling knives.", "demand", "online retailers",
       "legislation"),
     N("Online retailers verify the age of buyers before selling knives.", "fact / standing practice")],
    [N("Police will have the power to seize knives found in private homes.", "grant of power"),
     C("The government will bring forward legislation in the spring.", "pledge", "Home Office", "legislation",
       deadlines=[D("in the spring", "2025-05-31")])],
    [N("Retailers that sell knives to children could face prison sentences.", "conditional"),
     N("Knife crime fell by 5% last year.", "fact / statistic")],
])

release("ct-5060-un-ga-unoct-trust-fund", "un-ga", "2025-12-02",
        "Member States pledge to UN Counter-Terrorism Trust Fund", [
    [C("Saudi Arabia pledged $10 million to the United Nations Counter-Terrorism Trust Fund for next year.", "pledge",
       "Saudi Arabia", "funding", USD(10000000), [D("next year", "2026-12-31")]),
     N("Saudi Arabia has contributed $110 million to the Trust Fund since 2014.", "past action: earlier money")],
    [C("The Office of Counter-Terrorism will open regional offices in Rabat and Nairobi in 2026.", "pledge",
       "UN Office of Counter-Terrorism", "capability_building", deadlines=[D("in 2026", "2026-12-31")]),
     N("The Under-Secretary-General said prevention must remain at the heart of the Strategy.", "opinion")],
    [N("Delegations expressed support for the work of the Office.", "expresses support: not a commitment")],
], True)

release("nc-5061-us-wh-executive-order-duties", "us-wh", "2025-04-23",
        "Fact sheet: executive order on federal permitting", [
    [C("The order directs federal agencies to decide on permits for energy projects within 90 days.", "demand",
       "federal agencies", "other", deadlines=[P("within 90 days", "2025-04-23", "2025-07-22")]),
     N("Federal agencies took an average of four years to decide on permits for energy projects.", "fact: past")],
    [C("The Office of Management and Budget will issue guidance to agencies by June 1.", "demand",
       "Office of Management and Budget", "other", deadlines=[D("by June 1", "2025-06-01")]),
     N("Faster permits will lower energy prices for American families.", "prediction / effect")],
    [N("The President believes that America must build again.", "opinion")],
])

release("ct-5062-au-ha-afp-capability-noun", "au-ha", "2025-11-25",
        "$40 million for the AFP's counter-terrorism capabilities", [
    [C("$40 million for new Australian Federal Police counter-terrorism teams in every state.", "pledge",
       "Australian Government", "capability_building", AUD(40000000)),
     N("The AFP has disrupted 21 terrorist plots since 2014.", "fact / past action")],
    [C("The teams will be operational by mid-2026.", "pledge", "Australian Federal Police", "capability_building",
       deadlines=[D("by mid-2026", "2026-06-30")]),
     N("The teams will make it harder for terrorists to plan attacks.", "prediction / effect")],
    [N("The Minister said the threat of terrorism is evolving.", "opinion / assessment")],
], True)

release("nc-5063-ca-ps-firearms-buyback", "ca-ps", "2025-07-22",
        "Firearms buyback program: next phase", [
    [C("Businesses will have until 31 October to declare their inventories of banned firearms.", "demand", "businesses",
       "legislation", deadlines=[D("until 31 October", "2025-10-31")]),
     N("Businesses declared 12,000 banned firearms in the first phase.", "past action")],
    [N("The program will apply to firearms banned since May 2020.", "legal effect with no acting party"),
     N("Owners who do not take part could face criminal charges.", "conditional")],
    [N("Canadians with questions are encouraged to consult the program's website.", "advice to the public")],
])

release("ng-5064-osce-conference-report", "osce", "2025-10-15",
        "OSCE conference discusses countering violent extremism", [
    [N("More than 200 experts met in Vienna to discuss countering violent extremism.", "past action / event"),
     N("Participants shared good practices from their countries.", "past action")],
    [N("Speakers said that prevention works best when communities are involved.", "opinion / reported speech"),
     N("The conference was organised by the OSCE Transnational Threats Department.", "fact")],
], True)


def write() -> None:
    labels = {}
    releases = HERE / "releases"
    releases.mkdir(exist_ok=True)
    for old in releases.glob("*.json"):
        old.unlink()
    for spec in RELEASES:
        source, base, publisher = SITES[spec["site"]]
        ct = bool(spec["ct"])
        paragraphs, commitments, non_commitments = [], [], []
        for paragraph in spec["paragraphs"]:
            texts = []
            for item in paragraph:
                if isinstance(item, str):
                    texts.append(item)
                    continue
                texts.append(item[1])
                if item[0] == "C":
                    fields = item[2]
                    commitments.append({"quote": item[1], "kind": fields["kind"], "actor": fields["actor"],
                                        "category": fields["category"],
                                        "counter_terrorism": ct if fields["ct"] is None else fields["ct"],
                                        "money": fields["money"], "deadlines": fields["deadlines"]})
                else:
                    non_commitments.append({"quote": item[1], "why": item[2]})
            paragraphs.append(" ".join(texts))
        slug = spec["id"].split("-", 2)[2]
        body = "\n\n".join(paragraphs)
        record = {"id": spec["id"], "url": base + slug, "title": spec["title"],
                  "published_at": spec["date"] + "T00:00:00+00:00", "source": source, "publisher": publisher,
                  "text_complete": True,
                  "note": "Synthetic: written for pledgewatch from the labelling rules, in the style of this "
                          "publisher; not a real release (see README.md of this folder).",
                  "body": body}
        (releases / f"{spec['id']}.json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n",
                                                     encoding="utf-8")
        labels[spec["id"]] = {"is_counter_terrorism": ct, "text_complete": True, "commitments": commitments,
                              "non_commitments": non_commitments}
    (HERE / "labels.json").write_text(json.dumps(labels, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(RELEASES)} releases, {sum(len(v['commitments']) for v in labels.values())} commitments, "
          f"{sum(len(v['non_commitments']) for v in labels.values())} non-commitments")


if __name__ == "__main__":
    write()
