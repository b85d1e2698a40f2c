package render

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/stretchbot/stretchbot/streak"
)

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
	tests := []struct{ weeks, width, height int }{
		{26, 536, 156}, // 2*10 + 26*16 + 25*4 by 2*10 + 7*16 + 6*4
		{1, 36, 156},
	}
	for _, tt := range tests {
		data, err := Heatmap(nil, mustDay(t, "2024-06-12"), tt.weeks)
		if err != nil {
			t.Fatal(err)
		}
		if b := decode(t, data).Bounds(); b.Dx() != tt.width || b.Dy() != tt.height {
			t.Errorf("%d weeks: %v, want %dx%d", tt.weeks, b, tt.width, tt.height)
		}
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
