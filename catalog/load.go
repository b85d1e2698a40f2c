package catalog

import (
	_ "embed"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// embeddedYAML is the built-in catalog. It is the package's only global: data compiled in.
//
//go:embed data/catalog.yaml
var embeddedYAML []byte

// embeddedName names the built-in file in error messages.
const embeddedName = "catalog/data/catalog.yaml"

// Load parses and validates the built-in catalog and, when extraPath is not empty, the
// operator's file at extraPath, which has the same shape: its sources, exercises, routines,
// tips and safety notes are added, and any whose id already exists replaces the built-in one
// in place. Everything is checked once, here; a problem returns an error of the form
// "file:line: reason" naming what to fix, and no catalog.
func Load(extraPath string) (*Catalog, error) {
	f, err := decodeFile(embeddedName, embeddedYAML)
	if err != nil {
		return nil, err
	}
	if extraPath != "" {
		data, err := os.ReadFile(extraPath)
		if err != nil {
			return nil, fmt.Errorf("read the extra catalog file: %w", err)
		}
		extra, err := decodeFile(extraPath, data)
		if err != nil {
			return nil, err
		}
		f.overrideWith(extra)
	}
	return build(f)
}

// The file format. Every leaf is a string (or timed's bool) so that checkShape can vouch for
// the decode; durations and counts are parsed during validation, where the line is known.
type (
	fileTop struct {
		GeneralRule string         `yaml:"general_rule"` // one line, shown with every session step
		Sources     []fileSource   `yaml:"sources"`
		Safety      []fileSafety   `yaml:"safety"`
		Tips        []fileTip      `yaml:"tips"`
		Exercises   []fileExercise `yaml:"exercises"`
		Routines    []fileRoutine  `yaml:"routines"`
	}
	fileSource struct {
		ID    string `yaml:"id"`
		Title string `yaml:"title"`
	}
	fileSafety struct {
		ID            string   `yaml:"id"`
		Title         string   `yaml:"title"`
		Body          []string `yaml:"body"`
		EveryExercise string   `yaml:"every_exercise"`
		Caution       string   `yaml:"caution"` // shown with exercises that refer to the note
		Sources       []string `yaml:"sources"`
	}
	fileTip struct {
		ID      string   `yaml:"id"`
		Title   string   `yaml:"title"`
		Body    []string `yaml:"body"`
		Sources []string `yaml:"sources"`
	}
	fileExercise struct {
		ID                string       `yaml:"id"`
		Name              string       `yaml:"name"`
		Aliases           []string     `yaml:"aliases"`
		Category          string       `yaml:"category"`
		Equipment         []string     `yaml:"equipment"`
		OptionalEquipment []string     `yaml:"optional_equipment"`
		Summary           string       `yaml:"summary"`
		Steps             []string     `yaml:"steps"`
		Dosage            []fileDosage `yaml:"dosage"`
		Cautions          []string     `yaml:"cautions"` // safety note ids, then lines of its own
		Views             []fileView   `yaml:"views"`
		Timed             *bool        `yaml:"timed"` // absent means true
		Sources           []string     `yaml:"sources"`
	}
	fileDosage struct {
		Source string `yaml:"source"`
		Hold   string `yaml:"hold"`
		Reps   string `yaml:"reps"`
		Sets   string `yaml:"sets"`
		Rest   string `yaml:"rest"`
		Total  string `yaml:"total"`
		Note   string `yaml:"note"`
	}
	fileView struct {
		Source string `yaml:"source"`
		Text   string `yaml:"text"`
	}
	fileRoutine struct {
		ID          string   `yaml:"id"`
		Name        string   `yaml:"name"`
		Description string   `yaml:"description"`
		Steps       []string `yaml:"steps"` // in the /routine create step syntax
	}
)

func (s fileSource) identity() string   { return s.ID }
func (s fileSafety) identity() string   { return s.ID }
func (t fileTip) identity() string      { return t.ID }
func (e fileExercise) identity() string { return e.ID }
func (r fileRoutine) identity() string  { return r.ID }

// identified is a file entry with an id, which overrides match on.
type identified interface{ identity() string }

// entry is one decoded list item and where it was written.
type entry[T identified] struct {
	val T
	at  place
}

// place is a mapping node in a named file; it turns problems into "file:line: reason".
type place struct {
	file string
	node *yaml.Node
}

// fail reports a problem with the value under key, at that key's line (the entry's own
// line when the key is absent).
func (p place) fail(key, format string, args ...any) error {
	line := p.node.Line
	if k := p.key(key); k != nil {
		line = k.Line
	}
	return p.failAt(line, format, args...)
}

// failItem reports a problem with item i of the list under key, at that item's line.
func (p place) failItem(key string, i int, format string, args ...any) error {
	if v := p.value(key); v != nil && i < len(v.Content) {
		return p.failAt(v.Content[i].Line, format, args...)
	}
	return p.fail(key, format, args...)
}

func (p place) failAt(line int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.file, line, fmt.Sprintf(format, args...))
}

