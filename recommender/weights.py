"""The ranking's weights and constants, in one place: what a counsellor or a tuning session changes.

Each is explained where it is used (``recommender/ranking.py`` and ``recommender/signals.py``); the README's
"Recommendation quality" section reports how the figures move with them.
"""

WEIGHTS = {"coverage": 0.25, "level_fit": 0.10, "similarity": 0.20, "focus": 0.25, "audience": 0.15, "subject": 0.05}
SEMANTIC_THRESHOLD = 0.45  # untagged offerings address a gap when retrieved this close to its descriptor
SEMANTIC_WEIGHT = 0.6  # ... and count for this much of a tagged match
UNKNOWN_LEVEL_QUALITY = 0.5
ABOVE_COST = 0.35  # quality lost per level an offering starts above the learner's next level
BELOW_COST = 0.05  # ... and per level it starts below the learner's current level minus one
TOO_ADVANCED_LISTED = 10
TOO_ADVANCED = 3  # an offering starting this many levels above the learner on every gap it addresses is out
PUBLIC_FOR_OTHERS = -0.1  # halfway between open to anyone (0.3) and only for others (-0.5)
DIVERSITY = 0.1
POOL = 3  # the greedy selection looks at the best POOL * k candidates first
PROFILE_SIMILARITY = True
CENTRALITY_FLOOR = 0.7  # a tagged competence the text barely mentions still counts this much
KIND_TEACHES = 0.5  # how much a broad kind or an event (``kind_focus`` < 1) also lowers what it teaches of a gap
PREREQ_STEP_COST = 0.06  # per offering still to take first (at most 4)
SERVED_STEP = 1.0  # how far one item serves its gaps (times its level quality)
