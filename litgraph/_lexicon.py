"""Word lists for concept extraction: what cannot start or end a concept, and what is never one.

Kept in one place so users can see them and extend them through ``stop_concepts``.
"""

from __future__ import annotations

# English stop words: the list of the Glasgow Information Retrieval Group (318 words), the same
# set scikit-learn ships as ENGLISH_STOP_WORDS (a test checks they agree). Kept here so that
# reading and linking papers never has to import scikit-learn.
ENGLISH_STOP_WORDS = frozenset("""
a about above across after afterwards again against all almost alone along already also although always am among
amongst amoungst amount an and another any anyhow anyone anything anyway anywhere are around as at back be became
because become becomes becoming been before beforehand behind being below beside besides between beyond bill both
bottom but by call can cannot cant co con could couldnt cry de describe detail do done down due during each eg eight
either eleven else elsewhere empty enough etc even ever every everyone everything everywhere except few fifteen
fifty fill find fire first five for former formerly forty found four from front full further get give go had has
hasnt have he hence her here hereafter hereby herein hereupon hers herself him himself his how however hundred i ie
if in inc indeed interest into is it its itself keep last latter latterly least less ltd made many may me meanwhile
might mill mine more moreover most mostly move much must my myself name namely neither never nevertheless next nine
no nobody none noone nor not nothing now nowhere of off often on once one only onto or other others otherwise our
ours ourselves out over own part per perhaps please put rather re same see seem seemed seeming seems serious several
she should show side since sincere six sixty so some somehow someone something sometime sometimes somewhere still
such system take ten than that the their them themselves then thence there thereafter thereby therefore therein
thereupon these they thick thin third this those though three through throughout thru thus to together too top
toward towards twelve twenty two un under until up upon us very via was we well were what whatever when whence
whenever where whereafter whereas whereby wherein whereupon wherever whether which while whither who whoever whole
whom whose why will with within without would yet you your yours yourself yourselves
""".split())

# Verbs and fillers of abstracts that split a phrase, like stop words do.
_REPORTING = """
propose proposes proposed proposing present presents presented introduce introduces introduced introducing
show shows showed shown showing demonstrate demonstrates demonstrated demonstrating achieve achieves achieved
achieving use uses used using utilize utilizes utilized utilizing leverage leverages leveraged leveraging
enable enables enabled enabling improve improves improved improving outperform outperforms outperformed
outperforming study studies studied investigate investigates investigated explore explores explored exploring
provide provides provided providing find finds found reveal reveals revealed evaluate evaluates evaluated
evaluating allow allows allowed require requires required requiring make makes made making remain remains
consider considers considered address addresses addressed addressing apply applies applied applying develop
develops developed developing design designs designed obtain obtains obtained perform performs performed
yield yields yielded suggest suggests suggested indicate indicates indicated observe observes observed
capture captures captured aim aims aimed focus focuses focused based compared compare compares comparing
conduct conducts conducted highlight highlights highlighted offer offers offered lead leads led called
known termed named allowing ensuring ensure ensures including include includes included given via versus
across within without toward towards upon whether whereas while thus hence therefore however moreover
furthermore additionally specifically particularly notably importantly finally respectively also often
usually typically generally largely widely highly well even still yet already e.g i.e. et al etc vs
trained can could may might must shall should would will does did done doing has have having had is are was were be
been being get gets got remains help helps helped helping support supports supported supporting contain contains containing involve involves involving hallucinate hallucinates generates generate enhance enhances implement implements insert inserts predict predicts produce produces exhibit exhibits maintain maintains mitigate mitigates reduce reduces increase increases achieve learn learns become becomes became tend tends seem seems
""".split()

STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | frozenset(_REPORTING) - {"of"}

# Words that may sit inside a concept but never start or end one ("novel framework",
# "extensive experiments", "results show").
GENERIC_EDGE = frozenset("""
novel new efficient existing extensive various different previous recent significant several multiple key main current
comprehensive promising superior competitive remarkable impressive substantial strong simple specific particular
diverse effective better best good great high low higher lower large-scale small-scale wide broad common standard
typical traditional conventional prior first second third additional unified general generic powerful robust
scalable practical theoretical empirical experimental preliminary overall potential possible real-world real
numerous many much most more less few fewer certain important crucial critical fundamental challenging difficult
paper work approach approaches method methods framework frameworks result results experiment experiments
performance problem problems task tasks setting settings way ways number numbers set sets range variety term
terms order case cases example examples amount lack fact end study studies technique
techniques strategy strategies solution solutions issue issues challenge challenges ability abilities
capability capabilities question questions insight insights finding findings evidence benchmark benchmarks
dataset datasets baseline baselines improvement improvements gain gains accuracy quality art state-of-the-art
sota type types kind kinds form forms part parts aspect aspects level levels area areas
application applications component components module modules step steps stage stages
property properties behavior behaviors behaviour role roles impact factor factors tool tools
open-source available publicly extent degree manner
""".split())

# Whole phrases that are never concepts even if frequent.
STOP_CONCEPTS = frozenset("""
this paper|we propose|results show|state of the art|extensive experiment|novel framework|large margin|wide range
|recent year|recent work|previous work|prior work|key idea|main idea|future work|code release|empirical result
|experimental result|large amount|small number|large number|significant improvement|real world|paper propose
|project page|technical report|percentage point|source code|code and data|github repository|publicly available
|ablation study|comprehensive evaluation|extensive evaluation|strong baseline|llm based
""".replace("\n", "").split("|"))
