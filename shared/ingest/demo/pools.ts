/**
 * Word and phrase pools for the demo world. Transcripts are composed from these per intent and per rep style,
 * with placeholders ({company}, {units}, {pms}, {competitor}, ...) filled from the world, so no two calls read
 * the same. Names are invented; company names are invented combinations (any resemblance is accidental).
 */

export const FIRST_NAMES = [
  'Aaliyah',
  'Aaron',
  'Abigail',
  'Adrian',
  'Aisha',
  'Alan',
  'Alejandro',
  'Alexis',
  'Alicia',
  'Amanda',
  'Amir',
  'Andre',
  'Angela',
  'Anthony',
  'Ashley',
  'Beatriz',
  'Benjamin',
  'Bianca',
  'Brandon',
  'Brenda',
  'Brian',
  'Caleb',
  'Camila',
  'Carla',
  'Carlos',
  'Carmen',
  'Cheryl',
  'Chris',
  'Claire',
  'Connor',
  'Courtney',
  'Dana',
  'Daniel',
  'Darnell',
  'David',
  'Deborah',
  'Derek',
  'Diana',
  'Dominic',
  'Elena',
  'Elijah',
  'Emily',
  'Eric',
  'Erin',
  'Ethan',
  'Fatima',
  'Felix',
  'Gabriel',
  'Grace',
  'Hannah',
  'Hector',
  'Heather',
  'Ian',
  'Imani',
  'Isaac',
  'Jacob',
  'Jamal',
  'Jasmine',
  'Jason',
  'Jennifer',
  'Jeremy',
  'Jessica',
  'Jordan',
  'Jose',
  'Joshua',
  'Julia',
  'Justin',
  'Kara',
  'Karen',
  'Keisha',
  'Kelly',
  'Kenji',
  'Kim',
  'Kyle',
  'Laura',
  'Lauren',
  'Leah',
  'Lucas',
  'Luis',
  'Malik',
  'Marcus',
  'Maria',
  'Mark',
  'Megan',
  'Melissa',
  'Michael',
  'Michelle',
  'Miguel',
  'Monica',
  'Nadia',
  'Natalie',
  'Nathan',
  'Nicole',
  'Noah',
  'Olivia',
  'Omar',
  'Patricia',
  'Paul',
  'Priya',
  'Rachel',
  'Rafael',
  'Raj',
  'Rebecca',
  'Ricardo',
  'Robert',
  'Rosa',
  'Ryan',
  'Samantha',
  'Samuel',
  'Sandra',
  'Sara',
  'Sean',
  'Sofia',
  'Stephanie',
  'Steven',
  'Tanya',
  'Taylor',
  'Teresa',
  'Thomas',
  'Tiffany',
  'Travis',
  'Tyler',
  'Valerie',
  'Vanessa',
  'Victor',
  'Wei',
  'Whitney',
  'Xavier',
  'Yolanda',
  'Zachary',
  'Zoe',
];

