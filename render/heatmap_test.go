package render

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchbot/stretchbot/streak"
)

// update rewrites docs/heatmap-example.png:
//
//	go test ./render -run TestHeatmapExample -update
var update = flag.Bool("update", false, "rewrite docs/heatmap-example.png from TestHeatmapExample")

// heatmapExample is the committed example image, relative to this package.
const heatmapExample = "../docs/heatmap-example.png"

func mustDay(t testing.TB, s string) streak.Day {
	t.Helper()
	d, err := streak.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func decode(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

func TestHeatmapSize(t *testing.T) {
	tests := []struct {
		name                 string
		weeks, width, height int
	}{
		// 8 + 21 ("Mon") + 4 + 26*13-3 + 8 by 8 + 13 (month) + 4 + 7*13-3 + 8 + 13 (legend) + 8
		{"the /stats half year", 26, 376, 142},
		{"a year", 52, 714, 142},
		{"the most weeks", MaxHeatmapWeeks, 1390, 142},
		// the legend (10+5+35 "Today" +16 +28 "Less" +5 +5*13-3 +5 +28 "More") sets the width
		{"one week", 1, 8 + 21 + 4 + 194 + 8, 142},
		{"a few weeks", 14, 8 + 21 + 4 + 194 + 8, 142},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := Heatmap(nil, mustDay(t, "2024-06-12"), tt.weeks)
			if err != nil {
				t.Fatal(err)
			}
			if b := decode(t, data).Bounds(); b.Dx() != tt.width || b.Dy() != tt.height {
				t.Errorf("%d weeks: %v, want %dx%d", tt.weeks, b, tt.width, tt.height)
			}
		})
	}
}

func TestHeatmapCells(t *testing.T) {
	today := mustDay(t, "2024-06-12") // a Wednesday
	amounts := map[streak.Day]int{
		today:                    5,
		mustDay(t, "2024-06-10"): 1,    // Monday of today's week
		mustDay(t, "2024-06-09"): 10,   // the largest amount shown
		mustDay(t, "2023-12-18"): 3,    // Monday of the oldest week shown
		mustDay(t, "2023-12-17"): 1000, // before the oldest week: ignored
		mustDay(t, "2024-06-13"): 7,    // after today: not drawn
		mustDay(t, "2024-06-08"): 0,    // Saturday of the week before
	}
	img := decode(t, mustHeatmap(t, amounts, today, 26))
	p := heatmapPalette()
	tests := []struct {
		name     string
		col, row int
		want     color.Color
	}{
		{"today: Wednesday of the last week", 25, 2, p[colorLevel2]},
		{"1 of 10 is the faintest level", 25, 0, p[colorLevel1]},
		{"the peak, Sunday of the week before", 24, 6, p[colorLevel4]},
		{"3 of 10 on the oldest Monday", 0, 0, p[colorLevel2]},
		{"a day without activity", 25, 1, p[colorEmpty]},
		{"a day with amount 0", 24, 5, p[colorEmpty]},
		{"tomorrow is not drawn", 25, 3, p[colorBackground]},
	}
	for _, tt := range tests {
		center := cellRect(tt.col, tt.row).Min.Add(image.Pt(heatmapCell/2, heatmapCell/2))
		if got := img.At(center.X, center.Y); !sameColor(got, tt.want) {
			t.Errorf("%s: cell (%d, %d) is %v, want %v", tt.name, tt.col, tt.row, got, tt.want)
		}
	}
	if corner := cellRect(25, 2).Min; !sameColor(img.At(corner.X, corner.Y), p[colorToday]) {
		t.Errorf("today's square is not outlined: %v", img.At(corner.X, corner.Y))
	}
	if corner := cellRect(25, 1).Min; !sameColor(img.At(corner.X, corner.Y), p[colorEmpty]) {
		t.Errorf("yesterday's square is outlined")
	}
	between := cellRect(0, 0).Max // the gap after the first square
	if !sameColor(img.At(between.X, between.Y), p[colorBackground]) {
		t.Errorf("gap pixel is %v, want the background", img.At(between.X, between.Y))
	}
}

