package commands

// What members type for a time zone besides the zone database's own names: cities the
// database does not name, abbreviations, and the fixed zones that are easy to pick by
// mistake. Map keys are folded with zoneWords ("pst"). Keep the tables short
// and well known: the autocomplete finds every other city by its zone's name.

// cityZones are well-known cities that are not the last part of a zone name, with the
// zone they keep time by, in the order autocomplete lists them among equals.
var cityZones = []cityZone{
	{"San Francisco", "America/Los_Angeles"},
	{"Seattle", "America/Los_Angeles"},
	{"San Diego", "America/Los_Angeles"},
	{"Las Vegas", "America/Los_Angeles"},
	{"Boston", "America/New_York"},
	{"Washington", "America/New_York"},
	{"Washington, D.C.", "America/New_York"},
	{"Philadelphia", "America/New_York"},
	{"Atlanta", "America/New_York"},
	{"Miami", "America/New_York"},
	{"Montreal", "America/Toronto"},
	{"Ottawa", "America/Toronto"},
	{"Dallas", "America/Chicago"},
	{"Houston", "America/Chicago"},
	{"Austin", "America/Chicago"},
	{"Calgary", "America/Edmonton"},
	{"Rio de Janeiro", "America/Sao_Paulo"},
	{"Munich", "Europe/Berlin"},
	{"Frankfurt", "Europe/Berlin"},
	{"Hamburg", "Europe/Berlin"},
	{"Cologne", "Europe/Berlin"},
	{"Milan", "Europe/Rome"},
	{"Barcelona", "Europe/Madrid"},
	{"Geneva", "Europe/Zurich"},
	{"Manchester", "Europe/London"},
	{"Edinburgh", "Europe/London"},
	{"St. Petersburg", "Europe/Moscow"},
	{"Delhi", "Asia/Kolkata"},
	{"New Delhi", "Asia/Kolkata"},
	{"Mumbai", "Asia/Kolkata"},
	{"Bangalore", "Asia/Kolkata"},
	{"Bengaluru", "Asia/Kolkata"},
	{"Chennai", "Asia/Kolkata"},
	{"Beijing", "Asia/Shanghai"},
	{"Shenzhen", "Asia/Shanghai"},
	{"Osaka", "Asia/Tokyo"},
	{"Kyoto", "Asia/Tokyo"},
	{"Canberra", "Australia/Sydney"},
	{"Wellington", "Pacific/Auckland"},
	{"Cape Town", "Africa/Johannesburg"},
}

// abbreviationZones are time zone abbreviations that name one zone's time, standard and
// summer alike: "PST" in July still means Pacific time, which the zone follows.
var abbreviationZones = map[string]string{
	"pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "pt": "America/Los_Angeles",
	"et": "America/New_York", "edt": "America/New_York",
	"cdt": "America/Chicago", "ct": "America/Chicago",
	"mdt": "America/Denver", "mt": "America/Denver",
	"akst": "America/Anchorage", "akdt": "America/Anchorage",
	"hst": "Pacific/Honolulu",
	"cet": "Europe/Berlin", "cest": "Europe/Berlin",
	"eet": "Europe/Athens", "eest": "Europe/Athens",
	"wet": "Europe/Lisbon",
	"msk": "Europe/Moscow",
	"jst": "Asia/Tokyo", "kst": "Asia/Seoul",
	"sgt": "Asia/Singapore", "hkt": "Asia/Hong_Kong",
	"aedt": "Australia/Sydney",
	"nzst": "Pacific/Auckland", "nzdt": "Pacific/Auckland",
	"utc": "UTC", "z": "UTC", "zulu": "UTC",
}

// cityZone is an entry of cityZones.
type cityZone struct{ city, zone string }

// fixedZones are names the zone database has for an offset that never changes, which
// people type meaning a place that does change its clocks in summer. They are accepted
// (they are what was asked for) with a note naming the zone usually meant.
var fixedZones = map[string]fixedZone{
	"est": {name: "EST", usual: "America/New_York", hint: "New York and Toronto move their clocks in summer: for them, pick America/New_York."},
	"mst": {name: "MST", usual: "America/Denver", hint: "Denver and Calgary move their clocks in summer: for them, pick America/Denver (Arizona keeps MST all year: America/Phoenix)."},
	"gmt": {name: "GMT", usual: "Europe/London", hint: "The UK moves to British Summer Time: for it, pick Europe/London."},
}

// fixedZone is an entry of fixedZones.
type fixedZone struct {
	name  string // as the zone database spells it
	usual string // the zone people usually mean by it
	hint  string // one sentence: who keeps the usual zone's time, and to pick it
}

// ambiguousZones are abbreviations that mean different times in different places: they
// are refused, naming the zones they may mean.
var ambiguousZones = map[string]ambiguousZone{
	"ist":  {meaning: "India, Irish or Israel Standard Time", zones: []string{"Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"}},
	"cst":  {meaning: "US Central or China Standard Time", zones: []string{"America/Chicago", "Asia/Shanghai"}},
	"bst":  {meaning: "British Summer Time or Bangladesh Standard Time", zones: []string{"Europe/London", "Asia/Dhaka"}},
	"ast":  {meaning: "Atlantic or Arabia Standard Time", zones: []string{"America/Halifax", "Asia/Riyadh"}},
	"aest": {meaning: "Sydney's time, which changes for summer, or Brisbane's, which does not", zones: []string{"Australia/Sydney", "Australia/Brisbane"}},
}

// ambiguousZone is an entry of ambiguousZones.
type ambiguousZone struct {
	meaning string
	zones   []string
}

// wellKnownZones are the zones named first when a note suggests cities at an offset.
var wellKnownZones = []string{
	"America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York", "America/Halifax",
	"America/Sao_Paulo", "Europe/London", "Europe/Berlin", "Europe/Paris", "Europe/Athens", "Europe/Kyiv",
	"Africa/Cairo", "Asia/Jerusalem", "Europe/Moscow", "Asia/Dubai", "Asia/Kolkata", "Asia/Shanghai",
	"Asia/Tokyo", "Australia/Adelaide", "Australia/Sydney", "Pacific/Auckland",
}