export const LAST_NAMES = [
  'Abbott',
  'Acosta',
  'Adams',
  'Aguilar',
  'Alvarez',
  'Anderson',
  'Bailey',
  'Baker',
  'Banks',
  'Barnes',
  'Bell',
  'Bennett',
  'Brooks',
  'Bryant',
  'Burke',
  'Campbell',
  'Carter',
  'Castillo',
  'Chang',
  'Chavez',
  'Chen',
  'Coleman',
  'Collins',
  'Cooper',
  'Cruz',
  'Daniels',
  'Davis',
  'Delgado',
  'Diaz',
  'Dixon',
  'Douglas',
  'Edwards',
  'Ellis',
  'Evans',
  'Fischer',
  'Fleming',
  'Flores',
  'Ford',
  'Foster',
  'Garcia',
  'Gibson',
  'Gomez',
  'Gonzalez',
  'Graham',
  'Grant',
  'Gray',
  'Green',
  'Griffin',
  'Gupta',
  'Hall',
  'Hamilton',
  'Harper',
  'Harris',
  'Hayes',
  'Henderson',
  'Hernandez',
  'Hill',
  'Holmes',
  'Howard',
  'Hughes',
  'Jackson',
  'James',
  'Jenkins',
  'Johnson',
  'Jordan',
  'Kelly',
  'Kennedy',
  'Khan',
  'Kim',
  'King',
  'Knight',
  'Lambert',
  'Lee',
  'Lewis',
  'Lopez',
  'Marshall',
  'Martin',
  'Martinez',
  'Mason',
  'Medina',
  'Mendoza',
  'Meyer',
  'Miller',
  'Mitchell',
  'Moore',
  'Morales',
  'Morgan',
  'Murphy',
  'Myers',
  'Nguyen',
  'Nelson',
  'Novak',
  'Ortiz',
  'Owens',
  'Park',
  'Patel',
  'Perez',
  'Perry',
  'Peterson',
  'Phillips',
  'Powell',
  'Price',
  'Quinn',
  'Ramirez',
  'Reed',
  'Reyes',
  'Richardson',
  'Rivera',
  'Roberts',
  'Robinson',
  'Rodriguez',
  'Rogers',
  'Ross',
  'Russell',
  'Sanchez',
  'Sanders',
  'Scott',
  'Shah',
  'Simmons',
  'Singh',
  'Stewart',
  'Sullivan',
  'Taylor',
  'Thompson',
  'Torres',
  'Tran',
  'Turner',
  'Vasquez',
  'Wagner',
  'Walker',
  'Wallace',
  'Ward',
  'Washington',
  'Watson',
  'Webb',
  'White',
  'Williams',
  'Wilson',
  'Wong',
  'Wright',
  'Young',
  'Zhang',
];

export const COMPANY_WORDS = [
  'Harborview',
  'Summit',
  'Oakmont',
  'Lakeshore',
  'Crescent',
  'Bluebonnet',
  'Peachtree',
  'Cypress',
  'Magnolia',
  'Sterling',
  'Ironwood',
  'Willow Creek',
  'Granite',
  'Pinnacle',
  'Riverbend',
  'Cedar Point',
  'Evergreen',
  'Brookstone',
  'Highland',
  'Stonegate',
  'Redwood',
  'Silverleaf',
  'Parkside',
  'Northgate',
  'Westbrook',
  'Bayview',
  'Canyon',
  'Foxhall',
  'Juniper',
  'Laurel',
  'Meridian',
  'Sagebrush',
  'Trailhead',
  'Vista',
  'Wexford',
  'Ashford',
  'Beacon',
  'Copperline',
  'Driftwood',
  'Elmstead',
  'Fairhaven',
  'Goldcrest',
  'Hollister',
  'Keystone',
  'Larkspur',
  'Maplewood',
  'Newport',
  'Oakridge',
  'Palisade',
  'Quarry',
  'Rosewood',
  'Saddleback',
  'Timberline',
  'Union Square',
  'Valley Forge',
  'Waterford',
  'Yorktown',
  'Amberly',
  'Birchwood',
  'Clearwater',
  'Dogwood',
  'Eastlake',
  'Fieldstone',
  'Greystone',
  'Heritage',
  'Inverness',
  'Jasper',
  'Kingsbury',
  'Lionsgate',
  'Mosaic',
  'Northpoint',
  'Orchard',
  'Prairie',
  'Ridgeline',
  'Seaside',
  'Tidewater',
  'Uptown',
  'Verandah',
  'Windsor',
  'Zephyr',
];

export const COMPANY_QUALIFIERS = [
  '',
  '',
  '',
  'Park',
  'Point',
  'Crossing',
  'Gardens',
  'Heights',
  'Landing',
  'Pointe',
];

export const COMPANY_SUFFIXES = [
  'Residential',
  'Property Management',
  'Living',
  'Communities',
  'Apartment Homes',
  'Realty Group',
  'Properties',
  'Housing Partners',
  'Multifamily',
  'Management Group',
];

