package report

import (
	_ "embed"
	"html/template"
	"strings"
)

// The page's script and style: uPlot (vendored from npm, see
// assets/README.md) and the report's own glue, inlined into report.html
// so that it needs no network.
var (
	//go:embed assets/uPlot.iife.min.js
	uplotJS string
	//go:embed assets/uPlot.min.css
	uplotCSS string
	//go:embed assets/report.js
	reportJS string
	//go:embed assets/report.css
	reportCSS string
	//go:embed assets/uPlot.LICENSE
	uplotLicense string
)

// scripts is the inline <script> content of the page: uPlot with its
// licence notice, then the report's script. "</script" never occurs in them
// (checked by a test), so they cannot end the element early.
func scripts() template.JS {
	notice := "/* uPlot 1.6.32, https://github.com/leeoniya/uPlot\n" + strings.ReplaceAll(uplotLicense, "*/", "* /") + "*/\n"
	return template.JS(notice + uplotJS + "\n" + reportJS)
}

func styles() template.CSS { return template.CSS(uplotCSS + "\n" + reportCSS) }
