package render

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/stretchbot/stretchbot/streak"
)

// MaxHeatmapWeeks bounds the heatmap to two years, which keeps the PNG small.
const MaxHeatmapWeeks = 104

// Heatmap geometry, in pixels.
const (
	heatmapCell   = 16 // side of a day's square
	heatmapGap    = 4  // space between squares
	heatmapMargin = 10 // space around the grid
	todayBorder   = 2  // width of today's outline, inside its square
)

// Palette indices of the heatmap image.
const (
	colorBackground = iota
	colorEmpty      // a day without activity
	colorLevel1     // the four activity levels, faintest first
	colorLevel2
	colorLevel3
	colorLevel4
	colorToday // outline of today's square
)

// heatmapLevels is the number of activity levels above empty.
const heatmapLevels = colorLevel4 - colorLevel1 + 1

// heatmapPalette is made for Discord's dark theme: the background of an embed, a grey
// that stays visible on it for empty days, and greens that stay apart from each other.
func heatmapPalette() color.Palette {
	return color.Palette{
		colorBackground: color.RGBA{0x2b, 0x2d, 0x31, 0xff},
		colorEmpty:      color.RGBA{0x40, 0x42, 0x49, 0xff},
		colorLevel1:     color.RGBA{0x0e, 0x44, 0x29, 0xff},
		colorLevel2:     color.RGBA{0x00, 0x6d, 0x32, 0xff},
		colorLevel3:     color.RGBA{0x26, 0xa6, 0x41, 0xff},
		colorLevel4:     color.RGBA{0x39, 0xd3, 0x53, 0xff},
		colorToday:      color.RGBA{0xf0, 0xb2, 0x32, 0xff},
	}
}

// Heatmap draws the last weeks of activity ending with today as a PNG calendar, like a
// contribution graph: one column per week (oldest on the left, today's week on the right),
// one row per weekday (Monday on top). amounts maps a day to any activity measure (sessions
// or minutes); a day absent or at most 0 is empty. Other days get one of four levels
// relative to the largest amount shown. Today is outlined; days after today are not drawn.
// weeks must be 1..MaxHeatmapWeeks. The output depends on the arguments only.
func Heatmap(amounts map[streak.Day]int, today streak.Day, weeks int) ([]byte, error) {
	if weeks < 1 || weeks > MaxHeatmapWeeks {
		return nil, fmt.Errorf("heatmap of %d weeks: want 1 to %d", weeks, MaxHeatmapWeeks)
	}
	first := firstShownDay(today, weeks)
	peak := largestAmount(amounts, first, today)
	img := image.NewPaletted(heatmapBounds(weeks), heatmapPalette())
	fill(img, img.Rect, colorBackground)
	for day := first; day <= today; day++ {
		cell := cellRect(int(day-first)/7, mondayIndex(day))
		if day == today {
			fill(img, cell, colorToday)
			cell = cell.Inset(todayBorder)
		}
		fill(img, cell, level(amounts[day], peak))
	}
	var out bytes.Buffer
	if err := png.Encode(&out, img); err != nil {
		return nil, fmt.Errorf("encode heatmap: %w", err)
	}
	return out.Bytes(), nil
}

// firstShownDay is the Monday of the oldest week shown.
func firstShownDay(today streak.Day, weeks int) streak.Day {
	return today.AddDays(-mondayIndex(today) - 7*(weeks-1))
}

// mondayIndex numbers weekdays from Monday (0) to Sunday (6), the rows top to bottom.
func mondayIndex(day streak.Day) int {
	return (int(day.Weekday()) + 6) % 7
}

// largestAmount is the largest amount between first and last, at least 1.
func largestAmount(amounts map[streak.Day]int, first, last streak.Day) int {
	peak := 1
	for day, amount := range amounts {
		if day >= first && day <= last {
			peak = max(peak, amount)
		}
	}
	return peak
}

// level maps an amount to its color: empty, or one of the levels in proportion to peak,
// rounded up so that any activity at all is visible.
func level(amount, peak int) uint8 {
	if amount <= 0 {
		return colorEmpty
	}
	step := (int64(heatmapLevels)*int64(amount) + int64(peak) - 1) / int64(peak)
	return colorLevel1 + uint8(min(step, heatmapLevels)-1)
}

// heatmapBounds is the size of the image for a number of weeks.
func heatmapBounds(weeks int) image.Rectangle {
	side := func(cells int) int { return 2*heatmapMargin + cells*heatmapCell + (cells-1)*heatmapGap }
	return image.Rect(0, 0, side(weeks), side(7))
}

// cellRect is the square of the day in a column (week) and row (weekday).
func cellRect(col, row int) image.Rectangle {
	x := heatmapMargin + col*(heatmapCell+heatmapGap)
	y := heatmapMargin + row*(heatmapCell+heatmapGap)
	return image.Rect(x, y, x+heatmapCell, y+heatmapCell)
}

// fill paints a rectangle of img with one palette color.
func fill(img *image.Paletted, r image.Rectangle, index uint8) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		start := img.PixOffset(r.Min.X, y)
		row := img.Pix[start : start+r.Dx()]
		for i := range row {
			row[i] = index
		}
	}
}
