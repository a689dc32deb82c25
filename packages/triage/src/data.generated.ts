// Generated from data/ by scripts/build-data.ts: edit the .tsv files, then run pnpm --filter @parley/triage data.
export const DATA_FILES: Record<string, string> = {
  'emoji.tsv': `# Emoji and text faces, for every language. emoji	score
😊	2
😀	2
😃	2
😄	2
😁	2
🙂	1
😍	3
🥰	3
😘	2
❤	2
💕	2
💖	2
👍	2
👌	2
👏	2
🙏	1
🎉	2
⭐	1
🤩	3
:)	1
:d	2
;)	1
😞	-2
😟	-2
😕	-1
🙁	-2
☹	-2
😢	-2
😭	-3
😠	-3
😡	-3
🤬	-3
👎	-2
💩	-3
😤	-2
🤮	-3
😩	-2
😫	-2
🤦	-2
:(	-2
`,
  'en/intent.tsv': `# English intent rules: a message is about the intent with most matching terms. intent	term
complaint	complaint
complaint	complain*
complaint	consumer protection
complaint	report you
complaint	lawyer
complaint	scam
complaint	unacceptable
complaint	chargeback
delivery	deliver*
delivery	shipping
delivery	ship
delivery	courier
delivery	parcel
delivery	package
delivery	tracking
delivery	arrived
delivery	damaged
delivery	broken
delivery	address
delivery	postcode
delivery	pick up
refund	refund*
refund	return*
refund	money back
refund	exchange
refund	send it back
refund	sent the item back
payment	payment
payment	paid
payment	pay
payment	charged
payment	card
payment	invoice
payment	vat
payment	installments
payment	cash on delivery
payment	bank
order-status	order status
order-status	where is my order
order-status	status of order
order-status	my order
order-status	order history
order-status	cancel my order
order-status	cancel it
discount	discount*
discount	coupon
discount	promo*
discount	voucher
discount	sale
discount	gift card
discount	code
account	account
account	password
account	log in
account	login
account	sign in
account	newsletter
account	unsubscribe
account	email address
product	size*
product	stock
product	colour
product	color
product	material
product	waterproof
product	warranty
product	manual
product	dimensions
product	fit
product	in red
product	come with
`,
  'en/modifiers.tsv': `# Words that change the sentiment words near them. kind	term
# negator: the next sentiment word within three words, in its clause, is negated.
negator	not
negator	no
negator	never
negator	dont
negator	doesnt
negator	didnt
negator	isnt
negator	wasnt
negator	arent
negator	werent
negator	havent
negator	hasnt
negator	hadnt
negator	wont
negator	cant
negator	cannot
negator	couldnt
negator	wouldnt
negator	nobody
negator	nothing
negator	without
negator	neither
negator	nor
# intensifier: the nearest sentiment word in its clause counts one more.
intensifier	very
intensifier	really
intensifier	so
intensifier	too
intensifier	way too
intensifier	extremely
intensifier	totally
intensifier	completely
intensifier	absolutely
intensifier	super
intensifier	incredibly
intensifier	at all
intensifier	such
intensifier	much
intensifier	so much
intensifier	highly
intensifier	truly
# contrast: a new clause starts ("thanks, but …").
contrast	but
contrast	however
contrast	although
contrast	though
`,
  'en/sentiment.tsv': `# English sentiment words and phrases for shop support. term	score	[score when negated]
# A phrase is words separated by spaces; word* matches any word that starts so; =word matches only that word.
# Delivery
late	-2
delayed	-2
delay*	-2
lost	-2
missing	-2
never arrived	-3
never came	-3
still hasnt arrived	-3
still not arrived	-3
still havent received	-3
still waiting	-2
still no	-2
still nothing	-2
waiting forever	-3
arrived	0	-2
received	0	-2
delivered	0	-2
came	0	-2
got	0	-2
showed up	0	-2
come through	0	-2
supposed to	-1
wrong address	-2
left at the wrong	-2
# Damage and quality
damaged	-2
broken	-2
broke	-2
shatter*	-2
crushed	-2
scratch*	-2
dent*	-1
defective	-3
faulty	-3
fell apart	-3
falls apart	-3
torn	-2
ripped	-2
stain*	-2
dirty	-2
used product	-2
poor quality	-3
bad quality	-3
low quality	-2
cheap plastic	-2
junk	-3
rubbish	-3
garbage	-3
crap	-3
useless	-3
disgusting	-3
wrong item	-2
wrong size	-2
wrong colour	-2
wrong color	-2
wrong	-1
work*	0	-2
wet	-1
soaked	-2
# Money
refund	0
money back	-1
charged twice	-3
double charged	-3
overcharged	-3
charged me	-1
expensive	-2
overpriced	-3
rip off	-3
ripoff	-3
scam	-3
fraud	-3
chargeback	-3
dispute	-2
report you	-3
consumer protection	-3
lawyer	-3
# Service
unacceptable	-3
ridiculous	-3
joke	-2
disgrace	-3
horrible	-3
terrible	-3
awful	-3
worst	-3
bad	-2
poor	-2
rude	-2
ignor*	-2
annoy*	-2
frustrat*	-2
disappoint*	-3
angry	-3
furious	-3
upset	-2
fed up	-3
sick of	-3
regret	-2
unbelievable	-2
nightmare	-3
never again	-3
never ordering	-3
dont bother	-3
waste	-2
complain*	-2
problem	-1
issue	-1
cancelled	-1
failed	-2
crash*	-2
hate	-3
# Thanks and praise
thanks	2
thx	2
thank you	2
thanks in advance	0
thanks for nothing	-3
cheers	1
appreciate*	2
great	2
good	1
=good morning	0
=good afternoon	0
=good evening	0
nice	2
excellent	3
perfect*	3
amazing	3
awesome	3
fantastic	3
brilliant	3
wonderful	3
gorgeous	3
beautiful	2
lovely	2
love	3
happy	2	-2
=pleased	2	-2
satisfied	2	-2
delighted	3
helpful	2	-2
kind	2
quick	1
fast	1
early	1
on time	1
safely	1
well packed	2
recommend	2
fine	1
works great	3
solved	2
sorted	2
fixed	1
best	2
fair	1
glad	2
wow	2
complaints	-1	1
no complaints	2
all good	2
good job	3
great job	3
made my day	3
`,
  'en/suffixes.tsv': `# Endings light stemming strips (at most one, the longest, leaving three letters), folded.
s
es
ed
ing
ly
e
y
ies
`,
  'pl/intent.tsv': `# Polish intent rules: a message is about the intent with most matching terms. intent	term
complaint	reklamacj*
complaint	uokik
complaint	rzecznik*
complaint	prawnik*
complaint	oszust*
complaint	niedopuszczaln*
complaint	chargeback
delivery	dostaw*
delivery	dostarcz*
delivery	wysył*
delivery	wysyła*
delivery	kurier*
delivery	paczk*
delivery	przesyłk*
delivery	śledzeni*
delivery	dotarł*
delivery	adres*
delivery	kod pocztowy
delivery	odebrać
delivery	numer nadania
refund	zwrot*
refund	zwróci*
refund	odesła*
refund	pieniądze z powrotem
refund	oddają pieniędzy
refund	wymienić
refund	wymian*
payment	płatnoś*
payment	płaci*
payment	zapłaci*
payment	zapłac*
payment	pobra*
payment	kart*
payment	faktur*
payment	vat
payment	nip
payment	rat*
payment	przy odbiorze
payment	bank*
order-status	status zamówienia
order-status	moje zamówienie
order-status	historię zamówień
order-status	anulujcie zamówienie
order-status	anulować
discount	rabat*
discount	zniżk*
discount	promocj*
discount	kupon*
discount	kod rabatowy
discount	karty podarunkowej
discount	wyprzedaż*
account	kont*
account	hasł*
account	zalogować
account	logowani*
account	newsletter*
account	wypisać
product	rozmiar*
product	sprzedaży
product	dostępny
product	kolor*
product	materiał*
product	wodoodporn*
product	gwarancj*
product	instrukcj*
product	wymiar*
product	pasuje
product	w zestawie
`,
  'pl/modifiers.tsv': `# Words that change the sentiment words near them. kind	term
# negator: the next sentiment word within three words, in its clause, is negated.
negator	nie
negator	nigdy
negator	nikt
negator	nic
negator	żaden
negator	żadnego
negator	bez
negator	ani
# intensifier: the nearest sentiment word in its clause counts one more.
intensifier	bardzo
intensifier	strasznie
intensifier	okropnie
intensifier	zbyt
intensifier	za
intensifier	całkowicie
intensifier	kompletnie
intensifier	totalnie
intensifier	zupełnie
intensifier	wcale
intensifier	w ogóle
intensifier	naprawdę
intensifier	tak
intensifier	wielkie
intensifier	najbardziej
# contrast: a new clause starts ("dzięki, ale …").
contrast	ale
contrast	jednak
contrast	lecz
contrast	natomiast
`,
  'pl/sentiment.tsv': `# Polish sentiment words and phrases for shop support. term	score	[score when negated]
# A phrase is words separated by spaces; word* matches any word that starts so; =word matches only that word.
# Diacritics are optional in messages: "dziekuje" matches "dziękuję".
# Dostawa
spóźni*	-2
opóźni*	-2
zgubi*	-2
zaginę*	-2
brakuje	-2
brak	-1
dotarł*	0	-2
doszł*	0	-2
przyszł*	0	-2
dostał*	0	-2
otrzyma*	0	-2
przyjecha*	0	-2
nadal	-1
dalej czekam	-2
wciąż czekam	-2
czekam od	-2
czekam	-1
miała być	-1
złym adresem	-2
zły adres	-2
# Uszkodzenia i jakość
uszkodz*	-3
zepsu*	-3
zniszcz*	-3
rozbit*	-2
roztrzask*	-2
pęknięt*	-2
połaman*	-2
porysowan*	-2
rys*	-2
brudn*	-2
wadliw*	-3
wada	-2
rozpadł*	-3
mokr*	-1
używan*	-1
tandet*	-3
bubel	-3
badziew*	-3
słab*	-2
zła jakość	-3
kiepsk*	-2
beznadziej*	-3
bezużyteczn*	-3
obrzydliw*	-3
zły	-2
zła	-2
źle	-2
zły produkt	-2
zły rozmiar	-2
zły kolor	-2
działa	0	-2
działają	0	-2
włącza	0	-2
# Pieniądze
pieniądze z powrotem	-1
oddają pieniędzy	0	-2
dwa razy	-2
drogo	-2
zdzierstwo	-3
oszust*	-3
oszuka*	-3
naciąg*	-3
chargeback	-3
uokik	-3
rzecznik*	-3
prawnik*	-3
reklamacj*	-1
# Obsługa
niedopuszczaln*	-3
skandal*	-3
żenad*	-3
kpina	-3
śmieszne	-2
masakra	-3
tragedi*	-3
tragiczn*	-3
okropn*	-3
fataln*	-3
najgorsz*	-3
niemił*	-2
niegrzeczn*	-2
ignoruj*	-2
irytując*	-2
wściek*	-3
zły na	-2
jestem zły	-3
jestem zła	-3
rozczarowan*	-3
zawiedzion*	-3
mam dość	-3
żałuję	-2
niewiarygodne	-1
nigdy więcej	-3
nie zamawiajcie	-3
nie polecam	-3
problem	-1
anulowane	-1
anulowaliście	-1
nie powiodła	-2
zawiesza	-2
nienawidzę	-3
# Podziękowania i pochwały
dziękuję	2
dziękujemy	2
dzięki	2
dzięks	2
z góry dziękuję	0
z góry dzięki	0
super	2
świetn*	3
rewelac*	3
doskonał*	3
idealn*	3
wspaniał*	3
fantastycz*	3
cudown*	3
pięknie	2
piękn*	2
miła	2
miłego dnia	1
=dobry	1
=dobra	1
=dobrze	1
dzień dobry	0
dobry wieczór	0
dobra robota	3
polecam	2
uwielbiam	3
zachwycon*	3
zadowolon*	2	-2
pomocn*	2	-2
pomogliście	2
pomógł	2
szybk*	1
szybko	1
na czas	1
wcześniej	1
bezpiecznie	1
dobrze zapakowane	2
rozwiązany	2
załatwione	2
naprawiliście	2
najlepsi	3
najlepszy	3
uczciw*	1
doceniam	2
brawo	2
wow	2
w porządku	1
wszystko gra	2
zastrzeżeń	-1	2
`,
  'pl/suffixes.tsv': `# Endings light stemming strips (at most one, the longest, leaving three letters), folded.
ego
emu
ymi
ami
ach
ych
ow
om
ie
y
a
e
i
o
u
`,
  'ro/intent.tsv': `# Romanian intent rules: a message is about the intent with most matching terms. intent	term
complaint	reclam*
complaint	anpc
complaint	protecția consumatorului
complaint	avocat
complaint	țeapă
complaint	inacceptabil
complaint	chargeback
delivery	livr*
delivery	curier*
delivery	colet*
delivery	transport*
delivery	expedi*
delivery	awb
delivery	ajuns
delivery	ajungă
delivery	adresa
delivery	deteriorat
delivery	cod poștal
delivery	ridica
refund	retur*
refund	returnez
refund	returna*
refund	banii înapoi
refund	rambursa*
refund	la schimb
refund	înapoi
payment	plat*
payment	card*
payment	factur*
payment	tva
payment	rate
payment	taxat
payment	bancă
payment	luat banii
order-status	comanda mea
order-status	comenzii
order-status	statusul
order-status	istoricul comenzilor
order-status	anulați comanda
order-status	anula
discount	reducer*
discount	cupon*
discount	promoți*
discount	voucher
discount	card cadou
discount	cod
account	cont*
account	parol*
account	loga
account	logare
account	autentific*
account	newsletter
account	dezabonez
product	mărim*
product	stoc
product	culoare
product	material
product	impermeabil*
product	garanți*
product	manual*
product	dimensiun*
product	potrivește
product	model*
payment	=ramburs
`,
  'ro/modifiers.tsv': `# Words that change the sentiment words near them. kind	term
# negator: the next sentiment word within three words, in its clause, is negated.
negator	nu
negator	n
negator	nici
negator	niciodată
negator	nimeni
negator	nimic
negator	niciun
negator	nicio
negator	fără
# intensifier: the nearest sentiment word in its clause counts one more.
intensifier	foarte
intensifier	prea
intensifier	extrem
intensifier	extrem de
intensifier	total
intensifier	complet
intensifier	absolut
intensifier	atât de
intensifier	așa de
intensifier	deloc
intensifier	chiar
intensifier	mult
intensifier	tare
intensifier	cel mai
# contrast: a new clause starts ("mersi, dar …").
contrast	dar
contrast	însă
contrast	totuși
contrast	iar
`,
  'ro/sentiment.tsv': `# Romanian sentiment words and phrases for shop support. term	score	[score when negated]
# A phrase is words separated by spaces; word* matches any word that starts so; =word matches only that word.
# Diacritics are optional in messages: "multumesc" matches "mulțumesc".
# Livrare
întârzi*	-2
întârziere	-2
pierdut	-2
lipsă	-2
lipsesc	-2
ajuns	0	-2
primit	0	-2
venit	0	-2
livrat	0	-2
sosit	0	-2
nici acum	-2
încă aștept	-2
aștept de	-2
tot aștept	-2
stat degeaba	-2
degeaba	-2
trebuia să ajungă	-2
altă adresă	-2
adresă greșită	-2
# Deteriorări și calitate
deteriorat*	-3
stricat*	-3
spart*	-2
rupt*	-2
zgâri*	-2
murdar*	-2
defect*	-3
ud	-1
folosit	-1
calitate proastă	-3
proastă calitate	-3
calitate slabă	-3
slab*	-2
ieftin	-1
execrabil*	-3
mizerie	-3
gunoi	-3
inutil*	-3
dezgustător	-3
greșit*	-2
alt produs	-2
merge	0	-2
funcționează	0	-2
pornește	0	-2
# Bani
banii înapoi	-1
luat banii	-2
de două ori	-2
taxat	-1
scump*	-2
hoție	-3
țeapă	-3
țepari	-3
escrocherie	-3
înșelătorie	-3
fraud*	-3
chargeback	-3
contest plata	-3
anpc	-3
protecția consumatorului	-3
reclam*	-3
avocat	-3
# Servicii
inacceptabil	-3
inadmisibil	-3
ridicol	-3
bătaie de joc	-3
rușine	-3
rușinos	-3
oribil*	-3
groaznic*	-3
îngrozitor*	-3
dezastru*	-3
jalnic*	-3
penibil*	-3
=prost	-2
=proastă	-2
=proaste	-2
=proști	-2
cel mai prost	-3
rău	-2
rea	-2
nepoliticos	-2
ignor*	-2
enervant*	-2
enervat*	-2
nervos	-2
nervoasă	-2
supărat*	-2
furios	-3
dezamăgi*	-3
m-am săturat	-3
nu mai am răbdare	-3
regret	-2
incredibil	-1
nu mai comand	-3
nu comandați	-3
problemă	-1
anulat*	-1
eșuat	-2
blochează	-2
urăsc	-3
# Mulțumiri și laude
mulțumesc	2
mulțumim	2
mulțumiri	2
mersi	2
mulțumesc anticipat	0
apreciez	2
super	2
bravo	2
grozav	2
excelent*	3
perfect*	3
minunat*	3
fantastic*	3
superb*	3
frumos	2
frumoasă	2
drăguț*	2
amabil*	2
=bun	1
=buni	1
=bune	1
bine	1
bună ziua	0
bună seara	0
o zi bună	1
îmi place	2
ador	3
încântat*	3
mulțumit	2	-2
recomand	2
rapid*	1
repede	1
la timp	1
ambalat bine	2
bine ambalat	2
în siguranță	1
rezolvat	2
cel mai bun	3
corect	1
ajutor	1
de mare ajutor	3
nota 10	3
treabă bună	3
wow	2
reclamație	-2	1
nicio reclamație	2
la nebunie	3
`,
  'ro/suffixes.tsv': `# Endings light stemming strips (at most one, the longest, leaving three letters), folded.
ului
ilor
elor
ul
le
lor
ii
ei
a
e
i
u
`,
};