// key returns the key node named key in the mapping, or nil.
func (p place) key(key string) *yaml.Node {
	for i := 0; i+1 < len(p.node.Content); i += 2 {
		if p.node.Content[i].Value == key {
			return p.node.Content[i]
		}
	}
	return nil
}

// value returns the value node under key, or nil.
func (p place) value(key string) *yaml.Node {
	for i := 0; i+1 < len(p.node.Content); i += 2 {
		if p.node.Content[i].Value == key {
			return resolveAlias(p.node.Content[i+1])
		}
	}
	return nil
}

// sub is the place of a nested mapping: item i of the list under key.
func (p place) sub(key string, i int) place {
	return place{file: p.file, node: resolveAlias(p.value(key).Content[i])}
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode {
		return n.Alias
	}
	return n
}

// fileData is one decoded file, section by section.
type fileData struct {
	generalRule   string
	generalRuleAt place // the file's root mapping
	sources       []entry[fileSource]
	safety        []entry[fileSafety]
	tips          []entry[fileTip]
	exercises     []entry[fileExercise]
	routines      []entry[fileRoutine]
}

// decodeFile parses one catalog file, checks its shape (no unknown keys, right kinds of
// values) and that no id repeats within a section.
func decodeFile(name string, data []byte) (*fileData, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, syntaxError(name, err)
	}
	if len(doc.Content) == 0 {
		return &fileData{}, nil
	}
	root := resolveAlias(doc.Content[0])
	if err := checkShape(name, root, "the file", reflect.TypeFor[fileTop]()); err != nil {
		return nil, err
	}
	var top fileTop
	if err := root.Decode(&top); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err) // checkShape should have caught it
	}
	rootPlace := place{file: name, node: root}
	f := &fileData{
		generalRule:   top.GeneralRule,
		generalRuleAt: rootPlace,
		sources:       entries(rootPlace, "sources", top.Sources),
		safety:        entries(rootPlace, "safety", top.Safety),
		tips:          entries(rootPlace, "tips", top.Tips),
		exercises:     entries(rootPlace, "exercises", top.Exercises),
		routines:      entries(rootPlace, "routines", top.Routines),
	}
	return f, firstError(
		uniqueIDs("source", f.sources),
		uniqueIDs("safety note", f.safety),
		uniqueIDs("tip", f.tips),
		uniqueIDs("exercise", f.exercises),
		uniqueIDs("routine", f.routines),
	)
}

// syntaxError rewrites yaml.v3's "yaml: line N: reason" as "file:N: reason".
func syntaxError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, reason, ok := strings.Cut(rest, ": "); ok {
			if line, convErr := strconv.Atoi(num); convErr == nil {
				return fmt.Errorf("%s:%d: the YAML is malformed: %s", file, line, reason)
			}
		}
	}
	return fmt.Errorf("%s: the YAML is malformed: %s", file, msg)
}

// entries pairs each decoded item of a section with its node.
func entries[T identified](root place, section string, vals []T) []entry[T] {
	out := make([]entry[T], len(vals))
	for i, v := range vals {
		out[i] = entry[T]{val: v, at: root.sub(section, i)}
	}
	return out
}

// uniqueIDs reports the first id that appears twice in one section of one file.
func uniqueIDs[T identified](kind string, es []entry[T]) error {
	first := map[string]place{}
	for _, e := range es {
		id := e.val.identity()
		if prev, dup := first[id]; dup && id != "" {
			return e.at.fail("id", "%s %q is defined twice in this file (first at line %d); remove or rename one",
				kind, id, prev.node.Line)
		}
		first[id] = e.at
	}
	return nil
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// overrideWith merges an extra file into f: an entry whose id f already has replaces it in
// place, keeping the catalog's order; the others are appended.
func (f *fileData) overrideWith(extra *fileData) {
	if extra.generalRule != "" {
		f.generalRule, f.generalRuleAt = extra.generalRule, extra.generalRuleAt
	}
	f.sources = override(f.sources, extra.sources)
	f.safety = override(f.safety, extra.safety)
	f.tips = override(f.tips, extra.tips)
	f.exercises = override(f.exercises, extra.exercises)
	f.routines = override(f.routines, extra.routines)
}

func override[T identified](base, extra []entry[T]) []entry[T] {
	pos := make(map[string]int, len(base))
	for i, e := range base {
		pos[e.val.identity()] = i
	}
	for _, e := range extra {
		if i, ok := pos[e.val.identity()]; ok {
			base[i] = e
		} else {
			base = append(base, e)
		}
	}
	return base
}