export interface Region {
  /** Pay Ready sales region (the dictionary's enum: West, Southwest, Midwest, Southeast, Northeast). */
  name: string;
  timezone: string;
  cities: readonly (readonly [city: string, state: string, areaCode: string, zip: string])[];
}

export const REGIONS: readonly Region[] = [
  {
    name: 'Southeast',
    timezone: 'America/New_York',
    cities: [
      ['Atlanta', 'GA', '404', '30303'],
      ['Charlotte', 'NC', '704', '28202'],
      ['Orlando', 'FL', '407', '32801'],
      ['Tampa', 'FL', '813', '33602'],
      ['Raleigh', 'NC', '919', '27601'],
      ['Nashville', 'TN', '615', '37203'],
    ],
  },
  {
    name: 'Southwest',
    timezone: 'America/Chicago',
    cities: [
      ['Dallas', 'TX', '214', '75201'],
      ['Houston', 'TX', '713', '77002'],
      ['Austin', 'TX', '512', '78701'],
      ['San Antonio', 'TX', '210', '78205'],
    ],
  },
  {
    name: 'Midwest',
    timezone: 'America/Chicago',
    cities: [
      ['Chicago', 'IL', '312', '60601'],
      ['Minneapolis', 'MN', '612', '55401'],
      ['Kansas City', 'MO', '816', '64105'],
    ],
  },
  {
    name: 'West',
    timezone: 'America/Denver',
    cities: [
      ['Denver', 'CO', '303', '80202'],
      ['Salt Lake City', 'UT', '801', '84101'],
      ['Boise', 'ID', '208', '83702'],
    ],
  },
  {
    name: 'Southwest',
    timezone: 'America/Phoenix',
    cities: [
      ['Phoenix', 'AZ', '602', '85004'],
      ['Tucson', 'AZ', '520', '85701'],
    ],
  },
  {
    name: 'West',
    timezone: 'America/Los_Angeles',
    cities: [
      ['Los Angeles', 'CA', '213', '90012'],
      ['San Diego', 'CA', '619', '92101'],
      ['Seattle', 'WA', '206', '98101'],
      ['Portland', 'OR', '503', '97204'],
      ['Sacramento', 'CA', '916', '95814'],
    ],
  },
  {
    name: 'Northeast',
    timezone: 'America/New_York',
    cities: [
      ['Boston', 'MA', '617', '02108'],
      ['Philadelphia', 'PA', '215', '19107'],
      ['Newark', 'NJ', '973', '07102'],
      ['Baltimore', 'MD', '410', '21202'],
    ],
  },
];

export const PMS_PLATFORMS = ['Yardi', 'RealPage', 'AppFolio', 'Entrata'] as const;
export type Pms = (typeof PMS_PLATFORMS)[number];

export const COMPETITORS = ['ClickPay', 'Zego', 'RentPayment', 'PayLease', 'EliseAI', 'Rentgrata'];

export const CONTACT_TITLES: readonly (readonly [string, number])[] = [
  ['VP of Operations', 3],
  ['Director of Property Management', 3],
  ['Regional Property Manager', 4],
  ['Chief Financial Officer', 1],
  ['Controller', 2],
  ['Director of Revenue Management', 2],
  ['Accounts Receivable Manager', 3],
  ['Community Manager', 4],
  ['IT Director', 1],
  ['Chief Operating Officer', 1],
  ['Director of Resident Experience', 1],
  ['Leasing Director', 2],
];

export const PRODUCTS = [
  'Resident Payments',
  'AI Leasing Assistant',
  'Collections Automation',
  'Payments + AI Suite',
];

export const OBJECTION_TYPES = [
  'pricing',
  'pms_integration',
  'trust_in_ai',
  'compliance',
  'timing',
  'contract_terms',
] as const;
export type ObjectionType = (typeof OBJECTION_TYPES)[number];

/** How a rep answers an objection. */
export const HANDLING = ['discount', 'value_reframe', 'evidence', 'probe', 'deflect', 'defer'] as const;
export type Handling = (typeof HANDLING)[number];