func TestHeatmapMonthLabels(t *testing.T) {
	tests := []struct {
		name  string
		today string
		weeks int
		want  []string
	}{
		// The oldest Monday is 2023-08-21 and 1 September is in the next column, too
		// close for "Aug": it is left out.
		{"half a year across New Year", "2024-02-14", 26, []string{"Sep", "Oct", "Nov", "Dec", "Jan", "Feb"}},
		// The oldest Monday is 2023-07-10, three columns before 1 August: room for "Jul".
		// Today is 1 July, in the last column: its "Jul" moves left to stay inside.
		{"a year ending on a Monday the 1st", "2024-07-01", 52,
			[]string{"Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul"}},
		// The oldest Monday is 2022-06-20: "Jun" gives way to "Jul" a column later.
		{"two years", "2024-06-12", MaxHeatmapWeeks, []string{
			"Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May",
			"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun"}},
		{"a 1st after today is not labeled", "2024-05-29", 4, []string{"May"}},
		{"one week within a month", "2024-06-12", 1, []string{"Jun"}},
		{"one week holding a 1st before today", "2024-05-03", 1, []string{"May"}},
		// 1 February and 1 March 2021 are Mondays.
		{"starting on a Monday the 1st", "2021-03-03", 5, []string{"Feb", "Mar"}},
		{"starting a week before a 1st: the older month gives way", "2021-03-03", 6, []string{"Feb", "Mar"}},
		{"starting four weeks before a 1st: room for both", "2021-03-03", 9, []string{"Jan", "Feb", "Mar"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			today := mustDay(t, tt.today)
			first := firstShownDay(today, tt.weeks)
			labels := monthLabels(first, today, tt.weeks)
			var got []string
			for _, l := range labels {
				got = append(got, l.text)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("labels %v, want %v", got, tt.want)
			}
			bounds := heatmapBounds(tt.weeks)
			for i, l := range labels {
				end := l.x + textWidth(l.text)
				if l.x < gridOrigin().X || end > bounds.Max.X-heatmapMargin {
					t.Errorf("%q at x %d..%d is outside the grid's columns and the margin", l.text, l.x, end)
				}
				if i > 0 && labels[i-1].x+textWidth(labels[i-1].text)+monthLabelSpace > l.x {
					t.Errorf("%q at x %d is too close to %q at x %d", l.text, l.x, labels[i-1].text, labels[i-1].x)
				}
			}
			// Each month starting in the range is over its 1st's column, or moved left
			// from it at the right edge.
			named := 0
			for day := first; day <= today; day++ {
				if _, _, date := day.Date(); date != 1 {
					continue
				}
				_, month, _ := day.Date()
				col := cellRect(int(day-first)/7, 0).Min.X
				i := slices.IndexFunc(labels, func(l monthLabel) bool {
					return l.text == month.String()[:3] && (l.x == col || l.x < col && l.x+textWidth(l.text) == bounds.Max.X-heatmapMargin)
				})
				if i < 0 {
					t.Errorf("%s: no label over its column at x %d", day, col)
				}
				named++
			}
			if named != len(labels) && named+1 != len(labels) {
				t.Errorf("%d labels for %d months beginning in the range", len(labels), named)
			}
		})
	}
}

// textPixels counts the pixels of the text color in r.
func textPixels(img image.Image, r image.Rectangle) int {
	text := heatmapPalette()[colorText]
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if sameColor(img.At(x, y), text) {
				n++
			}
		}
	}
	return n
}

