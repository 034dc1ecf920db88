package strategies

import (
	"testing"

	"github.com/divergence-research/divergence/engine"
)

// A program's own factory that cannot build a strategy is an error of
// Registry.New naming the type, not a nil-pointer panic (a Factory without
// New) or a nil strategy handed on (a constructor returning nil, nil: the
// experiment then said its strategies named no instrument, and engine.Run
// refused a nil strategy).
func TestRegistryNewRefusesBrokenFactory(t *testing.T) {
	reg := Registry{
		"no-new": {Name: "no-new"},
		"nil":    {Name: "nil", New: func(Params) (engine.Strategy, error) { return nil, nil }},
		"typed-nil": {Name: "typed-nil", New: func(Params) (engine.Strategy, error) {
			var s *ScaledEntry
			return s, nil
		}},
	}
	cases := []struct{ typ, want string }{
		{"no-new", `strategies: type "no-new" has no constructor (Factory.New is nil)`},
		{"nil", `strategies: type "nil": its constructor returned no strategy and no error`},
		{"typed-nil", `strategies: type "typed-nil": its constructor returned no strategy and no error`},
	}
	for _, c := range cases {
		t.Run(c.typ, func(t *testing.T) {
			var s engine.Strategy
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("panic: %v", r)
					}
				}()
				s, err = reg.New(c.typ, nil)
			}()
			if err == nil || err.Error() != c.want {
				t.Fatalf("strategy %v, error %v\nwant %s", s, err, c.want)
			}
		})
	}
}
