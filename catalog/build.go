package catalog

import (
	"fmt"
	"slices"
	"time"
)

// Text limits. They keep one exercise inside a single Discord embed (description 4,096,
// field value 1,024, 6,000 in all) and every name usable as a choice (100).
const (
	maxNameLen    = 100
	maxSummaryLen = 200
	maxLineLen    = 300 // a step, caution, note or body line
	maxHowToLines = 12  // the lines of an exercise's how-to
	maxCautions   = 8
	maxAliases    = 10
	maxBodyLines  = 8
	maxIDLen      = 64
)

// build validates the merged file data and assembles the catalog. Order matters: sources
// before everything that cites them, safety notes before exercises (which refer to them),
// exercises before the routines that name them.
func build(f *fileData) (*Catalog, error) {
	c := &Catalog{}
	steps := []func() error{
		func() error { return c.setGeneralRule(f.generalRuleAt, f.generalRule) },
		func() error { return c.addSources(f.sources) },
		func() error { return c.addSafety(f.safety) },
		func() error { return c.addTips(f.tips) },
		func() error { return c.addExercises(f.exercises) },
		func() error { return c.addRoutines(f.routines) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *Catalog) setGeneralRule(at place, rule string) error {
	if at.node == nil {
		return fmt.Errorf("%s: general_rule is missing; add one line of the general safety rule", embeddedName)
	}
	if err := checkText(at, "general_rule", "general_rule", rule, maxLineLen); err != nil {
		return err
	}
	c.generalRule = rule
	return nil
}

func (c *Catalog) addSources(es []entry[fileSource]) error {
	for _, e := range es {
		s := e.val
		if err := firstError(
			checkID(e.at, "source", s.ID),
			checkText(e.at, "title", "source "+quote(s.ID)+" title", s.Title, maxNameLen),
		); err != nil {
			return err
		}
		c.sources = append(c.sources, Source{ID: s.ID, Title: s.Title})
	}
	return nil
}

func (c *Catalog) addSafety(es []entry[fileSafety]) error {
	for _, e := range es {
		n := e.val
		what := "safety note " + quote(n.ID)
		if err := firstError(
			checkID(e.at, "safety note", n.ID),
			checkText(e.at, "title", what+" title", n.Title, maxNameLen),
			checkLines(e.at, "body", what+" body", n.Body, maxBodyLines),
			checkOptionalText(e.at, "every_exercise", what+" every_exercise", n.EveryExercise, maxLineLen),
			checkOptionalText(e.at, "caution", what+" caution", n.Caution, maxLineLen),
			c.checkSourceRefs(e.at, what, n.Sources),
		); err != nil {
			return err
		}
		if n.EveryExercise != "" && n.Caution != "" {
			return e.at.fail("caution", "%s applies to every exercise (every_exercise), so no exercise refers to it and its caution would never show; remove one of them", what)
		}
		if n.EveryExercise != "" {
			c.general = append(c.general, n.EveryExercise)
		}
		c.safety = append(c.safety, &SafetyNote{
			ID: n.ID, Title: n.Title, Body: n.Body, EveryExercise: n.EveryExercise, Caution: n.Caution, Sources: n.Sources,
		})
	}
	return nil
}

func (c *Catalog) addTips(es []entry[fileTip]) error {
	if len(es) > MaxChoices {
		return es[MaxChoices].at.fail("id", "there are %d tips but /tips can offer only %d topics; merge some", len(es), MaxChoices)
	}
	items := make([]searchItem, len(es))
	for i, e := range es {
		t := e.val
		what := "tip " + quote(t.ID)
		if err := firstError(
			checkID(e.at, "tip", t.ID),
			checkText(e.at, "title", what+" title", t.Title, maxNameLen),
			checkLines(e.at, "body", what+" body", t.Body, maxBodyLines),
			c.checkSourceRefs(e.at, what, t.Sources),
		); err != nil {
			return err
		}
		c.tips = append(c.tips, &Tip{ID: t.ID, Title: t.Title, Body: t.Body, Sources: t.Sources})
		items[i] = newSearchItem(i, t.ID, t.Title, nil)
	}
	idx, clash, label := newSearchIndex(items)
	if clash >= 0 {
		return es[clash].at.fail("title", "tip %q is named %q like another tip; give it a distinct title", es[clash].val.ID, label)
	}
	c.tipSearch = idx
	return nil
}

func (c *Catalog) addExercises(es []entry[fileExercise]) error {
	items := make([]searchItem, len(es))
	equipment := map[string]bool{}
	for i, e := range es {
		ex, err := c.newExercise(e)
		if err != nil {
			return err
		}
		if err := checkEquipmentFitsChoices(e.at, ex, equipment); err != nil {
			return err
		}
		c.exercises = append(c.exercises, ex)
		items[i] = newSearchItem(i, ex.ID, ex.Name, ex.Aliases)
	}
	idx, clash, label := newSearchIndex(items)
	if clash >= 0 {
		other := c.exercises[idx.items[idx.exact[normalize(label)]].ref]
		return es[clash].at.fail("aliases", "exercise %q answers to %q, which already names exercise %q; remove it from one of them",
			es[clash].val.ID, label, other.ID)
	}
	c.exerciseSearch = idx
	return nil
}

func (c *Catalog) newExercise(e entry[fileExercise]) (*Exercise, error) {
	f := e.val
	what := "exercise " + quote(f.ID)
	if err := firstError(
		checkID(e.at, "exercise", f.ID),
		checkText(e.at, "name", what+" name", f.Name, maxNameLen),
		checkCategory(e.at, what, f.Category),
		checkText(e.at, "summary", what+" summary", f.Summary, maxSummaryLen),
		checkLines(e.at, "steps", what+" steps", f.Steps, maxHowToLines),
		checkOptionalLines(e.at, "aliases", what+" aliases", f.Aliases, maxAliases, maxNameLen),
		checkOptionalLines(e.at, "equipment", what+" equipment", f.Equipment, maxAliases, maxNameLen),
		checkOptionalLines(e.at, "optional_equipment", what+" optional_equipment", f.OptionalEquipment, maxAliases, maxNameLen),
		checkOptionalLines(e.at, "cautions", what+" cautions", f.Cautions, maxCautions, maxLineLen),
		c.checkSourceRefs(e.at, what, f.Sources),
	); err != nil {
		return nil, err
	}
	cautions, refs, err := c.resolveCautions(e.at, what, f.Cautions)
	if err != nil {
		return nil, err
	}
	dosage, err := parseDosages(e.at, what, f.Dosage, f.Sources)
	if err != nil {
		return nil, err
	}
	views, err := parseViews(e.at, what, f.Views, f.Sources)
	if err != nil {
		return nil, err
	}
	return &Exercise{
		ID:                f.ID,
		Name:              f.Name,
		Aliases:           f.Aliases,
		Category:          Category(f.Category),
		Equipment:         f.Equipment,
		OptionalEquipment: f.OptionalEquipment,
		Summary:           f.Summary,
		Steps:             f.Steps,
		Dosage:            dosage,
		Timed:             f.Timed == nil || *f.Timed,
		Cautions:          cautions,
		Safety:            refs,
		Views:             views,
		Sources:           f.Sources,
		operator:          e.at.file != embeddedName,
	}, nil
}

// resolveCautions turns an exercise's cautions list into the lines it shows. An item that is
// a slug refers to a safety note and stands for that note's lines (SafetyNote.Lines); any
// other item is a line of the exercise's own. So a caution shared by several exercises is
// written once, in its note.
func (c *Catalog) resolveCautions(at place, what string, items []string) (lines, refs []string, err error) {
	for i, item := range items {
		if !isSlug(item) {
			lines = append(lines, item)
			continue
		}
		n := c.safetyNote(item)
		switch {
		case n == nil:
			return nil, nil, at.failItem("cautions", i, "%s caution %d refers to safety note %q, which does not exist; add it under safety or fix the id", what, i+1, item)
		case n.EveryExercise != "":
			return nil, nil, at.failItem("cautions", i, "%s caution %d refers to safety note %q, which applies to every exercise already; remove it here", what, i+1, item)
		case slices.Contains(refs, item):
			return nil, nil, at.failItem("cautions", i, "%s refers to safety note %q twice; remove one", what, item)
		}
		refs = append(refs, item)
		lines = append(lines, n.Lines()...)
	}
	if len(lines) > maxCautions {
		return nil, nil, at.fail("cautions", "%s has %d caution lines with its safety notes; keep it to %d", what, len(lines), maxCautions)
	}
	return lines, refs, nil
}

func (c *Catalog) safetyNote(id string) *SafetyNote {
	for _, n := range c.safety {
		if n.ID == id {
			return n
		}
	}
	return nil
}

// parseViews reads what each source says of an exercise; each must cite one of the
// exercise's sources.
func parseViews(at place, what string, fs []fileView, sources []string) ([]View, error) {
	out := make([]View, len(fs))
	for i, f := range fs {
		vat := at.sub("views", i)
		vwhat := fmt.Sprintf("%s view %d", what, i+1)
		if err := checkText(vat, "text", vwhat+" text", f.Text, maxLineLen); err != nil {
			return nil, err
		}
		if !slices.Contains(sources, f.Source) {
			return nil, vat.fail("source", "%s names source %q, which is not in the exercise's sources; add it there or fix the id", vwhat, f.Source)
		}
		out[i] = View{Source: f.Source, Text: f.Text}
	}
	return out, nil
}

func parseDosages(at place, what string, fs []fileDosage, sources []string) ([]Dosage, error) {
	out := make([]Dosage, len(fs))
	for i, f := range fs {
		d, err := parseDosage(at.sub("dosage", i), fmt.Sprintf("%s dosage %d", what, i+1), f, sources)
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}

// parseDosage reads one source's figures and checks them against the same limits routines
// obey, so any figure a source gives can be used as a routine step as it stands.
func parseDosage(at place, what string, f fileDosage, sources []string) (Dosage, error) {
	if f.Source == "" {
		return Dosage{}, at.fail("source", "%s has no source; name the text these figures come from", what)
	}
	if !slices.Contains(sources, f.Source) {
		return Dosage{}, at.fail("source", "%s names source %q, which is not in the exercise's sources; add it there or fix the id", what, f.Source)
	}
	d := Dosage{Source: f.Source, Note: f.Note}
	var err error
	parseDur := func(key, value string, minimum, maximum time.Duration) DurationRange {
		if err != nil || value == "" {
			return DurationRange{}
		}
		r, perr := parseDurationRange(value)
		switch {
		case perr != nil:
			err = at.fail(key, "%s %s: %v", what, key, perr)
		case r.Min < minimum || r.Max > maximum:
			err = at.fail(key, "%s %s %s is outside %s to %s", what, key, value, FormatDuration(minimum), FormatDuration(maximum))
		}
		return r
	}
	parseCount := func(key, value string) CountRange {
		if err != nil || value == "" {
			return CountRange{}
		}
		r, perr := parseCountRange(value)
		switch {
		case perr != nil:
			err = at.fail(key, "%s %s: %v", what, key, perr)
		case r.Min < MinReps || r.Max > MaxReps:
			err = at.fail(key, "%s %s %s is outside %d to %d", what, key, value, MinReps, MaxReps)
		}
		return r
	}
	d.Hold = parseDur("hold", f.Hold, MinHold, MaxHold)
	d.Rest = parseDur("rest", f.Rest, 0, MaxRest)
	d.Total = parseDur("total", f.Total, MinHold, maxTotal)
	d.Reps = parseCount("reps", f.Reps)
	d.Sets = parseCount("sets", f.Sets)
	if err == nil {
		err = checkOptionalText(at, "note", what+" note", f.Note, maxLineLen)
	}
	if err == nil && d.String() == "" {
		err = at.fail("source", "%s gives no hold, reps, sets, rest or note; fill one in or remove it", what)
	}
	return d, err
}

func (c *Catalog) addRoutines(es []entry[fileRoutine]) error {
	items := make([]searchItem, len(es))
	for i, e := range es {
		r, err := c.newRoutine(e)
		if err != nil {
			return err
		}
		c.routines = append(c.routines, r)
		items[i] = newSearchItem(i, r.ID, r.Name, nil)
	}
	idx, clash, label := newSearchIndex(items)
	if clash >= 0 {
		return es[clash].at.fail("name", "routine %q is named %q like another routine; give it a distinct name", es[clash].val.ID, label)
	}
	c.routineSearch = idx
	return nil
}

func (c *Catalog) newRoutine(e entry[fileRoutine]) (*Routine, error) {
	f := e.val
	what := "routine " + quote(f.ID)
	if err := firstError(
		checkID(e.at, "routine", f.ID),
		checkText(e.at, "name", what+" name", f.Name, maxNameLen),
		checkText(e.at, "description", what+" description", f.Description, maxLineLen),
		checkLines(e.at, "steps", what+" steps", f.Steps, MaxRoutineSteps),
	); err != nil {
		return nil, err
	}
	r := &Routine{ID: f.ID, Name: f.Name, Description: f.Description}
	for i, text := range f.Steps {
		step, err := parseStep(text, c)
		if err != nil {
			return nil, e.at.failItem("steps", i, "%s step %d: %v", what, i+1, err)
		}
		r.Steps = append(r.Steps, step)
	}
	// The same limits as /routine create, so no edit can take a built-in routine beyond
	// what the sources give.
	if i, err := checkRoutineTotals(r.Steps, c); err != nil {
		return nil, e.at.failItem("steps", i, "%s step %d: %v", what, i+1, err)
	}
	return r, nil
}