export const OBJECTIONS: Record<ObjectionType, readonly string[]> = {
  pricing: [
    'Honestly the per-unit fee is higher than what we budgeted for this year.',
    "At {price} a unit across {units} units, that's a big number for us to take to ownership.",
    "I'm not sure we can justify the cost when our current processor is basically free for us.",
    '{competitor} quoted us quite a bit less, so help me understand the gap.',
    'Our owners are squeezing every line item right now, and this would be a new one.',
    'The pricing feels steep for a portfolio our size.',
    "Is there any flexibility on price? Because as it stands it's a tough sell internally.",
    "We'd need the convenience fees to cover most of this, otherwise it doesn't pencil.",
  ],
  pms_integration: [
    "My biggest worry is the {pms} integration, we've been burned by sync issues before.",
    'How does this actually write back to {pms}? Our accounting team lives in there.',
    'Last vendor we tried took six months to integrate with {pms} and it still broke every month end.',
    "If payments don't post to the resident ledger in {pms} in real time, it's a non-starter.",
    'Our IT team is going to ask whether you are a certified {pms} partner.',
    "We're on an older {pms} version, so I'm not sure your connector even supports it.",
  ],
  trust_in_ai: [
    "I'm nervous about an AI talking to our residents without a human checking it.",
    'What happens when the AI gives a prospect the wrong rent or the wrong move-in special?',
    "Our team doesn't really trust chatbots, residents complain when they can't reach a person.",
    'How do I know the AI is not making things up about our policies?',
    'Frankly the AI piece feels like a liability more than a feature to me.',
    "I've seen these assistants hallucinate, and that's the last thing I want on a lease question.",
  ],
  compliance: [
    'Legal is going to want to know how you handle Fair Housing in the leasing conversations.',
    'Are the collection reminders compliant with the FDCPA and the state rules, especially in California?',
    "We'd need to see your SOC 2 report before anything moves forward.",
    "How do you handle PCI for card payments? That's always our auditors' first question.",
    'Our compliance team has concerns about recording and storing resident conversations.',
    'Who is liable if an automated message goes out at the wrong hour to a resident who owes money?',
  ],
  timing: [
    "We're in the middle of a {pms} migration, so the timing really isn't great.",
    "Budget for next year isn't locked until the fourth quarter, so we probably can't move before then.",
    'We just onboarded a new leasing team and I do not want to change too much at once.',
    'Can we revisit this after peak leasing season? Summer is crazy for us.',
    'Honestly this is not a priority until we close the acquisition we are working on.',
  ],
  contract_terms: [
    'A three year term is a lot to ask for a vendor we have not worked with yet.',
    "We'd need an out clause if the integration doesn't perform in the first ninety days.",
    'Our standard is net sixty payment terms, not net thirty.',
    'Legal will push back on the auto-renewal language in the order form.',
    'We need the ability to add and remove properties without renegotiating the whole contract.',
    "The liability cap in your MSA is lower than what we'd normally accept.",
  ],
};

/** How a rep opens an answer, per handling approach. */
export const RESPONSE_OPENERS: Record<Handling, readonly string[]> = {
  discount: [
    'Look, I hear you, and I think I can get you a better number if we can sign this month.',
    "Let me go back to my VP, I'm pretty sure I can knock the per-unit fee down for you.",
    "If price is the only thing in the way, I'll make it work, we can do something on the first year.",
    'Tell you what, I can waive the implementation fee and sharpen the per-unit price.',
  ],
  value_reframe: [
    'That makes sense, and can I put it in terms of what it returns rather than what it costs?',
    'Totally fair, so let me reframe it around the delinquency you are carrying today.',
    "I get that, and I'd rather talk about the total cost of the manual work it replaces.",
    "Fair concern, let's look at it per door per month against what your team spends today.",
  ],
  evidence: [
    'Good question, and I can show you exactly how another customer handled that.',
    "That's the most common thing we hear, so let me walk you through what we've seen.",
    'Great point, and we have a reference customer on {pms} with about the same footprint as you.',
    'Completely understand, let me share the data rather than just telling you it works.',
  ],
  probe: [
    'Can I ask what is driving that concern specifically?',
    'Help me understand, is that coming from you or from someone else on the team?',
    'When you say that, what would it need to look like for you to feel comfortable?',
    'What happened last time that makes this a worry for you?',
  ],
  deflect: [
    "Honestly that's not something I'd worry about, it's really not an issue for our customers.",
    "Let's not get stuck on that right now, I want to show you the fun part.",
    "Yeah, we hear that, but it usually sorts itself out, let's keep going.",
    "That's more of a detail for later, the important thing is the big picture here.",
  ],
  defer: [
    'Let me take that back to our solutions team and get you a proper answer.',
    "I don't want to guess on that one, I'll follow up with the specifics by email.",
    "That's a good one for our specialists, I'll loop them into the next call.",
    "I'll check with legal on our side and come back to you this week.",
  ],
};