func TestHeatmapLabelPixels(t *testing.T) {
	tests := []struct {
		today string
		weeks int
	}{
		{"2024-02-14", 26},
		{"2024-07-01", 52},
		{"2024-06-12", 1},
	}
	for _, tt := range tests {
		t.Run(tt.today, func(t *testing.T) {
			today := mustDay(t, tt.today)
			img := decode(t, mustHeatmap(t, map[streak.Day]int{today: 1}, today, tt.weeks))
			origin := gridOrigin()
			bounds := img.Bounds()

			monthBand := image.Rect(0, 0, bounds.Max.X, origin.Y)
			labels := monthLabels(firstShownDay(today, tt.weeks), today, tt.weeks)
			inLabels := 0
			for _, l := range labels {
				box := image.Rect(l.x, heatmapMargin, l.x+textWidth(l.text), heatmapMargin+heatmapFace.Height)
				n := textPixels(img, box)
				if n < 10 {
					t.Errorf("month %q at x %d: %d text pixels", l.text, l.x, n)
				}
				inLabels += n
			}
			if all := textPixels(img, monthBand); all != inLabels {
				t.Errorf("month band: %d text pixels, %d of them in the labels", all, inLabels)
			}

			for row, label := range weekdayLabels {
				cell := cellRect(0, row)
				box := image.Rect(0, cell.Min.Y-1, origin.X, cell.Max.Y+1)
				n := textPixels(img, box)
				if label != "" && n < 10 || label == "" && n != 0 {
					t.Errorf("row %d, label %q: %d text pixels beside it", row, label, n)
				}
			}
			// The weekday labels don't run into the grid.
			if n := textPixels(img, image.Rect(origin.X-labelGap+1, origin.Y, bounds.Max.X, origin.Y+gridSize(tt.weeks).Y)); n != 0 {
				t.Errorf("%d text pixels in the grid", n)
			}

			legend := image.Rect(0, origin.Y+gridSize(tt.weeks).Y+1, bounds.Max.X, bounds.Max.Y)
			if n := textPixels(img, legend); n < 4*30 {
				t.Errorf("legend: %d text pixels, want the words Today, Less and More", n)
			}
			p := heatmapPalette()
			baseline := legend.Min.Y + legendGap - 1 + heatmapFace.Ascent
			right := bounds.Max.X - heatmapMargin - textWidth(legendMore) - legendSpace
			for i := range heatmapLevels + 1 {
				x := right - (heatmapLevels+1-i)*heatmapPitch + heatmapGap + heatmapCell/2
				if got, want := img.At(x, baseline-heatmapCell/2), p[colorEmpty+i]; !sameColor(got, want) {
					t.Errorf("legend square %d is %v, want %v", i, got, want)
				}
			}
			todayCorner := image.Pt(origin.X, baseline-heatmapCell)
			if got := img.At(todayCorner.X, todayCorner.Y); !sameColor(got, p[colorToday]) {
				t.Errorf("legend's today square is %v, want the outline %v", got, p[colorToday])
			}
		})
	}
}

// luminance is the relative luminance of c (WCAG 2).
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is the WCAG contrast ratio of brighter over darker, below 1 when brighter is
// in fact the darker.
func contrast(brighter, darker color.Color) float64 {
	return (luminance(brighter) + 0.05) / (luminance(darker) + 0.05)
}

func TestHeatmapContrast(t *testing.T) {
	p := heatmapPalette()
	tests := []struct {
		name             string
		brighter, darker uint8
		least            float64
	}{
		{"empty squares show on the card", colorEmpty, colorBackground, 1.25},
		{"the faintest activity is clearly brighter than none", colorLevel1, colorEmpty, 2},
		{"level 2 over level 1", colorLevel2, colorLevel1, 1.5},
		{"level 3 over level 2", colorLevel3, colorLevel2, 1.5},
		{"level 4 over level 3", colorLevel4, colorLevel3, 1.5},
		{"text on the card", colorText, colorBackground, 7},
		{"today's outline on the card", colorToday, colorBackground, 7},
		{"today's outline around an empty day", colorToday, colorEmpty, 5},
	}
	for _, tt := range tests {
		if got := contrast(p[tt.brighter], p[tt.darker]); got < tt.least {
			t.Errorf("%s: contrast %.2f, want at least %.2f", tt.name, got, tt.least)
		}
	}
	// The card itself stands apart from both of Discord's embed backgrounds.
	for name, embed := range map[string]color.Color{
		"dark":  color.RGBA{0x2b, 0x2d, 0x31, 0xff},
		"light": color.RGBA{0xf2, 0xf3, 0xf5, 0xff},
	} {
		if got := contrast(embed, p[colorBackground]); got < 1.2 {
			t.Errorf("card on Discord's %s theme: contrast %.2f", name, got)
		}
	}

	// The same, measured on a drawn image: the faintest filled day against an empty one.
	today := mustDay(t, "2024-06-12") // a Wednesday
	img := decode(t, mustHeatmap(t, map[streak.Day]int{today.AddDays(-2): 1, today: 4}, today, 26))
	at := func(day streak.Day) color.Color {
		c := cellRect(25, mondayIndex(day)).Min.Add(image.Pt(heatmapCell/2, heatmapCell/2))
		return img.At(c.X, c.Y)
	}
	faint, empty := at(today.AddDays(-2)), at(today.AddDays(-1))
	if got := contrast(faint, empty); got < 2 {
		t.Errorf("faintest day %v against empty %v: contrast %.2f", faint, empty, got)
	}
}

