package catalog

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// checkShape walks the YAML node n against the Go type t that will receive it and reports
// the first unknown or repeated key, or a value of the wrong kind (a list where one value
// belongs, "yes" for timed). yaml.v3 on its own drops unknown keys silently, so a typo such
// as "catgory" would lose data, and it words kind errors in Go type names. what names the
// value for the message.
func checkShape(file string, n *yaml.Node, what string, t reflect.Type) error {
	n = resolveAlias(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil // an empty value; required fields are checked during validation
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", file, n.Line, fmt.Sprintf(format, args...))
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return fail("%s should be a set of key: value lines", what)
		}
		return checkKeys(file, n, t)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return fail("%s should be a list", what)
		}
		for _, item := range n.Content {
			if err := checkShape(file, item, "each item of "+what, t.Elem()); err != nil {
				return err
			}
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || (n.Value != "true" && n.Value != "false") {
			return fail("%s should be true or false", what)
		}
	default:
		if n.Kind != yaml.ScalarNode {
			return fail("%s should be a single value, not a list or a set of keys", what)
		}
	}
	return nil
}

// checkKeys checks a mapping's keys against t's yaml tags, then each value's shape.
func checkKeys(file string, n *yaml.Node, t reflect.Type) error {
	fields := make(map[string]reflect.Type, t.NumField())
	var names []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		fields[name] = t.Field(i).Type
		names = append(names, name)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ft, known := fields[k.Value]
		switch {
		case !known:
			return fmt.Errorf("%s:%d: unknown key %q%s", file, k.Line, k.Value, closestKey(k.Value, names))
		case seen[k.Value]:
			return fmt.Errorf("%s:%d: key %q is given twice; keep one", file, k.Line, k.Value)
		}
		seen[k.Value] = true
		if err := checkShape(file, v, strconv.Quote(k.Value), ft); err != nil {
			return err
		}
	}
	return nil
}

// closestKey suggests the known key a typo was meant to be, or lists them all.
func closestKey(typo string, known []string) string {
	best, bestDist := "", 3 // more than two edits is a different word, not a typo
	for _, k := range known {
		if d := distance(typo, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return "; known keys here: " + strings.Join(known, ", ")
}