/** What a rep says next, per objection type (the substance of the answer). */
export const RESPONSE_SUBSTANCE: Record<ObjectionType, readonly string[]> = {
  pricing: [
    'Most communities your size cover the fee entirely through convenience fees within two months.',
    'Our customers typically see delinquency drop by a third, which at {units} units is real money.',
    'When you add up the hours your team spends chasing rent, the per-unit fee is the cheaper option.',
    'We can phase it in property by property so the spend tracks the results.',
  ],
  pms_integration: [
    'We have a certified two-way integration with {pms}, payments post to the ledger within minutes.',
    'Our {pms} connector is live at hundreds of communities, and we monitor every sync job for you.',
    'Implementation on {pms} usually takes about three weeks, and we do the mapping work, not your team.',
    'If a payment fails to post in {pms}, it lands in an exception queue your team can see the same day.',
  ],
  trust_in_ai: [
    'The assistant only answers from your approved policies and hands off to a person whenever it is unsure.',
    'Every conversation is logged, and your team can review and correct answers from one dashboard.',
    'You set the guardrails, so specials and rents come straight from {pms}, never from the model.',
    'We start in a supervised mode where your staff approves messages before they go out.',
  ],
  compliance: [
    'Our leasing flows are reviewed for Fair Housing, and the assistant never steers by protected class.',
    'Collection reminders respect contact-hour windows in the resident local time, and caps on attempts.',
    'We can send over our SOC 2 Type II report and our PCI attestation under NDA today.',
    'Recordings are encrypted, retained per your policy, and residents get the consent notice up front.',
  ],
  timing: [
    'We can start with a pilot at two or three communities so it does not disrupt the migration.',
    'If we kick off paperwork now, go-live would land right after your peak season.',
    'We can hold this pricing through the end of the quarter so you are not rushed.',
    'Most of the lift is on our side, your team would spend maybe four hours total on onboarding.',
  ],
  contract_terms: [
    'We can do a one year term with an option to extend at the same rate.',
    'A ninety day performance out clause tied to integration uptime is something we have done before.',
    'Adding and removing properties is handled by a simple schedule, no renegotiation needed.',
    'I can get our legal team on a call with yours to work through the MSA language directly.',
  ],
};

export const CUSTOMER_ACCEPTS = [
  'Okay, that actually helps a lot.',
  'That makes sense, I can work with that.',
  "Alright, if you can put that in writing I think we're good.",
  "That's fair, I feel better about it now.",
  'Good, that answers my question.',
];

export const CUSTOMER_UNCONVINCED = [
  "I hear you, but I'm still not sure.",
  "Hmm, I'd need to see that before I believe it.",
  "That's what the last vendor told us too.",
  "Okay, but I don't think that solves it for us.",
  "We'll see, I'm going to need more than that for my boss.",
];

export const GREETINGS_REP = [
  'Hi {contact}, thanks for making the time today.',
  'Hey {contact}, good to see you again, how was your week?',
  'Good morning {contact}, appreciate you jumping on.',
  'Hi everyone, thanks for joining, can you all hear me okay?',
  'Hey {contact}, how are things out in {city}?',
];

