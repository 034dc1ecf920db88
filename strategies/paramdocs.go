package strategies

import (
	"embed"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"regexp"
	"strings"
)

// The built-in strategies' sources, read for their params structs' field
// comments: the comments are the parameters' documentation, written once
// beside the fields ([ParamDocs]).
//
//go:embed buyandhold.go pairhedge.go scaledentry.go smacross.go weights.go
var sources embed.FS

// paramTypes maps a built-in strategy type to its params struct.
var paramTypes = map[string]reflect.Type{
	"buy-and-hold": reflect.TypeFor[BuyAndHoldParams](),
	"pair-hedge":   reflect.TypeFor[PairHedgeParams](),
	"scaled-entry": reflect.TypeFor[ScaledEntryParams](),
	"sma-cross":    reflect.TypeFor[SMACrossParams](),
	"weights":      reflect.TypeFor[WeightsParams](),
}

// ParamDoc documents one parameter of a strategy, as its params struct
// declares it.
type ParamDoc struct {
	// Key is the parameter's key in an experiment file (the field's toml
	// tag).
	Key string
	// Type is the field's Go type as written in the source ("int",
	// "[]string", "HedgeMode").
	Type string
	// Default is the default the comment states ("20", "1.0 (all in)",
	// "dollar"), "required", or "" when it states none.
	Default string
	// Doc is the field's comment, as one paragraph. Fields declared under
	// one comment share it.
	Doc string
}

var (
	defaultRe     = regexp.MustCompile(`\bDefault:?\s+(.+?)(?:;|:\s|\.\s|\.$|$)`)
	modeDefaultRe = regexp.MustCompile(`"([a-z0-9-]+)"\s+\(default`)
)

// ParamDocs returns the parameters of a built-in strategy type, in the
// order its params struct declares them, from the struct's source: the
// meaning is the field's comment and the default what the comment says.
// It returns an error for a type that is not built in.
func ParamDocs(typ string) ([]ParamDoc, error) {
	rt, ok := paramTypes[typ]
	if !ok {
		return nil, fmt.Errorf("strategies: %q is not a built-in strategy type", typ)
	}
	fset := token.NewFileSet()
	entries, err := sources.ReadDir(".")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		b, err := sources.ReadFile(e.Name())
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, e.Name(), b, parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("strategies: %s: %w", e.Name(), err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.TYPE {
				continue
			}
			for _, sp := range g.Specs {
				ts := sp.(*ast.TypeSpec)
				st, ok := ts.Type.(*ast.StructType)
				if !ok || ts.Name.Name != rt.Name() {
					continue
				}
				return fieldDocs(b, fset, st), nil
			}
		}
	}
	return nil, fmt.Errorf("strategies: no source for %s", rt.Name())
}

func fieldDocs(src []byte, fset *token.FileSet, st *ast.StructType) []ParamDoc {
	var out []ParamDoc
	prev := ""
	for _, fl := range st.Fields.List {
		doc := strings.Join(strings.Fields(fl.Doc.Text()), " ")
		if doc == "" {
			doc = prev
		}
		prev = doc
		typ := string(src[fset.Position(fl.Type.Pos()).Offset:fset.Position(fl.Type.End()).Offset])
		key := ""
		if fl.Tag != nil {
			key = reflect.StructTag(strings.Trim(fl.Tag.Value, "`")).Get("toml")
			key, _, _ = strings.Cut(key, ",")
		}
		for _, n := range fl.Names {
			k := key
			if k == "" {
				k = n.Name
			}
			out = append(out, ParamDoc{Key: k, Type: typ, Default: defaultOf(doc), Doc: doc})
		}
	}
	return out
}

// defaultOf is the default a field's comment states.
func defaultOf(doc string) string {
	if m := defaultRe.FindStringSubmatch(doc); m != nil {
		return strings.TrimSpace(m[1])
	}
	if m := modeDefaultRe.FindStringSubmatch(doc); m != nil {
		return m[1]
	}
	if strings.Contains(doc, "Required") || strings.Contains(doc, "is required") {
		return "required"
	}
	return ""
}