// exampleAmounts is a made-up half year of a member taking up the habit: a few days a
// week at first, most days lately, some with a second or third session, one busy day of
// four, and a streak of twelve days up to today.
func exampleAmounts(today streak.Day) map[streak.Day]int {
	amounts := map[streak.Day]int{}
	for i := range 7 * 26 { // i days ago
		roll := (i*7919 + i*i*31) % 100
		chance := 35
		if i < 120 {
			chance = 60
		}
		if i < 50 {
			chance = 85
		}
		amount := 0
		switch {
		case roll >= chance && i >= 12:
		case roll%11 == 0:
			amount = 3
		case roll%4 == 0:
			amount = 2
		default:
			amount = 1
		}
		amounts[today.AddDays(-i)] = amount
	}
	amounts[today.AddDays(-23)] = 4
	return amounts
}

// TestHeatmapExample draws the example in the docs, writes it to a temporary file (its
// path is logged with -v) and checks that docs/heatmap-example.png shows the same pixels.
// -update rewrites that file instead.
func TestHeatmapExample(t *testing.T) {
	today := mustDay(t, "2025-03-12") // 26 weeks across New Year
	data := mustHeatmap(t, exampleAmounts(today), today, 26)
	tmp := filepath.Join(t.TempDir(), "heatmap.png")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", tmp, len(data))
	if len(data) > 20<<10 {
		t.Errorf("the PNG has %d bytes, want at most 20 KiB", len(data))
	}
	if *update {
		if err := os.WriteFile(heatmapExample, data, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", heatmapExample)
	}
	committed, err := os.ReadFile(heatmapExample)
	if err != nil {
		t.Fatalf("%v (go test ./render -run TestHeatmapExample -update writes it)", err)
	}
	// Pixels, not bytes: another Go version may compress the same image differently.
	want, got := decode(t, committed), decode(t, data)
	if want.Bounds() != got.Bounds() {
		t.Fatalf("%s is %v, the heatmap %v: go test ./render -run TestHeatmapExample -update", heatmapExample, want.Bounds(), got.Bounds())
	}
	for y := got.Bounds().Min.Y; y < got.Bounds().Max.Y; y++ {
		for x := got.Bounds().Min.X; x < got.Bounds().Max.X; x++ {
			if !sameColor(want.At(x, y), got.At(x, y)) {
				t.Fatalf("%s differs at (%d, %d): go test ./render -run TestHeatmapExample -update", heatmapExample, x, y)
			}
		}
	}
}

func TestHeatmapDeterministic(t *testing.T) {
	today := mustDay(t, "2024-06-12")
	amounts := map[streak.Day]int{}
	for i := range 150 {
		amounts[today.AddDays(-i)] = i % 9
	}
	first := mustHeatmap(t, amounts, today, 26)
	for range 5 {
		if !bytes.Equal(mustHeatmap(t, amounts, today, 26), first) {
			t.Fatal("two calls with the same data gave different PNGs")
		}
	}
}

func TestHeatmapRejectsWeeks(t *testing.T) {
	for _, weeks := range []int{0, -1, MaxHeatmapWeeks + 1} {
		if _, err := Heatmap(nil, mustDay(t, "2024-06-12"), weeks); err == nil {
			t.Errorf("Heatmap with %d weeks: want an error", weeks)
		}
	}
}

func mustHeatmap(t testing.TB, amounts map[streak.Day]int, today streak.Day, weeks int) []byte {
	t.Helper()
	data, err := Heatmap(amounts, today, weeks)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func sameColor(a, b color.Color) bool {
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, ba := b.RGBA()
	return ar == br && ag == bg && ab == bb && aa == ba
}

func BenchmarkHeatmap(b *testing.B) {
	today := mustDay(b, "2024-06-12")
	amounts := map[streak.Day]int{}
	for i := range 182 {
		if i%3 != 0 {
			amounts[today.AddDays(-i)] = 5 + i%40
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		mustHeatmap(b, amounts, today, 26)
	}
}