export const GREETINGS_CUSTOMER = [
  'Hi, yes, loud and clear.',
  "Hey, doing well, it's been a busy one.",
  'Thanks for having us.',
  'Good, good, glad we could make this work.',
  'Hi there, sorry I was a minute late, back to back meetings.',
];

export const AGENDA_REP = [
  'So today I wanted to learn more about how you collect rent today and then show you the platform.',
  'My goal for the next thirty minutes is to understand your process and see if there is a fit.',
  'I was hoping we could recap where we landed last time and talk through next steps.',
  'Quick agenda: your current setup, a short demo, and then pricing if it makes sense.',
];

export const DISCOVERY_QUESTIONS = [
  'How are residents paying rent today?',
  'What does your delinquency look like across the portfolio right now?',
  'How many people on your team touch collections each month?',
  'Which PMS are you running, and is it the same across every property?',
  'How do leads get handled after hours today?',
  'What would a win look like for you six months from now?',
  'Who else would be involved in a decision like this?',
  'What made you take this call now rather than next year?',
  'How are you handling late fees and payment plans today?',
  'What percentage of residents still pay by check or money order?',
  'Have you looked at any other vendors for this?',
  'What is the biggest headache for your community managers at month end?',
];

export const CUSTOMER_PORTFOLIO = [
  'We manage about {units} units across {properties} communities, mostly in the {region}.',
  "We're on {pms} everywhere except two older properties we picked up last year.",
  'Right now roughly a fifth of our residents still pay by money order.',
  'Our community managers spend the first week of every month just chasing payments.',
  "We've got {properties} properties and a small central team of about six people.",
  'Delinquency has crept up to around seven percent, which ownership is not happy about.',
  'After-hours leads mostly go to voicemail, and we lose a lot of them.',
  'We run {pms} for accounting and a patchwork of tools for everything else.',
];

export const CUSTOMER_ANSWERS = [
  'Good question, I would say mostly through the resident portal.',
  "It depends on the property, honestly it's all over the place.",
  'I think about three people, maybe four at month end.',
  'Mainly me and our controller, and ownership signs off above a certain amount.',
  'We tried something two years ago and it did not stick.',
  "I'd have to check the exact number, but it's higher than I'd like.",
  'Mostly on weekends and evenings, when the office is closed.',
];

export const PITCH_REP = [
  'So what Pay Ready does is bring rent payments, reminders and collections into one flow that posts straight into {pms}.',
  'Residents can pay by card, bank transfer or cash at retail locations, and it all reconciles automatically.',
  'The AI assistant answers prospects around the clock, books tours, and hands warm leads to your leasing team.',
  'On the collections side, the system sends reminders, offers payment plans, and only escalates when it needs a person.',
  'Your community managers get a single dashboard for who has paid, who is late, and who is on a plan.',
  'Most customers are live within a month, and we handle the {pms} setup end to end.',
  'We also flag residents who are likely to fall behind before they actually miss a payment.',
  'And because everything is in one place, month-end close gets a lot faster for your accounting team.',
  'The reporting lets your regional managers compare properties side by side on collections and lead response.',
];

export const COMPETITOR_MENTIONS = [
  "We're also talking to {competitor}, just so you know.",
  'Our sister company uses {competitor} and seems happy enough.',
  '{competitor} came in last month with a pretty aggressive offer.',
  'How are you different from {competitor}? They pitched something very similar.',
];

export const COMPETITOR_RESPONSES = [
  'We see {competitor} a lot, and the main difference is that we post to {pms} in real time.',
  '{competitor} is a fine payments tool, but they do not do the AI leasing or collections side.',
  'Customers who switched from {competitor} usually tell us the reconciliation was the breaking point.',
];

export const NEXT_STEPS_REP = [
  "I'll send over a proposal by {day} and we can review it together next week.",
  'Next step would be a technical call with your IT team and our {pms} integration lead.',
  "Let's get a pilot scoped for two communities, I'll draft the plan and send it {day}.",
  "I'll follow up with the SOC 2 report and references by {day}.",
  'Can we get thirty minutes on the calendar with your CFO for {day}?',
  "I'll put together the ROI model with your numbers and share it before {day}.",
];

