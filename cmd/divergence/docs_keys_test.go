package main

import (
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/experiment"
)

// tomlKeys returns the TOML keys of t's fields, and of the structs they
// hold (pointers, slices, maps of structs), by their path in the file.
func tomlKeys(t reflect.Type, prefix string, out map[string]string) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if name == "" || name == "-" {
			continue
		}
		out[name] = prefix + name
		tomlKeys(f.Type, prefix+name+".", out)
	}
}

// Every key the experiment file's decoder accepts is written in README.md
// or docs/*.md, as `key`, key = …, or a [table] header: [data] on_bad_row
// was accepted (and named by the error of a contradictory bar) but
// written nowhere.
func TestDocsNameEveryExperimentKey(t *testing.T) {
	keys := map[string]string{}
	tomlKeys(reflect.TypeOf(experiment.File{}), "", keys)
	if _, ok := keys["on_bad_row"]; !ok {
		t.Fatalf("the walk over experiment.File found no on_bad_row (keys: %v)", keys)
	}
	var all strings.Builder
	for _, text := range docTexts(t) {
		all.WriteString(text)
	}
	docs := all.String()
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		q := regexp.QuoteMeta(k)
		re := regexp.MustCompile("`" + q + "`|(?m)(?:^|[\\s{,#])" + q + " *=|[\\[.]" + q + "[\\].]")
		if !re.MatchString(docs) {
			t.Errorf("experiment key %s is written in neither README.md nor docs/*.md", keys[k])
		}
	}
}