export const NEXT_STEPS_CUSTOMER = [
  'That works, send it over and I will loop in our controller.',
  'Sounds good, {day} should be fine on my end.',
  "Okay, I'll check with the team and confirm the time.",
  'Great, let us do that.',
];

export const CLOSINGS = [
  'Thanks everyone, talk soon.',
  'Appreciate the time today, have a good rest of your week.',
  'Thanks, this was really helpful.',
  'Great, thanks all, bye now.',
];

export const SMALL_TALK = [
  'The weather here has been wild this week.',
  'How did the quarter end up for you guys?',
  'We just opened a new community last month, so it has been a sprint.',
  'Sorry, my dog is barking in the background.',
];

export const FILLERS = ['So, um, ', 'Yeah, so ', 'Right, ', 'Okay so ', 'I mean, ', ''];

/** Customer lines on accounts heading for churn. */
export const NEGATIVE_TONE = [
  "Honestly, we're pretty frustrated, payments didn't post to {pms} again last week.",
  'Our residents keep calling the office because the reminders went out twice.',
  "I'm not sure this is working for us, my team is doing more manual work, not less.",
  "Ownership is asking me why we're paying for this when delinquency hasn't moved.",
  "We've opened three tickets this month and nothing has been fixed.",
  "To be blunt, we're evaluating whether to renew at all.",
  "I've had to escalate this to our VP, and she is not happy.",
  'The last two month-end closes were a mess because of the sync errors.',
];

export const POSITIVE_TONE = [
  'The team is really happy with how smooth month end has been.',
  'Residents love being able to pay with their phone, our office calls dropped a lot.',
  'Delinquency is down a couple of points since we went live.',
  'Honestly it has been one of the easier rollouts we have done.',
];

export const RENEWAL_REP = [
  'I wanted to check in ahead of your renewal and see how things are going across the portfolio.',
  'Looking at your usage, adoption is strongest at the {city} properties.',
  "Let's talk about adding the AI leasing assistant to the communities that aren't on it yet.",
  'I pulled your numbers, collections are up at most properties, but I want to hear it from you.',
];

/** Sentences that are fine under HUD guidance (decoys for a Fair Housing checker). */
export const FAIR_HOUSING_DECOYS = [
  'The two bedroom units have a family room and a master bedroom, which residents love.',
  'There are jogging trails right behind the community and it is a short walk to the bus stop.',
  'Some floor plans even have a mother-in-law suite.',
];

/** Planted Fair Housing risks: phrasing that signals a preference by a protected class (terms from the HUD list). */
export const FAIR_HOUSING_PLANTS: readonly (readonly [text: string, term: string, protectedClass: string])[] =
  [
    [
      "Can the assistant tell prospects it's really an adults only community? That's how we market it.",
      'adults only',
      'familial_status',
    ],
    [
      'For that property we would want the messaging to say no children, it is mostly young professionals.',
      'no children',
      'familial_status',
    ],
    [
      'We usually describe the downtown building as perfect for singles, can the AI say that?',
      'perfect for singles',
      'familial_status',
    ],
    [
      'The leasing team calls it a Christian home kind of community, so keep that in the script.',
      'christian home',
      'religion',
    ],
    [
      "Honestly we'd prefer it not push the units with stairs to anyone who isn't physically fit.",
      'physically fit',
      'disability',
    ],
    [
      "It's an adult building really, so families are not who we're targeting.",
      'adult building',
      'familial_status',
    ],
  ];

export const COLLECTION_AGENT = [
  'Hi, this is {agent} calling from Pay Ready on behalf of {company}.',
  'I am reaching out about the balance on your account at {property}.',
  'Our records show {amount} past due for this month.',
  'Would you be able to make a payment today, or would a payment plan work better?',
  'We can split that into two payments if that helps.',
  'I can send you a secure link by text to pay online.',
  'This is an attempt to collect a debt and any information obtained will be used for that purpose.',
];

export const COLLECTION_RESIDENT = [
  'I know, I get paid on Friday, I can pay then.',
  "I already paid part of it, I don't know why it still shows that.",
  'Can you call me back later? I am at work right now.',
  'A payment plan would help, money is tight this month.',
  'Please stop calling me so much, I said I would pay.',
  "Okay, send me the link and I'll take care of it.",
];

export const INTERNAL_LINES = [
  'Let us go through the pipeline for this week.',
  '{company} is stuck in legal review, I need help from deal desk.',
  'The {pms} sync issue at {company} is still open, support says end of week.',
  'I think we should bring in a solutions engineer for the next call with {company}.',
  'Forecast looks light for the quarter, where can we pull deals in?',
  'Can someone cover my demo on Thursday?',
  'We need to be careful with discounting, margins are getting thin.',
];

export const SLACK_DEAL_UPDATES = [
  'Just got verbal from {company} :tada: paperwork going out today',
  '{company} pushed the decision to next quarter, moving to commit next month',
  'Anyone have a good {pms} reference for {company}? They want to talk to a customer',
  'Heads up: {company} asked for a discount again, looping in deal desk',
  'Demo with {company} went well, they want pricing for {units} units',
  'Lost {company} to {competitor} on price :disappointed:',
];

export const SLACK_ESCALATIONS = [
  ':rotating_light: {company} escalated again, payments are not posting to {pms}',
  '{company} VP emailed our CEO, they are threatening to cancel at renewal',
  'Third ticket this month from {company}, can someone from engineering look at the sync logs?',
  '{company} says residents received duplicate reminders overnight, this is urgent',
  'Renewal risk: {company} is evaluating {competitor}, usage dropped a lot last month',
];

export const SLACK_GENERAL = [
  'Reminder: all-hands at 3pm ET today',
  'Welcome to the team, {name}! :wave:',
  'Who is going to the NMHC conference this year?',
  'Great quarter everyone, drinks on Friday :beers:',
  'The office wifi is down again, working from the cafe',
];

export const SLACK_REPLIES = [
  'On it',
  'Thanks for flagging, looking now',
  'I can jump on a call with them this afternoon',
  'Let us sync after standup',
  ':eyes:',
  'Engineering is aware, fix should ship tomorrow',
];

export const CASE_SUBJECTS = [
  'Payments not posting to {pms} ledger',
  'Duplicate payment reminders sent to residents',
  'Resident unable to complete card payment',
  'AI assistant quoted incorrect move-in special',
  'Month-end reconciliation mismatch',
  'Request to add new community to account',
  'ACH returns not reflected in resident balance',
  'Question about convenience fee configuration',
];

export const ACKNOWLEDGEMENTS = [
  'Got it, that is really common with {pms} portfolios.',
  'That makes sense.',
  "Okay, that's helpful context.",
  'Interesting, we hear that a lot from operators in the {region}.',
  'Right, and that is usually where the manual work piles up.',
  'Understood, thanks for walking me through that.',
  'Yeah, month end is where it always hurts.',
  "That's a great point, let me make a note of it.",
];

export const DEMO_STEPS = [
  'Let me share my screen, you should see the resident dashboard now.',
  'This is what a resident sees when they get the text reminder on the first of the month.',
  'They can pay by card, bank or cash at a retail location, right from this screen.',
  'Here on the manager side you can see every payment post into {pms} with the ledger reference.',
  'This view shows who is late, who is on a payment plan, and who we have already reminded.',
  "Now I'll switch over to the AI leasing assistant.",
  'Here is a real conversation where a prospect asked about pet policy at eleven at night.',
  'You can see the assistant booked the tour and handed it to the leasing agent in the morning.',
  'And this is the reporting, with collections and lead response side by side per community.',
  'Everything here can be filtered by region or by property.',
];

export const DEMO_REACTIONS = [
  'Oh, that is nice.',
  'Can it do that for our affordable properties too?',
  'How long does it take for the payment to show up there?',
  'Our regional managers would love that view.',
  'Okay.',
  'Wait, go back one, what was that column?',
];
